"""The partner API's foundation: a client gets a token (OAuth 2.0 client credentials) and
reads an application for a person of its own organisation, as that person sees it and no
more; refusals are problem details in the caller's language; each client has its own rate
limit; the OpenAPI document and its page are served."""

from datetime import timedelta

from flask_babel import refresh
from sqlalchemy import select

from talentfin.models import ApiClient
from talentfin.models import ApiToken
from talentfin.models import SecurityEvent
from talentfin.services import api_clients
from tests import factories
from tests.web import TOKEN_URL
from tests.web import api_basic
from tests.web import api_token


def _read(client, application_id: int, token: str, person: str | None, **headers):
    if person:
        headers["On-Behalf-Of"] = person
    return client.get(f"/api/v1/applications/{application_id}",
                      headers={"Authorization": f"Bearer {token}", **headers})


def test_a_client_reads_an_application_as_its_officer_sees_it(client, world, bank_client):
    row, secret = bank_client
    application = factories.loan_in(world, "partner_review")
    token = api_token(client, row.client_id, secret)
    response = _read(client, application.id, token, world.officer1.email)
    assert response.status_code == 200
    body = response.get_json()
    assert body["application"]["reference"] == application.reference
    assert body["application"]["status"] == "partner_review"
    assert body["application"]["status_label"] == "银行审查"  # Chinese unless asked
    assert body["application"]["submitted_at"].endswith("+00:00")
    assert [e["trigger"] for e in body["timeline"]] == ["submit", "park_approve"]
    assert {d["kind"] for d in body["documents"]} >= {"business_plan", "business_licence"}
    assert all(len(d["sha256"]) == 64 for d in body["documents"])
    assert len(body["dossiers"]) == 2 and body["dossiers"][0]["verify_code"]
    assert body["request"]["purpose"] == application.purpose
    assert body["request"]["requested_term_months"] == application.requested_term_months
    refresh()  # the test client's app context outlives a request, and Babel caches there
    english = _read(client, application.id, token, world.officer1.email,
                    **{"Accept-Language": "en"})
    assert english.get_json()["application"]["status_label"] == "Bank review"


def test_the_client_sees_no_more_than_its_organisation(client, world, bank_client):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    other_bank = factories.loan_in(world, "partner_review", founder=world.founder2,
                                   bank=world.bank2)
    ours = factories.loan_in(world, "partner_review")
    # Another bank's application: 404, as the page answers.
    missing = _read(client, other_bank.id, token, world.officer1.email)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert missing.get_json()["type"].endswith("/404")
    # A person of another organisation, or none, cannot be named.
    assert _read(client, ours.id, token, world.officer2.email).status_code == 403
    assert _read(client, ours.id, token, world.founder.email).status_code == 403
    refresh()
    nobody = _read(client, ours.id, token, None, **{"Accept-Language": "en"})
    assert nobody.status_code == 400 and "On-Behalf-Of" in nobody.get_json()["detail"]


def test_tokens_are_checked_and_end_with_their_client(client, world, bank_client, db):
    row, secret = bank_client
    application = factories.loan_in(world, "partner_review")
    wrong = client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                        headers=api_basic(row.client_id, "not-the-secret"))
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    by_form = client.post(TOKEN_URL, data={"grant_type": "client_credentials",
                                           "client_id": row.client_id, "client_secret": secret})
    assert by_form.status_code == 200
    token = api_token(client, row.client_id, secret)
    missing = client.get(f"/api/v1/applications/{application.id}")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert missing.headers["Content-Type"] == "application/problem+json"
    assert _read(client, application.id, "forged", world.officer1.email).status_code == 401

    # Neither the secret nor a token is stored, only their digests.
    stored = db.session.get(ApiClient, row.id)
    assert secret not in stored.secret_digest
    assert db.session.scalar(select(ApiToken).where(ApiToken.token_digest == token)) is None

    # An expired token, a rotated secret, a revoked client: refused.
    expired = api_clients.token_for(token)
    expired.expires_at = expired.issued_at - timedelta(seconds=1)
    db.session.commit()
    assert _read(client, application.id, token, world.officer1.email).status_code == 401
    token = api_token(client, row.client_id, secret)
    new_secret = api_clients.rotate(stored, world.admin)
    assert _read(client, application.id, token, world.officer1.email).status_code == 401
    assert client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                       headers=api_basic(row.client_id, secret)).status_code == 401
    token = api_token(client, row.client_id, new_secret)
    assert _read(client, application.id, token, world.officer1.email).status_code == 200
    api_clients.revoke(stored, world.admin)
    assert _read(client, application.id, token, world.officer1.email).status_code == 401
    kinds = set(db.session.scalars(select(SecurityEvent.kind)))
    assert {"api_client_created", "api_client_rotated", "api_client_revoked"} <= kinds


def test_a_refused_token_request_says_why_in_the_callers_language(client, world, bank_client):
    row, _secret = bank_client
    wrong = client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                        headers=api_basic(row.client_id, "not-the-secret"))
    assert wrong.status_code == 401 and wrong.get_json() == {
        "error": "invalid_client", "error_description": "客户端编号或密钥不对，或客户端已吊销。"}
    assert wrong.headers.get("WWW-Authenticate")  # Authlib's headers stay
    refresh()  # (the suite's app context keeps the locale it found first)
    other = client.post(TOKEN_URL, data={"grant_type": "password"},
                        headers={**api_basic(row.client_id, _secret),
                                 "Accept-Language": "en"})
    assert other.status_code == 400 and other.get_json() == {
        "error": "unsupported_grant_type",
        "error_description": "Only grant_type=client_credentials is supported."}


def test_a_token_without_the_scope_is_refused(client, world):
    row, secret = api_clients.register(world.bank1, "报送系统", ["report"], world.admin)
    application = factories.loan_in(world, "partner_review")
    token = api_token(client, row.client_id, secret)
    refused = _read(client, application.id, token, world.officer1.email)
    assert refused.status_code == 403 and "read" in refused.get_json()["detail"]


def test_the_openapi_document_describes_the_operations_and_the_token_flow(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operation = spec["paths"]["/api/v1/applications/{application_id}"]["get"]
    assert "200" in operation["responses"]
    flow = spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == TOKEN_URL and set(flow["scopes"]) == {"read", "decide", "report"}


def test_an_internal_note_is_read_in_its_own_institution_only(client, world, bank_client):
    row, secret = bank_client
    application = factories.loan_in(world, "bank_approval")  # the officer's note: "good"
    bank_token = api_token(client, row.client_id, secret)
    ours = _read(client, application.id, bank_token, world.approver1.email).get_json()
    assert {e["trigger"]: e["comment"] for e in ours["timeline"]}["recommend"] == "good"
    park_row, park_secret = api_clients.register(world.park, "园区系统", ["read"], world.admin)
    park_token = api_token(client, park_row.client_id, park_secret)
    theirs = _read(client, application.id, park_token, world.park_reviewer.email).get_json()
    assert {e["trigger"]: e["comment"] for e in theirs["timeline"]}["recommend"] == ""


def test_each_client_has_its_rate_limit_and_is_told_where_it_stands(
        app, client, world, bank_client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    remaining = []
    for _call in range(3):
        response = _read(client, application.id, token, world.officer1.email)
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "3"
        remaining.append(response.headers["RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    refresh()
    over = _read(client, application.id, token, world.officer1.email,
                 **{"Accept-Language": "en"})
    assert over.status_code == 429 and over.headers["Retry-After"] == "60"
    assert over.headers["Content-Type"] == "application/problem+json"
    assert "more than 3 calls" in over.get_json()["detail"]
    # Another client of the same bank has its own count.
    other, other_secret = api_clients.register(world.bank1, "另一系统", ["read"], world.admin)
    other_token = api_token(client, other.client_id, other_secret)
    assert _read(client, application.id, other_token, world.officer1.email).status_code == 200


def test_the_documentation_page_is_served_with_its_own_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html and "https://" not in html  # nothing from a CDN
    assert "<script>" not in html  # the CSP allows no inline script
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        asset = client.get(f"/api/v1/docs/assets/{name}")
        assert asset.status_code == 200 and len(asset.data) > 10_000
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
    assert client.get("/static/api-docs.js").status_code == 200
    # our stylesheet over Swagger UI's (its contrast; tests/core/test_accessibility.py)
    assert html.index("swagger-ui.css") < html.index("/static/api-docs.css")
    assert client.get("/static/api-docs.css").status_code == 200
