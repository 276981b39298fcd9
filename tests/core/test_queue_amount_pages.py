"""The amount sorts page by position along the amount indexes, as the waiting-time sorts
do along the queue indexes (issue 14): each (product, status) branch of the queue reads
one page of index entries, not the whole queue sorted on every request.
"""


import pytest
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services.queue_filter import actionable_states
from tests import factories
from tests.plans import sqlite_plan
from tests.web import login
from tests.web import page_references
from tests.web import pager_link
from tests.web import queue_page_text

# Amounts with ties and a missing amount (counted as 0), spread over the queue's states.
AMOUNTS = [30_000_000, None, 10_000_000, 30_000_000, 0, 20_000_000, 30_000_000, 10_000_000]


def _queue_with_amounts(world) -> list[Application]:
    states = actionable_states(world.officer1.role, "loan")
    loans = [factories.loan_in(world, states[i % len(states)]) for i in range(len(AMOUNTS))]
    for loan, amount in zip(loans, AMOUNTS, strict=True):
        db.session.execute(update(Application).where(Application.id == loan.id)
                           .values(requested_amount_fen=amount))
    db.session.commit()
    return loans


@pytest.mark.parametrize("sort", ["amount_desc", "amount_asc"])
def test_amount_pages_follow_by_position_with_ties_broken_by_id(app, client, auth, world,
                                                                 monkeypatch, sort):
    loans = _queue_with_amounts(world)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 3)
    login(auth, world.officer1)
    pages = [queue_page_text(client, f"/queue/?sort={sort}")]
    while (after := pager_link(pages[-1], "Next")) is not None:
        assert "after=" in after
        pages.append(queue_page_text(client, after))
    down = sort == "amount_desc"
    # Largest first is smallest first read backwards, ties (the newest first) included.
    in_order = sorted(zip(loans, AMOUNTS, strict=True),
                      key=lambda pair: (pair[1] or 0, pair[0].id), reverse=down)
    assert [r for page in pages for r in page_references(page)] == \
        [loan.reference for loan, _amount in in_order]
    back = [pages[-1]]
    while (before := pager_link(back[-1], "Previous")) is not None:
        assert "before=" in before
        back.append(queue_page_text(client, before))
    assert [page_references(p) for p in back[::-1]] == [page_references(p) for p in pages]


@pytest.mark.parametrize("sort", ["amount_desc", "amount_asc"])
def test_an_amount_page_seeks_the_amount_index_per_branch(app, client, auth, world,
                                                         monkeypatch, sort):
    # SQLite plans without statistics (the app runs no ANALYZE): each branch must seek its
    # (bank, product, status) range of the amount index in order, so that its LIMIT stops
    # the read after a page, instead of sorting every row of the queue.
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    _queue_with_amounts(world)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 3)
    login(auth, world.officer1)
    next_url = pager_link(queue_page_text(client, f"/queue/?sort={sort}"), "Next")
    plan = sqlite_plan(lambda sql: "sort_key" in sql, lambda: queue_page_text(client, next_url))
    # For each chosen (product, status) pair (a bound list), its range from the position.
    assert "SCAN pr VIRTUAL TABLE INDEX 1:" in plan, plan
    seeks = [step for step in plan if "ix_applications_partner_amount (partner_org_id=? "
             "AND product=? AND status=? AND <expr>" in step]
    assert len(seeks) == 1, plan
    assert not [step for step in plan if "SCAN applications" in step], plan
