"""The amount sorts page by position along the amount indexes, as the waiting-time sorts
do along the queue indexes (issue 14): each (product, status) branch of the queue reads
one page of index entries, not the whole queue sorted on every request.
"""

import re

import pytest
from sqlalchemy import event
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services.queues import actionable_states
from tests import factories
from tests.web import login
from tests.web import text

# Amounts with ties and a missing amount (counted as 0), spread over the queue's states.
AMOUNTS = [30_000_000, None, 10_000_000, 30_000_000, 0, 20_000_000, 30_000_000, 10_000_000]


def _page(client, url: str) -> str:
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    return text(response)


def _link(page: str, label: str) -> str | None:
    found = re.search(rf'<li class="page-item ?"><a class="page-link" href="([^"]+)">{label}<',
                      page)
    return found.group(1) if found else None


def _references(page: str) -> list[str]:
    return re.findall(r'<td><a href="/applications/\d+">([^<]+)</a></td>', page)


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
    pages = [_page(client, f"/queue/?sort={sort}")]
    while (after := _link(pages[-1], "Next")) is not None:
        assert "after=" in after
        pages.append(_page(client, after))
    down = sort == "amount_desc"
    in_order = sorted(zip(loans, AMOUNTS, strict=True),
                      key=lambda pair: (-(pair[1] or 0) if down else pair[1] or 0, pair[0].id))
    assert [r for page in pages for r in _references(page)] == \
        [loan.reference for loan, _amount in in_order]
    back = [pages[-1]]
    while (before := _link(back[-1], "Previous")) is not None:
        assert "before=" in before
        back.append(_page(client, before))
    assert [_references(p) for p in back[::-1]] == [_references(p) for p in pages]


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
    next_url = _link(_page(client, f"/queue/?sort={sort}"), "Next")
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "sort_key" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        _page(client, next_url)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert seen, "no page was read"
    statement, parameters = seen[0]
    plan = [row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, tuple(parameters))]
    branches = len(actionable_states(world.officer1.role, "loan"))
    seeks = [step for step in plan if "ix_applications_partner_amount (partner_org_id=? "
             "AND product=? AND status=? AND <expr>" in step]
    assert len(seeks) == branches, plan
    assert not [step for step in plan if "SCAN applications" in step], plan
