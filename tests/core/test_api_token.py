"""The token endpoint as a partner's system meets it: described in the OpenAPI document (the
form, HTTP Basic or the form's id and secret, the token, RFC 6749's refusals) and answering
as described; and the demo's clients, one per partner organisation with the secret the
README publishes, through which a developer gets a token and calls at once."""

import re
from pathlib import Path

import schemathesis
from sqlalchemy import select

from talentfin.demo import PROGRAMME_DEMO_CLIENT
from talentfin.extensions import db
from talentfin.institutions import KINDS
from talentfin.models import ApiClient
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services import api_clients
from talentfin.workflows.registry import products
from tests.web import api_basic
from tests.web import api_token

TOKEN_URL = "/api/v1/oauth/token"
README = Path(__file__).resolve().parents[2] / "README.md"


def _token_operation(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)["/api/v1/oauth/token"][
        "POST"]


def test_the_document_describes_the_token_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"][TOKEN_URL]["post"]
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form["required"] == ["grant_type"]
    assert form["properties"]["grant_type"]["enum"] == ["client_credentials"]
    assert {"client_id", "client_secret"} <= set(form["properties"])
    assert operation["security"] == [{"clientBasic": []}, {}]  # Basic, or the form's fields
    assert spec["components"]["securitySchemes"]["clientBasic"] == {
        "type": "http", "scheme": "basic",
        "description": "The client's id and secret, for the token endpoint"}
    assert set(operation["responses"]) == {"200", "400", "401"}
    token = spec["components"]["schemas"]["AccessToken"]
    assert token["required"] == ["access_token", "token_type", "expires_in"]
    assert "invalid_client" in spec["components"]["schemas"]["TokenError"]["properties"][
        "error"]["enum"]


def test_the_token_endpoint_answers_as_the_document_says(app, client, world):
    operation = _token_operation(app)
    row, secret = api_clients.register(world.bank1, "核心系统", ["read"], world.admin)
    basic = client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                        headers=api_basic(row.client_id, secret))
    posted = client.post(TOKEN_URL, data={"grant_type": "client_credentials",
                                          "client_id": row.client_id, "client_secret": secret})
    for answer in (basic, posted):
        assert answer.status_code == 200, answer.get_json()
        operation.validate_response(answer)
        assert answer.get_json()["token_type"] == "Bearer"
        assert answer.get_json()["expires_in"] == 3600
        queue = client.get("/api/v1/queue/", headers={
            "Authorization": f"Bearer {answer.get_json()['access_token']}",
            "On-Behalf-Of": world.officer1.email})
        assert queue.status_code == 200
    refusals = {
        "invalid_client": client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                                      headers=api_basic(row.client_id, "wrong")),
        "unsupported_grant_type": client.post(TOKEN_URL, data={"grant_type": "password"},
                                              headers=api_basic(row.client_id, secret)),
        # A NUL is no client's id: refused before the database sees it.
        "invalid_request": client.post(TOKEN_URL, data={
            "grant_type": "client_credentials", "client_id": "bank-1\x00",
            "client_secret": secret}),
    }
    for code, answer in refusals.items():
        assert answer.status_code == (401 if code == "invalid_client" else 400), code
        assert answer.get_json()["error"] == code
        assert answer.get_json()["error_description"], code  # in the caller's language
        operation.validate_response(answer)


def _readme_demo_clients() -> tuple[set[str], str]:
    """The demo clients the README names (its paragraph and table), and their secret."""
    found = re.search(r"The demo also registers one partner-API client.*?\n\n(?:\|[^\n]*\n)*",
                      README.read_text(encoding="utf-8"), re.S)  # its paragraph and table
    assert found, "the README names the demo's API clients"
    paragraph = found.group(0)
    secret = re.search(r"\*\*`([^`]+)`\*\*", paragraph).group(1)
    return set(re.findall(r"`(demo-[a-z0-9-]+)`", paragraph)) - {secret}, secret


def test_seed_demo_registers_a_client_per_partner_organisation_that_works(
        app, client, runner, monkeypatch):
    # The demo's institutions, accounts and clients as `seed-demo` makes them; its walked
    # applications left out (minutes of walking and rendering; tests/core/test_demo.py).
    for product in products():
        if product.demo is not None:
            monkeypatch.setattr(product.demo, "WALKS", ())
    result = runner.invoke(["seed-demo"])
    assert result.exit_code == 0, result.output
    named, secret = _readme_demo_clients()
    partners = [org for org in db.session.scalars(select(Organisation))
                if org.kind in KINDS and KINDS[org.kind].partner]
    clients = {row.client_id: row for row in db.session.scalars(select(ApiClient))}
    # One per partner organisation, as the README names them, none for the park or pool;
    # and the programme's own, reading for the auditors and the administrators.
    assert set(clients) == {*(f"demo-{org.code}" for org in partners),
                            PROGRAMME_DEMO_CLIENT} == named
    app.config["API_RATE_LIMIT"] = 10_000
    for org in partners:
        row = clients[f"demo-{org.code}"]
        assert row.org_id == org.id and row.active
        assert sorted(row.scope_list()) == sorted(api_clients.known_scopes())
        token = api_token(client, row.client_id, secret)
        person = db.session.scalars(select(User).where(User.org_id == org.id,
                                                       User.active.is_(True))
                                    .order_by(User.id)).first()
        assert person is not None, org.code
        queue = client.get("/api/v1/queue/", headers={"Authorization": f"Bearer {token}",
                                                      "On-Behalf-Of": person.email})
        assert queue.status_code == 200, (org.code, queue.get_json())
        refused = client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                              headers=api_basic(row.client_id, secret + "x"))
        assert refused.status_code == 401
    programme = clients[PROGRAMME_DEMO_CLIENT]
    assert programme.org_id is None and programme.scope_list() == ["read"]
    token = api_token(client, programme.client_id, secret)
    auditor = db.session.scalar(select(User).where(User.role == "auditor"))
    figures = client.get("/api/v1/pool/figures", headers={"Authorization": f"Bearer {token}",
                                                          "On-Behalf-Of": auditor.email})
    assert figures.status_code == 200, figures.get_json()
    # Seeding again registers none twice.
    assert runner.invoke(["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(db.func.count(ApiClient.id))) == len(partners) + 1
