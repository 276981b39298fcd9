"""The pool's figures and the policy on a date through the partner API: the pool's staff
read what the dashboard and the policy page show (the same numbers, in fen and basis
points); a bank's staff, who do not see the pool in the pages, get 404."""

from datetime import timedelta

import pytest

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import PolicyParameter
from talentfin.pool import figures as pool_figures
from talentfin.services import api_clients
from tests import factories
from tests.web import api_token


@pytest.fixture
def pool_token(client, world):
    """A token of the pool's own system."""
    row, secret = api_clients.register(world.pool, "资金池系统", ["read"], world.admin)
    return api_token(client, row.client_id, secret)


def _get(client, token: str, person: str, path: str, **args):
    return client.get(f"/api/v1{path}", query_string=args,
                      headers={"Authorization": f"Bearer {token}", "On-Behalf-Of": person})


def test_the_pool_reads_its_figures_as_the_dashboard_shows_them(client, world, pool_token):
    factories.fund_pool(world)
    factories.loan_in(world, "covered")
    figures = _get(client, pool_token, world.pool_admin.email, "/pool/figures")
    assert figures.status_code == 200, figures.get_json()
    body = figures.get_json()
    funders = pool_figures.funder_balances()
    total = sum(f.balance_fen for f in funders)
    assert body["balance_fen"] == total == 100_000_000_00
    assert [f["balance_fen"] for f in body["funders"]] == [f.balance_fen for f in funders]
    book = pool_figures.covered_book(total, business_today())
    assert body["covered"]["loans"] == book.loans == 1
    assert body["covered"]["outstanding_fen"] == book.outstanding_fen
    assert body["covered"]["committed_fen"] == book.committed_fen
    assert body["covered"]["leverage"] == str(book.leverage)
    assert {b["name"] for b in body["banks"]} >= {world.bank1.name}
    # The committee reads them too; a bank's officer (another organisation's client, and
    # not a reader of the pool) does not learn that the pool exists.
    assert _get(client, pool_token, world.committee.email,
                "/pool/figures").status_code == 200
    row, secret = api_clients.register(world.bank1, "核心系统", ["read"], world.admin)
    bank_token = api_token(client, row.client_id, secret)
    assert _get(client, bank_token, world.officer1.email, "/pool/figures").status_code == 404
    assert _get(client, bank_token, world.officer1.email, "/policy").status_code == 404


def test_the_policy_in_force_on_a_day(client, world, pool_token):
    today = business_today()
    before = {p["key"]: p for p in _get(client, pool_token, world.pool_admin.email,
                                         "/policy").get_json()["parameters"]}
    ratio = before["compensation_ratio_bp"]
    db.session.add(PolicyParameter(key="compensation_ratio_bp", value="5000",
                                   effective_from=today + timedelta(days=30),
                                   source="测试：下月起调整"))
    db.session.commit()
    now = _get(client, pool_token, world.pool_admin.email, "/policy",
               on=today.isoformat()).get_json()
    later = _get(client, pool_token, world.pool_admin.email, "/policy",
                 on=(today + timedelta(days=30)).isoformat()).get_json()
    value_now = {p["key"]: p["value"] for p in now["parameters"]}["compensation_ratio_bp"]
    value_later = next(p for p in later["parameters"] if p["key"] == "compensation_ratio_bp")
    assert value_now == ratio["value"] and value_later["value"] == "5000"
    assert value_later["effective_from"] == (today + timedelta(days=30)).isoformat()
    assert value_later["source"] == "测试：下月起调整" and value_later["label"]
    assert _get(client, pool_token, world.pool_admin.email, "/policy",
                on="9999-01-01").status_code == 422
    assert _get(client, pool_token, world.pool_admin.email, "/policy",
                on="next tuesday").status_code == 422
