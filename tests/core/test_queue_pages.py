"""The queue's pages follow one another by position (keyset), and long queues are counted
"about N" (issue 14).

A reader walks the pager's own links, forwards and back, as a browser would.
"""

import base64
from datetime import datetime

import pytest
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services import queues
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queues import queue_page
from tests import factories
from tests.web import login
from tests.web import page_references
from tests.web import pager_link
from tests.web import queue_page_text

SAME_MOMENT = datetime(2026, 3, 2, 9, 0)


def _loans(world, count: int, **values) -> list[Application]:
    loans = [factories.loan_in(world, "partner_review") for _ in range(count)]
    db.session.execute(update(Application).where(Application.id.in_([a.id for a in loans]))
                       .values(**values))
    db.session.commit()
    return loans


@pytest.mark.parametrize("sort, values", [
    ("oldest", {"status_changed_at": SAME_MOMENT}),
    ("newest", {"status_changed_at": SAME_MOMENT}),
    ("amount_desc", {"requested_amount_fen": 50_000_000}),
    ("amount_asc", {"requested_amount_fen": 50_000_000}),
])
def test_pages_forwards_and_back_with_ties_show_every_row_once(app, client, auth, world,
                                                               monkeypatch, sort, values):
    loans = _loans(world, 5, **values)  # every sort key equal: the id breaks the ties
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    login(auth, world.officer1)
    pages = [queue_page_text(client, f"/queue/?sort={sort}")]
    while (after := pager_link(pages[-1], "Next")) is not None:
        assert "after=" in after
        pages.append(queue_page_text(client, after))
    seen = [reference for page in pages for reference in page_references(page)]
    # A descending sort breaks its ties the newest first (its ascending one read backwards).
    in_order = [a.reference for a in sorted(loans, key=lambda a: a.id,
                                            reverse=sort in ("newest", "amount_desc"))]
    assert seen == in_order
    assert [len(page_references(p)) for p in pages] == [2, 2, 1]
    assert "Page 3 of 3" in pages[-1]
    back = [pages[-1]]
    while (before := pager_link(back[-1], "Previous")) is not None:
        assert "before=" in before
        back.append(queue_page_text(client, before))
    assert [page_references(p) for p in back[::-1]] == [page_references(p) for p in pages]
    assert "Page 1 of 3" in back[-1]


def test_a_row_leaving_between_pages_skips_nothing(app, client, auth, world, monkeypatch):
    loans = _loans(world, 4, status_changed_at=SAME_MOMENT)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    login(auth, world.officer1)
    first = queue_page_text(client, "/queue/")
    db.session.execute(update(Application).where(Application.id == loans[0].id)
                       .values(status="rejected"))
    db.session.commit()
    second = queue_page_text(client, pager_link(first, "Next"))
    assert page_references(second) == [loans[2].reference, loans[3].reference]


def test_a_page_whose_rows_all_left_falls_back_to_the_one_before(app, client, auth, world,
                                                                 monkeypatch):
    loans = _loans(world, 3, status_changed_at=SAME_MOMENT)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    login(auth, world.officer1)
    next_url = pager_link(queue_page_text(client, "/queue/"), "Next")
    db.session.execute(update(Application).where(Application.id == loans[2].id)
                       .values(status="rejected"))
    db.session.commit()
    shown = queue_page_text(client, next_url)
    assert page_references(shown) == [loans[0].reference, loans[1].reference]
    # Nothing follows: no pager, not "of 2" with a Next that shows this page again.
    assert "Page 1 of" not in shown and pager_link(shown, "Next") is None


def test_a_deep_page_whose_rows_all_left_shows_the_last_page_as_last(app, client, auth, world,
                                                                     monkeypatch):
    loans = _loans(world, 7, status_changed_at=SAME_MOMENT)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 3)
    login(auth, world.officer1)
    second = queue_page_text(client, pager_link(queue_page_text(client, "/queue/"), "Next"))
    next_url = pager_link(second, "Next")
    db.session.execute(update(Application).where(Application.id == loans[6].id)
                       .values(status="rejected"))
    db.session.commit()
    shown = queue_page_text(client, next_url)
    assert page_references(shown) == [loan.reference for loan in loans[3:6]]
    assert "Page 2 of 2" in shown and pager_link(shown, "Next") is None
    assert page_references(queue_page_text(client, pager_link(shown, "Previous"))) == \
        [loan.reference for loan in loans[:3]]


def _position(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("junk", [
    "after=%%%", "before=bm90IGEgZGF0ZXwx", "after=" + "A" * 500,
    # Numbers no database integer holds (they gave a 500), an offset time, a sign.
    "sort=amount_desc&after=" + _position("99999999999999999999999|1"),
    "after=" + _position("2026-10-01T09:00:00|99999999999999999999"),
    "after=" + _position("2026-10-01T09:00:00+08:00|5"),
    "sort=amount_asc&before=" + _position("-5|3"),
])
def test_a_position_that_is_not_one_shows_the_first_page(client, auth, world, junk):
    loan = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert loan.reference in queue_page_text(client, f"/queue/?{junk}&page=7")


def test_a_short_queue_is_counted_exactly(client, auth, world):
    _loans(world, 3)
    login(auth, world.officer1)
    page = queue_page_text(client, "/queue/")
    assert "3 applications" in page and "About" not in page


def test_a_long_queue_is_counted_about(app, client, auth, world, monkeypatch):
    _loans(world, 3)
    monkeypatch.setattr(queues, "COUNT_CAP", 2)
    monkeypatch.setattr(queues._Reader, "estimate", lambda self, wanted: 73_412)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 1)
    login(auth, world.officer1)
    page = queue_page_text(client, "/queue/")
    assert "About 73,000 applications" in page
    assert "Page 1</span>" in page and "Page 1 of" not in page
    client.post("/language", data={"lang": "zh"})
    assert "约 73,000 件申请" in queue_page_text(client, "/queue/")


def test_without_an_estimate_a_long_queue_is_more_than_the_cap(client, auth, world,
                                                                 monkeypatch):
    _loans(world, 3)
    monkeypatch.setattr(queues, "COUNT_CAP", 2)
    monkeypatch.setattr(queues._Reader, "estimate", lambda self, wanted: None)
    login(auth, world.officer1)
    assert "More than 2 applications" in queue_page_text(client, "/queue/")


@pytest.mark.parametrize("role", ["officer1", "park_reviewer"])
def test_postgresql_estimates_from_the_plan(app, world, monkeypatch, role):
    """Each visibility (a bank's, a park's over several products: an IN list) explained."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    _loans(world, 3)
    monkeypatch.setattr(queues, "COUNT_CAP", 0)
    with app.test_request_context():
        for wanted in (QueueFilter(status="all"), QueueFilter(status="all", min_amount_fen=1)):
            page = queue_page(getattr(world, role), wanted, 20)
            assert page.estimated and page.total >= 1
