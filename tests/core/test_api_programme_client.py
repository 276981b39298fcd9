"""A client of the programme itself: the auditors and the administrators belong to no
organisation, so their systems call through a client registered for none. It reads only,
it acts for the programme's own staff alone (never a founder, never an organisation's
staff), and each call answers as the person's pages do."""

from datetime import timedelta

import pytest
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy import text

from talentfin.extensions import db
from talentfin.models import ApiClient
from talentfin.models import ApiToken
from talentfin.models.api import digest
from talentfin.models.base import utcnow
from talentfin.pool import figures as pool_figures
from talentfin.services import api_clients
from tests import factories
from tests.conftest import app_on
from tests.web import api_basic
from tests.web import api_token
from tests.web import login


@pytest.fixture
def programme(client, world):
    """The auditors' system: a client of the programme, and its token."""
    row, secret = api_clients.register(None, "审计系统", ["read"], world.admin)
    return row, api_token(client, row.client_id, secret), secret


def _get(client, token: str, person: str, path: str, **headers):
    return client.get(f"/api/v1{path}", headers={
        "Authorization": f"Bearer {token}", "On-Behalf-Of": person, **headers})


def test_the_auditor_reads_the_pool_the_policy_and_an_application(client, world, programme):
    row, token, _secret = programme
    assert row.org_id is None and row.active and row.scope_list() == ["read"]
    factories.fund_pool(world)
    application = factories.loan_in(world, "covered")
    figures = _get(client, token, world.auditor.email, "/pool/figures")
    assert figures.status_code == 200, figures.get_json()
    total = sum(f.balance_fen for f in pool_figures.funder_balances())
    assert figures.get_json()["balance_fen"] == total == 100_000_000_00
    assert figures.get_json()["covered"]["loans"] == 1
    policy = _get(client, token, world.auditor.email, "/policy")
    assert policy.status_code == 200
    assert "compensation_ratio_bp" in {p["key"] for p in policy.get_json()["parameters"]}
    read = _get(client, token, world.auditor.email, f"/applications/{application.id}")
    assert read.status_code == 200, read.get_json()
    assert read.get_json()["application"]["id"] == application.id
    assert read.get_json()["timeline"]
    # The auditor's queue is the page's "everything visible" (they act on nothing).
    queue = client.get("/api/v1/queue/", query_string={"status": "all"}, headers={
        "Authorization": f"Bearer {token}", "On-Behalf-Of": world.auditor.email})
    assert queue.status_code == 200, queue.get_json()
    assert application.id in {item["id"] for item in queue.get_json()["items"]}


def test_the_administrator_gets_the_answers_of_their_pages(client, world, programme):
    _row, token, _secret = programme
    # The policy page is theirs; the pool's dashboard is not (404, as in the pages).
    assert _get(client, token, world.admin.email, "/policy").status_code == 200
    assert _get(client, token, world.admin.email, "/pool/figures").status_code == 404


def test_it_acts_for_no_founder_and_no_organisation_s_staff(client, world, programme):
    _row, token, _secret = programme
    for person in (world.founder, world.pool_admin, world.officer1, world.park_reviewer):
        refused = _get(client, token, person.email, "/policy", **{"Accept-Language": "zh"})
        assert refused.status_code == 403, person.email
        assert "审计" in refused.get_json()["detail"]  # said in the caller's language
    world.auditor.active = False
    db.session.commit()
    assert _get(client, token, world.auditor.email, "/policy").status_code == 403
    assert _get(client, token, "nobody@t.cn", "/policy").status_code == 403
    # An organisation's client, for its part, does not act for the auditor.
    bank, secret = api_clients.register(world.bank1, "核心系统", ["read"], world.admin)
    bank_token = api_token(client, bank.client_id, secret)
    world.auditor.active = True
    db.session.commit()
    assert _get(client, bank_token, world.auditor.email, "/policy").status_code == 403


def test_it_reads_only(client, world, programme):
    row, token, secret = programme
    for scopes in (["read", "decide"], ["report"], ["decide"]):
        with pytest.raises(api_clients.ClientRefused, match="read"):
            api_clients.register(None, "审计系统", scopes, world.admin)
    asked = client.post("/api/v1/oauth/token", data={"grant_type": "client_credentials",
                                                     "scope": "read decide"},
                        headers=api_basic(row.client_id, secret))
    assert asked.status_code == 400  # a scope it does not hold: no token at all
    assert asked.get_json()["error"] == "invalid_scope"
    held = client.post("/api/v1/oauth/token", data={"grant_type": "client_credentials",
                                                    "scope": "read"},
                       headers=api_basic(row.client_id, secret))
    assert held.status_code == 200 and held.get_json()["scope"] == "read"
    # Even a row edited to hold more (by hand, in the database) reads only: its token
    # carries read alone, and a decision is refused for the scope, whoever it acts for.
    row.scopes = "read decide report"
    db.session.commit()
    widened = client.post("/api/v1/oauth/token", data={"grant_type": "client_credentials"},
                          headers=api_basic(row.client_id, secret))
    assert widened.status_code == 200 and widened.get_json()["scope"] == "read"
    token = widened.get_json()["access_token"]
    application = factories.loan_in(world, "partner_review")
    decided = client.post(f"/api/v1/applications/{application.id}/transitions/recommend",
                          json={"amount": "100000"}, headers={
                              "Authorization": f"Bearer {token}",
                              "On-Behalf-Of": world.auditor.email,
                              "Accept-Language": "en"})
    assert decided.status_code == 403
    assert "decide" in decided.get_json()["detail"]  # the scope it lacks, named
    # A token stored with more than read (never issued so) is held to read all the same.
    now = utcnow()
    db.session.add(ApiToken(token_digest=digest("forged-token"), client_pk=row.id,
                            scope="read decide", issued_at=now,
                            expires_at=now + timedelta(hours=1)))
    db.session.commit()
    forged = client.post(f"/api/v1/applications/{application.id}/transitions/recommend",
                         json={"amount": "100000"}, headers={
                             "Authorization": "Bearer forged-token",
                             "On-Behalf-Of": world.auditor.email,
                             "Accept-Language": "en"})
    assert forged.status_code == 403
    assert "decide" in forged.get_json()["detail"]
    assert db.session.get(type(application), application.id).status == "partner_review"


def test_the_administrator_registers_one_on_the_clients_page(client, auth, world):
    login(auth, world.admin)
    page = client.get("/admin/api-clients")
    # The programme is the first choice of organisation.
    assert "The programme: auditors and administrators (read only)" in page.get_data(
        as_text=True)
    # Nothing chosen: refused, with the reason (no client for the first organisation).
    unchosen = client.post("/admin/api-clients", data={"org_code": "", "name": "审计系统",
                                                        "scopes": ["read"]})
    assert unchosen.status_code == 422
    assert "Choose the organisation the client is for" in unchosen.get_data(as_text=True)
    assert 'value="" selected' in unchosen.get_data(as_text=True) or \
        '<option selected value="">' in unchosen.get_data(as_text=True)
    refused = client.post("/admin/api-clients", data={"org_code": "(programme)", "name": "审计系统",
                                                       "scopes": ["read", "decide"]})
    assert refused.status_code == 422
    assert "A client of the programme reads only" in refused.get_data(as_text=True)
    assert db.session.scalar(select(ApiClient).where(ApiClient.name == "审计系统")) is None
    made = client.post("/admin/api-clients", data={"org_code": "(programme)", "name": "审计系统",
                                                    "scopes": ["read"]})
    assert made.status_code == 302
    row = db.session.scalar(select(ApiClient).where(ApiClient.name == "审计系统"))
    assert row.org_id is None and row.client_id.startswith("programme-")
    assert row.scope_list() == ["read"]
    secret_page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert row.client_id in secret_page
    listed = client.get("/admin/api-clients").get_data(as_text=True)
    assert "The programme (auditors and administrators)" in listed


def test_the_command_registers_one(runner, world):
    made = runner.invoke(["api-client", "create", "--programme", "--name", "审计系统"])
    assert made.exit_code == 0, made.output
    row = db.session.scalar(select(ApiClient).where(ApiClient.name == "审计系统"))
    assert row.org_id is None and row.client_id in made.output
    assert runner.invoke(["api-client", "create", "--programme", "--scopes", "decide"]
                         ).exit_code != 0
    assert runner.invoke(["api-client", "create", "bank-1", "--programme"]).exit_code != 0
    assert runner.invoke(["api-client", "create"]).exit_code != 0


def test_the_migration_lets_a_client_have_no_organisation_and_back(empty_database, tmp_path):
    app = app_on(empty_database, tmp_path)
    insert = text("INSERT INTO api_clients (client_id, name, org_id, scopes, secret_digest, "
                  "secret_set_at, created_at) VALUES (:cid, 'x', :org, 'read', :d, "
                  "'2026-12-01', '2026-12-01')")
    with app.app_context():
        upgrade(revision="0033_claims_index")
        bank = factories.organisation("bank", "bank-1").id
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(insert, {"cid": "bank-1-a", "org": bank, "d": "0" * 64})
        upgrade(revision="0034_programme_api_clients")
        with db.engine.begin() as connection:
            connection.execute(insert, {"cid": "programme-a", "org": None, "d": "1" * 64})
            connection.execute(text(
                "INSERT INTO api_tokens (token_digest, client_pk, scope, issued_at, expires_at)"
                " SELECT :d, id, 'read', '2026-12-01', '2026-12-02' FROM api_clients"
                " WHERE client_id = 'programme-a'"), {"d": "2" * 64})
        downgrade(revision="0033_claims_index")
        with db.engine.connect() as connection:
            left = connection.execute(text("SELECT client_id FROM api_clients")).scalars()
            assert list(left) == ["bank-1-a"]  # the organisation's client stays
            assert connection.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 0
        db.session.remove()
