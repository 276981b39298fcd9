"""Every choice of states reads the queue indexes range by range (issue 14): "all", a state
several products share, and a chosen product's queue are spelled out as (product, state)
pairs, so no page sorts everything a user may see, and a chosen product does not make the
database scan the other products' ranges."""

import pytest
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services.queue_filter import actionable_states
from talentfin.workflows.registry import products_with_role
from tests import factories
from tests.plans import sqlite_plan
from tests.web import login
from tests.web import page_references
from tests.web import pager_link
from tests.web import queue_page_text

# Before, in and after the bank's queue, and one state the bank never sees (the park's).
STATES = ("park_review", "partner_review", "bank_approval", "approved", "rejected",
          "contracted", "disbursed")


@pytest.fixture
def book(world):
    """Loans at the officer's bank in several states, two of each."""
    loans = [factories.loan_in(world, state) for _round in range(2) for state in STATES]
    db.session.commit()
    return loans


def _page_plan(client, url, sent: list | None = None) -> list[str]:
    """The plan of the page's rows (the header's count and names follow as subqueries)."""
    def page_rows(sql: str) -> bool:
        if "sort_key" not in sql:
            return False
        if sent is not None:
            sent.append(sql)
        return True

    plan = sqlite_plan(page_rows, lambda: queue_page_text(client, url))
    header = next((n for n, step in enumerate(plan) if step.startswith("SCALAR SUBQUERY")),
                  len(plan))
    return plan[:header]


@pytest.mark.parametrize("who, index, urls", [
    ("officer1", "partner", ["/queue/?status=all", "/queue/?status=all&product=loan",
                             "/queue/", "/queue/?status=partner_review"]),
    # (A park's "all" without a product is one range: tests/core/test_queue_whole_order.py.)
    ("park_reviewer", "park", ["/queue/?product=loan", "/queue/?status=park_review",
                               "/queue/?product=bond&status=all"]),
])
def test_every_choice_of_states_is_one_statement_seeking_each_pair_in_order(
        app, client, auth, world, book, monkeypatch, who, index, urls):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 3)
    login(auth, getattr(world, who))
    sent = []
    for url in urls:
        plan = _page_plan(client, url, sent)
        assert "SCAN pr VIRTUAL TABLE INDEX 1:" in plan, plan  # the chosen pairs, one by one
        seeks = [step for step in plan if f"ix_applications_{index}_queue ({index}_"
                 "org_id=? AND product=? AND status=?)" in step
                 or f"ix_applications_{index}_queue ({index}_id=? AND product=? AND "
                 "status=?)" in step]
        assert len(seeks) == 1, plan  # for each pair, its range of the queue index
        assert not [step for step in plan if "SCAN applications" in step], plan
    # The states are a bound value: one statement, compiled once, serves every choice.
    assert len(set(sent)) == 1


def test_all_pages_through_everything_visible_once_in_waiting_order(app, client, auth, world,
                                                                    book, monkeypatch):
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 4)
    login(auth, world.officer1)
    pages = [queue_page_text(client, "/queue/?status=all")]
    while (after := pager_link(pages[-1], "Next")) is not None:
        pages.append(queue_page_text(client, after))
    seen = [reference for page in pages for reference in page_references(page)]
    visible = sorted((loan for loan in book if loan.status != "park_review"),
                     key=lambda loan: (loan.status_changed_at, loan.id))
    assert seen == [loan.reference for loan in visible]


def test_a_product_the_user_does_not_see_shows_nothing(client, auth, world, book):
    others = {p.key for p in products_with_role("park_reviewer")} - \
        {p.key for p in products_with_role(world.officer1.role)}
    login(auth, world.officer1)
    for product in sorted(others):
        page = queue_page_text(client, f"/queue/?status=all&product={product}")
        assert page_references(page) == []


@pytest.mark.parametrize("url", ["/queue/?mine=1", "/queue/?status=all&sort=amount_desc&mine=1"])
def test_only_my_items_are_read_by_the_claims_index(app, client, auth, world, book, url):
    # Claimed items are a person's few; the queue's ranges may hold 100,000 to filter.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    login(auth, world.officer1)
    plan = _page_plan(client, url)
    assert [step for step in plan if "ix_applications_claimed (claimed_by_id=?)" in step], plan
    assert not [step for step in plan if "_queue (" in step or "_amount (" in step], plan


def test_only_my_items_shows_what_i_claimed_and_still_see(app, client, auth, world, book):
    mine = [loan for loan in book if loan.status in ("partner_review", "rejected")][:3]
    others = [loan for loan in book if loan.status == "bank_approval"][:1]
    for loan in mine:
        loan.claimed_by_id, loan.claimed_at = world.officer1.id, loan.status_changed_at
    for loan in others:
        loan.claimed_by_id, loan.claimed_at = world.approver1.id, loan.status_changed_at
    db.session.commit()
    login(auth, world.officer1)
    shown = page_references(queue_page_text(client, "/queue/?status=all&mine=1"))
    assert shown == [loan.reference for loan in sorted(
        mine, key=lambda loan: (loan.status_changed_at, loan.id))]
    waiting = page_references(queue_page_text(client, "/queue/?mine=1"))
    acted_on = actionable_states(world.officer1.role, "loan")
    assert "rejected" not in acted_on
    assert waiting == [loan.reference for loan in sorted(
        mine, key=lambda loan: (loan.status_changed_at, loan.id)) if loan.status in acted_on]


@pytest.mark.parametrize("sort", ["oldest", "amount_desc"])
def test_an_amount_filter_keeps_its_bounds_and_leaves_out_a_missing_amount(
        client, auth, world, sort):
    amounts = {None: [], 10_000_000: [], 30_000_000: []}
    for amount in amounts:
        loan = factories.loan_in(world, "partner_review")
        db.session.execute(update(Application).where(Application.id == loan.id)
                           .values(requested_amount_fen=amount))
        amounts[amount].append(loan.reference)
    db.session.commit()
    login(auth, world.officer1)

    def shown(query: str) -> set[str]:
        return set(page_references(queue_page_text(client, f"/queue/?sort={sort}&{query}")))

    assert shown("min_amount=0") == {*amounts[10_000_000], *amounts[30_000_000]}
    assert shown("max_amount=100000") == set(amounts[10_000_000])  # yuan; the bound itself
    assert shown("min_amount=100001&max_amount=300000") == set(amounts[30_000_000])
