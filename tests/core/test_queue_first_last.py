"""The pager's "First page" and "Last page": the last page of a long queue is read from its
end (it costs what the first does) and numbered by an exact count, even where the other
pages only say "about N" or "more than N"; going back from it walks the same rows as
going forwards. The reader follows the pager's own links, as a browser would."""

from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services import queues
from talentfin.views import queue as queue_view
from tests import factories
from tests.web import login
from tests.web import page_references
from tests.web import pager_link
from tests.web import queue_page_text

START = datetime(2026, 3, 2, 9, 0)


def _loans(world, count: int) -> list[Application]:
    """Loans waiting for the bank, a minute apart and asking for rising amounts."""
    loans = [factories.loan_in(world, "partner_review") for _ in range(count)]
    for index, loan in enumerate(loans):
        db.session.execute(update(Application).where(Application.id == loan.id).values(
            status_changed_at=START + timedelta(minutes=index),
            requested_amount_fen=(index + 1) * 10_000_00))
    db.session.commit()
    return loans


def _walk_back(client, page: str) -> list[list[str]]:
    """The pages from ``page`` back to the first, by the pager's "Previous", first first."""
    pages = [page]
    while (before := pager_link(pages[-1], "Previous")) is not None:
        pages.append(queue_page_text(client, before))
    return [page_references(p) for p in pages[::-1]]


@pytest.mark.parametrize("sort", ["oldest", "newest", "amount_desc", "amount_asc"])
def test_the_last_page_and_back_in_every_sort(app, client, auth, world, monkeypatch, sort):
    loans = _loans(world, 7)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 3)
    login(auth, world.officer1)
    first = queue_page_text(client, f"/queue/?sort={sort}")
    assert pager_link(first, "First page") is None  # on the first page: not a link
    last_url = pager_link(first, "Last page")
    assert "before=last" in last_url and f"sort={sort}" in last_url  # the sort is kept
    last = queue_page_text(client, last_url)
    ordered = [a.reference for a in (loans[::-1] if sort in ("newest", "amount_desc")
                                     else loans)]
    assert page_references(last) == ordered[6:]
    assert "Page 3 of 3" in last
    assert pager_link(last, "Next") is None and pager_link(last, "Last page") is None
    assert _walk_back(client, last) == [ordered[:3], ordered[3:6], ordered[6:]]
    again = queue_page_text(client, pager_link(last, "First page"))
    assert page_references(again) == ordered[:3] and "Page 1 of 3" in again


def test_a_long_queue_s_last_page_is_numbered_by_an_exact_count(app, client, auth, world,
                                                                monkeypatch):
    loans = _loans(world, 11)
    monkeypatch.setattr(queues, "COUNT_CAP", 4)  # 11 rows: "more than 4" on other pages
    monkeypatch.setattr(queues._Reader, "estimate", lambda self, wanted: None)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    login(auth, world.officer1)
    first = queue_page_text(client, "/queue/")
    assert "More than 4 applications" in first and "Page 1 of" not in first
    last = queue_page_text(client, pager_link(first, "Last page"))
    assert page_references(last) == [loans[10].reference]
    assert "11 applications" in last and "Page 6 of 6" in last
    before = queue_page_text(client, pager_link(last, "Previous"))
    assert page_references(before) == [loans[8].reference, loans[9].reference]
    assert "Page 5</span>" in before  # counted up to the cap again: no "of"
    walked = _walk_back(client, last)
    assert [r for page in walked for r in page] == [a.reference for a in loans]


def test_the_last_page_of_a_filtered_or_empty_queue(app, client, auth, world, monkeypatch):
    loans = _loans(world, 5)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    login(auth, world.officer1)
    # An amount range: the last page is the range's last.
    ranged = queue_page_text(client, "/queue/?min_amount=20000&max_amount=40000&before=last")
    assert page_references(ranged) == [loans[3].reference]
    assert "Page 2 of 2" in ranged and 'value="20000"' in ranged
    # A filter nothing matches: its "last page" is the empty first page.
    empty = queue_page_text(client, "/queue/?tier=A&before=last")
    assert page_references(empty) == []
    assert "No application matches these filters." in empty
    # A position and "last" at once: the position wins (as the pager never sends both).
    first = queue_page_text(client, "/queue/")
    after = pager_link(first, "Next")
    both = queue_page_text(client, after + "&before=last")
    assert page_references(both) == [loans[2].reference, loans[3].reference]


def test_pages_past_the_typed_page_bound_keep_their_numbers(app, client, auth, world,
                                                            monkeypatch):
    # A typed page number is bounded (OFFSET); the pager's own links, deep in a long
    # queue, are not: going back from the last page counts down from its number.
    loans = _loans(world, 11)
    monkeypatch.setattr(queue_view, "MAX_PAGE", 3)
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 2)
    login(auth, world.officer1)
    last = queue_page_text(client, "/queue/?before=last")
    assert "Page 6 of 6" in last
    before = queue_page_text(client, pager_link(last, "Previous"))
    assert "Page 5 of 6" in before
    assert page_references(before) == [loans[8].reference, loans[9].reference]
    typed = queue_page_text(client, "/queue/?page=6")
    assert "Page 3 of 6" in typed  # a typed number past the bound reads the bound
    assert page_references(typed) == [loans[4].reference, loans[5].reference]


def test_the_states_filter_is_named_in_the_reader_s_language(client, auth, world):
    _loans(world, 1)
    login(auth, world.officer1)
    english = queue_page_text(client, "/queue/?status=all")
    assert "Bank review" in english
    client.post("/language", data={"lang": "zh"})
    chinese = queue_page_text(client, "/queue/?status=all")
    assert "银行审查" in chinese and "Bank review" not in chinese
    client.post("/language", data={"lang": "en"})
    assert "银行审查" not in queue_page_text(client, "/queue/?status=all")
