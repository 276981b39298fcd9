"""A reader whose queue spans every product (the auditor, a park's reviewer) reads "all I
can see" from one index in each sort's order (issue 14): one range instead of a hundred
(product, state) ranges merged for each page. The pages must hold exactly what the
visibility rule and the filter select, in the sort's order, forwards, backwards and from
the end."""

import re
from datetime import timedelta

import pytest

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models.base import utcnow
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_whole import whole_order
from tests import factories
from tests.core.test_queue_branches import STATES
from tests.core.test_queue_branches import _page_plan
from tests.plans import sqlite_plan
from tests.web import login
from tests.web import page_references
from tests.web import pager_link
from tests.web import queue_page_text

AMOUNTS_FEN = (30_000_000, 100_000_000, 100_000_000, 500_000_000, None)
TIERS = ("A", "B", "C")


@pytest.fixture
def book(world):
    """Loans of both parks' firms at both banks in several states, with amounts (ties and
    none among them), tiers and waiting times that differ, some the same; one draft."""
    loans = [factories.loan_in(world, state, founder=founder, bank=bank)
             for founder in (world.founder, world.founder2) for bank in (world.bank1, world.bank2)
             for state in STATES]
    start = utcnow() - timedelta(days=30)
    for n, loan in enumerate(loans):
        factories.set_columns(
            loan, requested_amount_fen=AMOUNTS_FEN[n % len(AMOUNTS_FEN)],
            talent_tier=TIERS[n % len(TIERS)],
            # Every third pair waits since the same moment: ties broken by the id.
            status_changed_at=start + timedelta(hours=n - n % 3))
    factories.draft(world)  # never submitted: nobody but its founder sees it
    db.session.commit()
    return loans


def _key(application: Application, sort: str):
    if sort in ("oldest", "newest"):
        return (application.status_changed_at, application.id)
    return (application.requested_amount_fen or 0, application.id)


def _expected(who, world, sort: str, *, tier: str = "", least: int | None = None) -> list[str]:
    """What the reader sees, filtered and sorted, computed from the rows themselves."""
    rows = db.session.scalars(db.select(Application).where(Application.submitted_at.is_not(None)))
    seen = [a for a in rows if who != "park_reviewer" or a.park_id == world.park.id]
    if tier:
        seen = [a for a in seen if a.talent_tier == tier]
    if least is not None:
        seen = [a for a in seen if a.requested_amount_fen is not None
                and a.requested_amount_fen >= least]
    return [a.reference for a in sorted(seen, key=lambda a: _key(a, sort),
                                        reverse=sort in ("newest", "amount_desc"))]


def _pages(client, url: str, label: str = "Next") -> list[list[str]]:
    pages = [queue_page_text(client, url)]
    while (link := pager_link(pages[-1], label)) is not None:
        pages.append(queue_page_text(client, link))
    return [page_references(page) for page in pages]


@pytest.mark.parametrize("who", ["auditor", "park_reviewer"])
@pytest.mark.parametrize("sort", ["oldest", "newest", "amount_desc", "amount_asc"])
def test_all_pages_through_what_the_reader_sees_in_the_sorts_order(
        app, client, auth, world, book, monkeypatch, who, sort):
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 4)
    login(auth, getattr(world, who))
    expected = _expected(who, world, sort)
    assert len(expected) > 12  # several pages, the last one not full
    forwards = _pages(client, f"/queue/?status=all&sort={sort}")
    assert [ref for page in forwards for ref in page] == expected
    # From the end ("Last"), then "Previous" back to the start: the same pages.
    backwards = _pages(client, f"/queue/?status=all&sort={sort}&before=last", "Previous")
    assert backwards[::-1] == forwards


@pytest.mark.parametrize("who", ["auditor", "park_reviewer"])
def test_all_with_a_tier_and_an_amount_selects_as_the_filter_says(
        app, client, auth, world, book, monkeypatch, who):
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 4)
    login(auth, getattr(world, who))
    for sort in ("oldest", "amount_desc"):
        pages = _pages(client, f"/queue/?status=all&sort={sort}&tier=B&min_amount=1000000")
        assert [ref for page in pages for ref in page] == \
            _expected(who, world, sort, tier="B", least=100_000_000)


@pytest.mark.parametrize("who", ["auditor", "park_reviewer"])
def test_all_holds_what_each_products_ranges_hold(app, client, auth, world, book, monkeypatch,
                                                   who):
    # The whole queue (one index) against the (product, state) ranges of each product.
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 100)
    login(auth, getattr(world, who))
    whole = page_references(queue_page_text(client, "/queue/?status=all&sort=newest"))
    by_product = [ref for product in ("loan", "insurance", "equity", "bond", "board")
                  for ref in page_references(queue_page_text(
                      client, f"/queue/?status=all&sort=newest&product={product}"))]
    assert whole and sorted(whole) == sorted(by_product)


def test_a_product_no_longer_registered_is_left_out_as_the_ranges_leave_it(
        client, auth, world, book):
    retired = book[0]
    factories.set_columns(retired, product="retired")
    login(auth, world.auditor)
    whole = page_references(queue_page_text(client, "/queue/"))
    assert retired.reference not in whole and book[1].reference in whole


@pytest.mark.parametrize("who, index", [("auditor", "programme"), ("park_reviewer", "park")])
@pytest.mark.parametrize("sort, order", [("oldest", "order"), ("newest", "order"),
                                         ("amount_desc", "amount_order"),
                                         ("amount_asc", "amount_order")])
def test_all_reads_one_index_in_the_sorts_order(app, client, auth, world, book, who, index,
                                                sort, order):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    login(auth, getattr(world, who))
    plan = _page_plan(client, f"/queue/?status=all&sort={sort}&tier=A")
    assert [step for step in plan if f"INDEX ix_applications_{index}_{order}" in step], plan
    # Nothing sorted: the index is in the page's order; no (product, state) pair is read.
    assert not [step for step in plan if "TEMP B-TREE" in step or "VIRTUAL TABLE" in step], plan


@pytest.mark.parametrize("who, offered, not_offered", [
    # The auditor: no draft (nothing submitted is one); the pool: no state before a
    # payout (the bank's review holds none of its files).
    ("auditor", {"park_review", "disbursed"}, {"draft"}),
    ("pool_admin", {"disbursed", "claim_review"}, {"draft", "park_review", "bank_approval"}),
])
def test_the_status_list_offers_the_states_the_reader_may_have_files_in(
        client, auth, world, who, offered, not_offered):
    login(auth, getattr(world, who))
    page = queue_page_text(client, "/queue/?status=all")
    options = set(re.findall(r'<option value="([a-z_]+)"', page))
    assert offered <= options and not not_offered & options, options


def test_the_count_of_an_amount_range_reads_the_amount_order(app, client, auth, world, book):
    # Counted by the (product, state) indexes, a selective tier and amount filter read
    # range after range to find its first thousand (32 ms at a million; 7 ms by amount).
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    login(auth, world.auditor)
    plan = sqlite_plan(lambda sql: "sort_key" in sql, lambda: queue_page_text(
        client, "/queue/?tier=B&min_amount=500000&max_amount=5000000"))
    count = plan[plan.index("SCALAR SUBQUERY 2"):]
    assert "INDEX ix_applications_programme_amount_order" in " ".join(count[:3]), plan


def test_only_all_without_a_product_or_a_claim_reads_the_whole_order(world):
    assert whole_order("auditor", QueueFilter()) == "programme"  # the auditor's default
    assert whole_order("park_reviewer", QueueFilter(status="all")) == "park"
    for wanted in (QueueFilter(), QueueFilter(status="all", product="loan"),
                   QueueFilter(status="all", mine=True), QueueFilter(status="park_review")):
        assert whole_order("park_reviewer", wanted) == ""
    # A bank's officer sees one kind of product: its ranges are few.
    assert whole_order("bank_officer", QueueFilter(status="all")) == ""
