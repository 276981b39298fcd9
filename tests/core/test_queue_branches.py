"""Every choice of states reads the queue indexes range by range (issue 14): "all", a state
several products share, and a chosen product's queue are spelled out as (product, state)
pairs, so no page sorts everything a user may see, and a chosen product does not make the
database scan the other products' ranges."""

import pytest

from talentfin.extensions import db
from talentfin.services.queues import actionable_states
from talentfin.services.queues import visible_states
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


def _page_plan(client, url) -> list[str]:
    """The plan of the page's rows (the header's count and names follow as subqueries)."""
    plan = sqlite_plan(lambda sql: "sort_key" in sql, lambda: queue_page_text(client, url))
    header = next((n for n, step in enumerate(plan) if step.startswith("SCALAR SUBQUERY")),
                  len(plan))
    return plan[:header]


@pytest.mark.parametrize("who, index, url, pairs", [
    ("officer1", "partner", "/queue/?status=all", lambda role: visible_states(role)),
    ("officer1", "partner", "/queue/?status=all&product=loan",
     lambda role: [pair for pair in visible_states(role) if pair[0] == "loan"]),
    ("park_reviewer", "park", "/queue/?product=loan",
     lambda role: [("loan", s) for s in actionable_states(role, "loan")]),
    ("park_reviewer", "park", "/queue/?status=park_review",
     lambda role: [pair for pair in visible_states(role) if pair[1] == "park_review"]),
])
def test_each_pair_is_one_seek_of_the_queue_index_in_order(app, client, auth, world, book,
                                                         monkeypatch, who, index, url, pairs):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 3)
    user = getattr(world, who)
    login(auth, user)
    plan = _page_plan(client, url)
    seeks = [step for step in plan if f"ix_applications_{index}_queue ({index}_" in step]
    assert len(seeks) == len(pairs(user.role)), plan
    assert not [step for step in plan if "SCAN applications" in step], plan


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
