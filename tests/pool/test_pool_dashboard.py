"""The pool dashboard: figures against hand-computed values, charts, drill-down, access."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import delete
from sqlalchemy import event

from talentfin.models import PolicyParameter
from talentfin.pool import figures as pool_figures
from talentfin.pool import ledger
from tests import pool_factories as pf
from tests.web import login
from tests.web import text

POOL_URLS = ("/pool/", "/pool/loans", "/pool/loans?claim=open", "/pool/ledger",
             "/pool/export/ledger.csv", "/pool/export/loans.xlsx", "/pool/charts/npl.svg")


@pytest.fixture
def book(world):
    """The standard pool (see tests/pool_factories.make_book)."""
    return pf.make_book(world)


def _references(response) -> set[str]:
    return set(re.findall(r'data-reference="([^"]+)"', text(response)))


def _seqs(response) -> set[int]:
    return {int(seq) for seq in re.findall(r'data-seq="(\d+)"', text(response))}


def test_each_figure_equals_the_hand_computed_value(book, world):
    funders = pool_figures.funder_balances()
    assert [(f.code, f.balance_fen) for f in funders] == [("city", 594_600_000),
                                                          ("district", 396_400_000)]
    total = sum(f.balance_fen for f in funders)
    assert total == ledger.pool_balance() == 991_000_000
    covered = pool_figures.covered_book(total)
    assert (covered.loans, covered.outstanding_fen) == (3, 200_000_000)
    assert covered.committed_fen == 140_000_000  # 70 %
    assert covered.leverage == Decimal("0.20")  # 2,000,000 / 9,910,000
    assert covered.over_limit is False and covered.headroom_fen == 9_910_000_000 - 200_000_000
    bank1, bank2 = pool_figures.bank_npl()
    assert (bank1.id, bank1.covered_fen, bank1.npl_fen, bank1.npl_loans) == (
        world.bank1.id, 100_000_000, 20_000_000, 1)
    assert bank1.ratio_bp == Decimal("2000.00")
    # 20 % is beyond the 5 % band, but on a book of 1,000,000 (not above 20,000,000) neither
    # the band nor the suspension applies: the calculation leaves such a book unbanded.
    assert bank1.above_band is False and bank1.above_suspension is False
    assert (bank2.covered_fen, bank2.npl_fen, bank2.ratio_bp, bank2.above_band) == (
        100_000_000, 0, Decimal("0.00"), False)
    assert [(c.status, c.claims, c.principal_loss_fen)
            for c in pool_figures.claims_in_progress()] == [("committee", 1, 20_000_000)]
    flows = {f.month: f for f in pool_figures.monthly_flows()}
    assert flows[pf.months_ago(2).strftime("%Y-%m")].paid_fen == 10_000_000
    assert flows[pf.months_ago(1).strftime("%Y-%m")].recovered_fen == 1_000_000
    assert len(flows) == 2


def test_suspension_needs_the_ratio_above_3_percent_and_the_balance_above_its_size(world, db):
    pf.ensure_policy()
    pf.covered_loan(world, status="active", outstanding_fen=2_425_000_000)
    npl = pf.covered_loan(world, status="overdue", outstanding_fen=75_000_000)
    assert pool_figures.bank_npl()[0].ratio_bp == Decimal("0.00")  # overdue is not NPL yet
    npl.status = "npl"
    db.session.commit()
    bank1 = pool_figures.bank_npl()[0]
    assert bank1.ratio_bp == Decimal("300.00") and bank1.above_suspension is False  # at 3 %
    npl.outstanding_fen = 76_000_000
    db.session.commit()
    bank1 = pool_figures.bank_npl()[0]
    assert bank1.ratio_bp > 300 and bank1.above_suspension is True
    assert bank1.above_band is False
    npl.outstanding_fen = 200_000_000  # 7.6 % of a book above 20,000,000: beyond the band
    db.session.commit()
    bank1 = pool_figures.bank_npl()[0]
    assert bank1.covered_fen > 2_000_000_000 and bank1.above_band is True


def test_a_reversal_nets_out_in_the_month_it_takes_effect(book, world, db):
    ledger.reverse(book.payout, world.pool_admin, "wrong bank", on=pf.months_ago(1))
    db.session.commit()
    flows = {f.month: f for f in pool_figures.monthly_flows()}
    assert flows[pf.months_ago(2).strftime("%Y-%m")].paid_fen == 10_000_000
    assert flows[pf.months_ago(1).strftime("%Y-%m")].paid_fen == -10_000_000


def test_the_dashboard_shows_the_figures_with_links_and_charts(book, client, auth, world):
    login(auth, world.auditor)
    page = text(client.get("/pool/"))
    assert 'id="pool-balance" href="/pool/ledger?account=pool_cash">9,910,000.00' in page
    assert "2,000,000.00" in page and "1,400,000.00" in page and "0.20×" in page
    assert "5,946,000.00" in page and "3,964,000.00" in page and "20.00%" in page
    assert f"/pool/loans?bank={world.bank1.id}&amp;status=nonperforming" in page
    for name in pool_figures_charts():
        assert f'src="/pool/charts/{name}.svg"' in page
    assert "<style" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


def pool_figures_charts() -> tuple[str, ...]:
    """The charts the dashboard shows."""
    return ("funders", "exposure", "npl", "flows", "claims")


@pytest.mark.parametrize("name", pool_figures_charts())
def test_each_chart_is_an_svg_with_its_own_csp(book, client, auth, world, name):
    login(auth, world.pool_admin)
    response = client.get(f"/pool/charts/{name}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    body = text(response)
    assert body.startswith("<svg") and "<script" not in body


def test_a_missing_policy_key_shows_a_dash(book, client, auth, world, db):
    db.session.execute(delete(PolicyParameter).where(PolicyParameter.key == "leverage_limit"))
    db.session.commit()
    assert pool_figures.covered_book(991_000_000).over_limit is None
    login(auth, world.committee)
    page = text(client.get("/pool/"))
    assert "Limit —" in page


def test_drill_down_lists_exactly_the_loans_behind_a_figure(book, client, auth, world):
    login(auth, world.pool_admin)
    response = client.get(f"/pool/loans?bank={world.bank1.id}&status=nonperforming")
    assert _references(response) == {book.npl.reference}
    assert "Outstanding together: 200,000.00 yuan" in text(response)
    response = client.get("/pool/loans")
    assert _references(response) == {book.active.reference, book.npl.reference,
                                      book.other_bank.reference}
    assert "Outstanding together: 2,000,000.00 yuan" in text(response)
    response = client.get("/pool/loans?claim=committee")
    assert _references(response) == {book.npl.reference}


def test_drill_down_lists_exactly_the_ledger_lines_behind_a_figure(book, client, auth, world):
    login(auth, world.auditor)
    response = client.get(f"/pool/ledger?funder={book.city.id}&account=pool_cash")
    assert _seqs(response) == {book.contributions[0].seq, book.payout.seq, book.recovery.seq}
    assert "net 5,946,000.00 yuan" in text(response)
    month = pf.months_ago(2).strftime("%Y-%m")
    response = client.get(f"/pool/ledger?account=compensation_paid&month={month}")
    assert _seqs(response) == {book.payout.seq}
    page = text(response)
    assert "debits 100,000.00 yuan, credits 0.00 yuan" in page
    month = pf.months_ago(1).strftime("%Y-%m")
    response = client.get(f"/pool/ledger?account=compensation_recovered&month={month}")
    assert _seqs(response) == {book.recovery.seq}
    assert "debits 0.00 yuan, credits 10,000.00 yuan" in text(response)
    assert book.payout.row_hash in page and book.payout.prev_hash in page
    assert "Maker: pool" in page
    assert client.get("/pool/ledger?month=2026-13").status_code == 400


def test_pagination_keeps_the_filter(book, client, auth, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "POOL_PAGE_SIZE", 2)
    login(auth, world.auditor)
    first = client.get("/pool/ledger?account=pool_cash")
    second = client.get("/pool/ledger?account=pool_cash&page=2")
    assert len(_seqs(first)) == 2 and len(_seqs(second)) == 2
    assert _seqs(first) | _seqs(second) == {*(e.seq for e in book.contributions),
                                            book.payout.seq, book.recovery.seq}
    assert "page=2" in text(first) and "account=pool_cash" in text(first)


@pytest.mark.parametrize("role", ["founder", "officer1", "approver1", "park_reviewer", "admin"])
def test_everyone_else_gets_404(world, client, auth, role):
    login(auth, getattr(world, role))
    for url in (*POOL_URLS, "/pool/statements/1.pdf"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["pool_admin", "committee", "auditor"])
def test_the_pool_roles_read_every_page(book, client, auth, world, role):
    login(auth, getattr(world, role))
    assert 'href="/pool/"' in text(client.get("/pool/"))
    for url in POOL_URLS:
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/pool/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _statements_run_by(client, url: str, db) -> int:

    count = 0

    def counter(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_the_pages_run_a_fixed_number_of_queries_however_many_rows(book, client, auth, world,
                                                                   db):
    login(auth, world.auditor)
    before = {url: _statements_run_by(client, url, db) for url in ("/pool/", "/pool/ledger",
                                                                   "/pool/loans")}
    pf.covered_loan(world, status="npl", outstanding_fen=1_000, bank=world.bank2,
                    founder=world.founder2)
    pf.payout(world, world.bank2, {book.city: 600, book.district: 400}, pf.months_ago(1))
    after = {url: _statements_run_by(client, url, db) for url in before}
    assert after == before
