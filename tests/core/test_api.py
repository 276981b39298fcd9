"""The partner API's foundation: clients and their tokens (OAuth 2.0 client credentials),
reading an application for a person of the client's organisation, problem details, the
OpenAPI document."""

import base64
import re
import threading
from datetime import timedelta

import pytest
from flask_babel import refresh
from sqlalchemy import func
from sqlalchemy import select

from talentfin.models import ApiClient
from talentfin.models import ApiToken
from talentfin.models import IdempotencyKey
from talentfin.models import SecurityEvent
from talentfin.models import TransitionLog
from talentfin.services import api_clients
from talentfin.services import idempotency
from tests import factories
from tests.web import api_basic
from tests.web import api_decide
from tests.web import api_token
from tests.web import login
from tests.web import switch_to

TOKEN_URL = "/api/v1/oauth/token"


@pytest.fixture
def bank_client(world):
    """A client of bank 1 reading for its staff; (row, secret)."""
    return api_clients.register(world.bank1, "核心系统", ["read"], world.admin)


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


def test_registration_refuses_unknown_scopes(world):
    with pytest.raises(api_clients.ClientRefused):
        api_clients.register(world.bank1, "x", ["admin"], world.admin)
    with pytest.raises(api_clients.ClientRefused):
        api_clients.register(world.bank1, "x", [], world.admin)


def test_the_openapi_document_describes_the_operations_and_the_token_flow(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    operation = spec["paths"]["/api/v1/applications/{application_id}"]["get"]
    assert "200" in operation["responses"]
    flow = spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == TOKEN_URL and set(flow["scopes"]) == {"read", "decide", "report"}


def test_the_command_line_registers_and_revokes_a_client(runner, world, db):
    result = runner.invoke(["api-client", "create", world.bank1.code, "--scopes", "read,decide"])
    assert result.exit_code == 0, result.output
    client_id = result.output.split("client_id: ")[1].split()[0]
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    assert row.scope_list() == ["read", "decide"]
    revoked = runner.invoke(["api-client", "revoke", client_id])
    assert revoked.exit_code == 0 and revoked.output == f"{client_id} revoked\n"
    db.session.expire_all()
    assert db.session.get(ApiClient, row.id).revoked_at is not None
    again = runner.invoke(["api-client", "revoke", client_id])
    assert again.exit_code == 0 and f"{client_id} was already revoked on" in again.output
    assert runner.invoke(["api-client", "create", "no-such-org"]).exit_code != 0


def _queue(client, token: str, person: str, **args):
    return client.get("/api/v1/queue/", query_string=args,
                      headers={"Authorization": f"Bearer {token}", "On-Behalf-Of": person})


def test_the_queue_comes_page_after_page_by_cursor_as_the_officer_sees_it(
        client, world, bank_client, db):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    waiting = [factories.loan_in(world, "partner_review") for _ in range(5)]
    factories.loan_in(world, "partner_review", founder=world.founder2, bank=world.bank2)
    factories.loan_in(world, "park_review")  # not the bank's yet

    seen, after, pages = [], None, 0
    while True:
        args = {"limit": 2, **({"after": after} if after else {})}
        page = _queue(client, token, world.officer1.email, **args).get_json()
        seen.extend(item["reference"] for item in page["items"])
        pages += 1
        after = page["next"]
        if after is None:
            break
        # Arriving meanwhile (a new file) neither repeats nor skips what was listed.
        if pages == 1:
            waiting.append(factories.loan_in(world, "partner_review"))
    assert seen == [a.reference for a in waiting] and pages == 3
    item = _queue(client, token, world.officer1.email, limit=1).get_json()["items"][0]
    assert item["status"] == "partner_review" and item["amount_fen"] == 100_000_000
    assert item["waiting_since"].endswith("+00:00") and item["claimed_by"] is None
    newest = _queue(client, token, world.officer1.email, sort="newest", limit=1).get_json()
    assert newest["items"][0]["reference"] == waiting[-1].reference
    # The park's reviewer (through a park's client) sees the park's queue instead.
    park_row, park_secret = api_clients.register(world.park, "园区系统", ["read"], world.admin)
    park_token = api_token(client, park_row.client_id, park_secret)
    park_items = _queue(client, park_token, world.park_reviewer.email).get_json()["items"]
    assert [i["status"] for i in park_items] == ["park_review"]


def test_bad_queue_arguments_are_refused_with_the_fields_named(client, world, bank_client):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    refused = _queue(client, token, world.officer1.email, limit=0, sort="sideways",
                     min_amount_fen="lots")
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert set(refused.get_json()["errors"]["query"]) == {"limit", "sort", "min_amount_fen"}
    # Each field's messages, a list, in the caller's language (Chinese unless asked).
    assert refused.get_json()["errors"]["query"]["limit"] == ["请输入 1 至 100 之间的数。"]
    assert refused.get_json()["errors"]["query"]["min_amount_fen"] == ["请输入整数。"]
    refresh()
    english = client.get("/api/v1/queue/", query_string={"sort": "sideways"}, headers={
        "Authorization": f"Bearer {token}", "On-Behalf-Of": world.officer1.email,
        "Accept-Language": "en"})
    assert english.get_json()["errors"]["query"] == {"sort": ["Choose one of: oldest, "
                                                              "newest."]}
    refresh()
    bad_cursor = _queue(client, token, world.officer1.email, after="not-a-cursor")
    assert bad_cursor.status_code == 400 and bad_cursor.get_json()["detail"]
    # Forged cursors: an id no database integer holds (it gave a 500), a time with an offset.
    for forged in ("2026-01-01T00:00:00|" + "9" * 30, "2026-01-01T00:00:00+08:00|5"):
        refresh()
        cursor = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
        assert _queue(client, token, world.officer1.email, after=cursor).status_code == 400
    unknown = _queue(client, token, world.officer1.email, status="sleeping", product="lottery")
    assert unknown.status_code == 422
    assert set(unknown.get_json()["errors"]["query"]) == {"status", "product"}
    assert _queue(client, token, world.officer1.email, status="all").status_code == 200
    # Beyond any amount (past the database's integers): refused, named, not a 500.
    huge = _queue(client, token, world.officer1.email, min_amount_fen=2**63,
                  max_amount_fen=10**30)
    assert huge.status_code == 422
    assert set(huge.get_json()["errors"]["query"]) == {"min_amount_fen", "max_amount_fen"}


def test_a_nul_in_the_query_or_a_header_is_refused_before_the_database_sees_it(
        client, world, bank_client):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    in_query = _queue(client, token, world.officer1.email, status="\x00")
    assert in_query.status_code == 400 and "NUL" in in_query.get_json()["detail"]
    in_header = _queue(client, token, world.officer1.email + "\x00")
    assert in_header.status_code == 400
    # A page's address too (PostgreSQL would refuse the text; the page says 400, not 500).
    assert client.get("/queue/?status=%00").status_code == 400


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


def test_a_decision_through_the_api_is_the_pages_decision(client, auth, world, db):
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    terms = {"amount": "800000", "rate": "3.45", "term_months": "24",
             "security": "pure_credit", "comment": "经营稳定，建议批准。"}
    # The page's validation, field by field, in the caller's language.
    refresh()
    bad = api_decide(client, token, world.officer1.email, application.id, "recommend",
                  {**terms, "amount": "lots"}, **{"Accept-Language": "en"})
    assert bad.status_code == 422, bad.get_json()
    assert "amount" in bad.get_json()["errors"]["body"]
    # An approver may not recommend; the officer may.
    assert api_decide(client, token, world.approver1.email, application.id, "recommend",
                   terms).status_code == 403
    done = api_decide(client, token, world.officer1.email, application.id, "recommend", terms)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["application"]["status"] == "bank_approval"
    log = db.session.scalars(select(TransitionLog).where(
        TransitionLog.trigger == "recommend")).one()
    assert log.actor_id == world.officer1.id and log.payload["via"] == f"api:{row.client_id}"
    login(auth, world.approver1)  # the page says who decided, and through which client
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"through the API, client {row.client_id}" in page
    # The same decision again: someone acted first.
    again = api_decide(client, token, world.officer1.email, application.id, "recommend", terms)
    assert again.status_code == 409 and again.get_json()["code"] == "changed_meanwhile"
    assert again.get_json()["type"].endswith("/409/changed_meanwhile")
    # A read-only client cannot decide.
    reader, reader_secret = api_clients.register(world.bank1, "只读", ["read"], world.admin)
    reader_token = api_token(client, reader.client_id, reader_secret)
    assert api_decide(client, reader_token, world.approver1.email, application.id,
                   "bank_approve", {}).status_code == 403


def test_the_document_lists_each_triggers_body_by_the_pages_form(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/applications/{application_id}/transitions/{trigger}"][
        "post"]["requestBody"]
    listed = {ref["$ref"].rsplit("/", 1)[1]
              for ref in body["content"]["application/json"]["schema"]["anyOf"]}
    schemas = spec["components"]["schemas"]
    assert listed <= set(schemas)
    # Which body a product's trigger takes is said; the officer's recommendation, in full.
    assert "`RecommendationBody`: loan.recommend" in body["description"]
    assert "loan.report_overdue" in body["description"]
    assert "loan.submit" not in body["description"]  # the founder's, in the pages
    operation = spec["paths"]["/api/v1/applications/{application_id}/transitions/{trigger}"]
    trigger = next(p for p in operation["post"]["parameters"] if p["name"] == "trigger")
    assert {"recommend", "report_overdue", "approve_reward"} <= set(trigger["schema"]["enum"])
    assert "submit" not in trigger["schema"]["enum"]
    recommend = schemas["RecommendationBody"]
    assert recommend["additionalProperties"] is False
    assert set(recommend["properties"]) == {"comment", "amount", "rate", "term_months",
                                            "security"}
    assert set(recommend["required"]) == {"amount", "rate", "term_months", "security"}
    assert recommend["properties"]["term_months"] == {
        "type": "integer", "enum": [12, 24, 36],
        "description": "Term: 12 (12 months); 24 (24 months); 36 (36 months)"}
    assert recommend["properties"]["security"]["enum"] == ["pure_credit", "guarantee",
                                                           "pledge", "collateral"]
    assert recommend["properties"]["amount"]["format"] == "decimal"
    assert "yuan" in recommend["properties"]["amount"]["description"]
    assert recommend["properties"]["comment"]["maxLength"] == 4000
    overdue = schemas["OverdueBody"]["properties"]
    assert overdue["overdue_since"]["format"] == "date"
    assert overdue["classification"]["enum"] == ["special_mention", "substandard",
                                                 "doubtful", "loss"]
    # Choices that depend on the application say so instead of listing codes.
    assert "enum" not in schemas["InfoRequestBody"]["properties"]["fields"]["items"]
    assert schemas["InfoRequestBody"]["properties"]["fields"]["type"] == "array"


def test_a_decision_refuses_a_field_its_form_does_not_have(client, world, db):
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    misspelt = {**TERMS, "amout": "900000"}
    refused = api_decide(client, token, world.officer1.email, application.id, "recommend",
                         misspelt, **{"Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["body"] == {
        "amout": ["This field is not one the operation takes."]}
    db.session.refresh(application)
    assert application.status == "partner_review"
    assert api_decide(client, token, world.officer1.email, application.id, "recommend",
                      TERMS).status_code == 200


def test_a_refused_choice_through_the_api_names_the_codes_the_page_names_labels(
        client, auth, world):
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    application = factories.loan_in(world, "partner_review")
    refused = api_decide(client, token, world.officer1.email, application.id, "recommend",
                         {**TERMS, "term_months": "18", "security": "貌似担保"})
    errors = refused.get_json()["errors"]["body"]
    assert errors["term_months"] == ["请从以下代码中选择：12, 24, 36。"]
    assert errors["security"] == ["请从以下代码中选择：pure_credit, guarantee, pledge, "
                                  "collateral。"]
    login(auth, world.officer1)  # the page's form keeps naming what the person reads
    page = client.post(f"/applications/{application.id}/fire/recommend", data={
        **{f"recommend-{k}": v for k, v in TERMS.items()}, "recommend-term_months": "18"})
    assert page.status_code == 422  # (the officer's account reads English)
    assert "Choose one of: 12 months, 24 months, 36 months." in page.get_data(as_text=True)
    assert "Choose one of the codes" not in page.get_data(as_text=True)


TERMS = {"amount": "800000", "rate": "3.45", "term_months": "24", "security": "pure_credit",
         "comment": "经营稳定，建议批准。"}


@pytest.fixture
def decider(client, world):
    """A bank 1 client that may decide, and its token."""
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    return row, api_token(client, row.client_id, secret)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_changes_nothing(
        client, world, db, decider):
    row, token = decider
    application = factories.loan_in(world, "partner_review")
    key = {"Idempotency-Key": "9f1c6a7e-0001"}
    first = api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                    **key)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    retry = api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                    **key)
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json()
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "recommend")) == 1
    # The same key with another body: refused, nothing done.
    other = api_decide(client, token, world.officer1.email, application.id, "recommend",
                    {**TERMS, "amount": "700000"}, **key)
    assert other.status_code == 422 and "另一个请求" in other.get_json()["detail"]
    # A refusal is kept too: the retry of a refused request is refused the same way.
    second = factories.loan_in(world, "partner_review")
    key = {"Idempotency-Key": "9f1c6a7e-0002"}
    bad = {**TERMS, "amount": "lots"}
    refused = api_decide(client, token, world.officer1.email, second.id, "recommend", bad, **key)
    replayed = api_decide(client, token, world.officer1.email, second.id, "recommend", bad, **key)
    assert refused.status_code == replayed.status_code == 422
    assert replayed.get_json() == refused.get_json()
    assert replayed.headers["Content-Type"] == "application/problem+json"
    # Another client's key of the same text is its own.
    assert api_decide(client, token, world.officer1.email, second.id, "recommend", TERMS,
                   **{"Idempotency-Key": "9f1c6a7e-0003"}).status_code == 200


def test_keys_expire_after_a_day(client, world, db, decider):
    row, token = decider
    application = factories.loan_in(world, "partner_review")
    key = {"Idempotency-Key": "day-old"}
    assert api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                   **key).status_code == 200
    record = db.session.scalars(select(IdempotencyKey)).one()
    record.created_at -= timedelta(hours=25)
    db.session.commit()
    # Past its day the key is new again: the request runs (and meets the state it left).
    again = api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                    **key)
    assert again.status_code == 409 and "Idempotent-Replayed" not in again.headers
    assert idempotency.prune() == 0  # the new record is fresh


def test_two_clients_deciding_at_once_one_wins_the_other_gets_409(app, client, world, db,
                                                                   decider):
    _row, token = decider
    other, other_secret = api_clients.register(world.bank1, "另一系统", ["read", "decide"],
                                               world.admin)
    other_token = api_token(client, other.client_id, other_secret)
    application_id = factories.loan_in(world, "partner_review").id
    officer = world.officer1.email
    barrier = threading.Barrier(2)
    results = [None, None]

    def decide(index: int, bearer: str) -> None:
        local = app.test_client()
        barrier.wait(timeout=30)
        results[index] = api_decide(local, bearer, officer, application_id, "recommend", TERMS)

    threads = [threading.Thread(target=decide, args=(i, t))
               for i, t in enumerate((token, other_token))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.get_json() for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.headers["Content-Type"] == "application/problem+json"
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "recommend")) == 1


def test_one_key_sent_twice_at_once_runs_once(app, client, world, db, decider):
    _row, token = decider
    application_id = factories.loan_in(world, "partner_review").id
    officer = world.officer1.email
    barrier = threading.Barrier(2)
    results = [None, None]

    def decide(index: int) -> None:
        local = app.test_client()
        barrier.wait(timeout=30)
        results[index] = api_decide(local, token, officer, application_id, "recommend", TERMS,
                                 **{"Idempotency-Key": "twice"})

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(r.status_code for r in results)
    # The second either waited behind the first (and was replayed) or was told to retry.
    assert codes in ([200, 200], [200, 409]), [r.get_json() for r in results]
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "recommend")) == 1


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


def test_the_administrator_registers_rotates_and_revokes_clients_in_the_pages(
        client, auth, world, db):
    login(auth, world.admin)
    page = client.get("/admin/api-clients")
    assert page.status_code == 200 and "No API clients yet." in page.get_data(as_text=True)
    refused = client.post("/admin/api-clients", data={"org_code": world.bank1.code,
                                                      "name": "核心系统"})
    assert refused.status_code == 422  # no scope chosen
    made = client.post("/admin/api-clients", data={
        "org_code": world.bank1.code, "name": "核心系统", "scopes": ["read", "decide"]})
    assert made.status_code == 302  # POST-redirect-GET: the secret's page is a GET
    app = client.application
    waiting = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    shown = client.get(made.headers["Location"])
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    client_id = re.search(r'id="client-id">([^<]+)<', html).group(1)
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)
    # The cookie is signed, not encrypted: the secret waited in it sealed.
    assert waiting["api_client_new"]["secret"] and secret not in repr(waiting)
    assert api_token(client, client_id, secret)
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    listing = client.get("/admin/api-clients").get_data(as_text=True)
    assert client_id in listing and secret not in listing  # shown once only
    reloaded = client.get(made.headers["Location"], follow_redirects=True)
    assert secret not in reloaded.get_data(as_text=True)  # a reload shows it no more
    assert "is not kept" in reloaded.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiClient.id))) == 1  # nor makes another

    rotation = client.post(f"/admin/api-clients/{row.id}/rotate")
    assert rotation.status_code == 302
    rotated = client.get(rotation.headers["Location"]).get_data(as_text=True)
    new_secret = re.search(r'id="client-secret">([^<]+)<', rotated).group(1)
    assert new_secret != secret
    again = client.get(rotation.headers["Location"], follow_redirects=True)
    assert new_secret not in again.get_data(as_text=True)
    assert api_token(client, client_id, new_secret)  # the reload rotated nothing
    assert client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                       headers=api_basic(client_id, secret)).status_code == 401
    assert api_token(client, client_id, new_secret)
    revoked = client.post(f"/admin/api-clients/{row.id}/revoke", follow_redirects=True)
    assert f"The client {client_id} is revoked." in revoked.get_data(as_text=True)
    assert client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                       headers=api_basic(client_id, new_secret)).status_code == 401
    twice = client.post(f"/admin/api-clients/{row.id}/revoke", follow_redirects=True)
    assert f"The client {client_id} was already revoked on" in twice.get_data(as_text=True)
    assert f"The client {client_id} is revoked." not in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SecurityEvent.id)).where(
        SecurityEvent.kind == "api_client_revoked")) == 1
    assert client.post(f"/admin/api-clients/{row.id}/rotate").status_code == 409
    assert client.post("/admin/api-clients/999999/revoke").status_code == 404
    # Nobody else manages clients (the page is hidden, as the accounts page is).
    for user in (world.officer1, world.auditor, world.pool_admin):
        switch_to(auth, user)
        hidden = client.get("/admin/users").status_code
        assert hidden in (403, 404)
        assert client.get("/admin/api-clients").status_code == hidden
        assert client.post(f"/admin/api-clients/{row.id}/rotate").status_code == hidden


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
