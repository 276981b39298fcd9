"""The programme's readers (the pool's staff and the auditors) see every product's
applications: their "all" sorted by amount reads each (product, state) range of an index
already in the amount's order, as the banks' and the parks' queues do, instead of sorting
every application of the programme."""

import pytest

from talentfin.extensions import db
from tests import factories
from tests.core.test_queue_branches import STATES
from tests.core.test_queue_branches import _page_plan
from tests.web import login
from tests.web import page_references
from tests.web import pager_link
from tests.web import queue_page_text
from tests.web import switch_to


@pytest.fixture
def book(world):
    """Loans at both banks in several states."""
    loans = [factories.loan_in(world, state, bank=bank) for bank in (world.bank1, world.bank2)
             for state in STATES]
    db.session.commit()
    return loans


@pytest.mark.parametrize("who, product, index", [
    # The pool reads its partial indexes (what reached it); the auditor, for one product's
    # states, the product ones (its "all" is one index: tests/core/test_queue_whole_order.py).
    ("pool_admin", "", "ix_applications_pool_"),
    ("auditor", "loan", "ix_applications_product_"),
])
@pytest.mark.parametrize("sort", ["amount_desc", "amount_asc", "oldest", "newest"])
def test_every_sort_of_all_reads_an_index_in_its_order(app, client, auth, world, book, who,
                                                       product, index, sort):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    login(auth, getattr(world, who))
    plan = _page_plan(client, f"/queue/?status=all&sort={sort}&product={product}")
    # One sort: the page's rows, merged from the pairs' ranges (each already in order; a
    # tie of amounts is put in the id's order, a "right part" of the order).
    assert plan.count("USE TEMP B-TREE FOR ORDER BY") == 1, plan
    assert [step for step in plan if index in step], plan
    assert not [step for step in plan if "SCAN applications" in step], plan


@pytest.mark.parametrize("who", ["pool_admin", "auditor"])
def test_all_by_amount_pages_through_everything_once(app, client, auth, world, book, who,
                                                     monkeypatch):
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 4)
    login(auth, getattr(world, who))
    pages = [queue_page_text(client, "/queue/?status=all&sort=amount_desc")]
    while (after := pager_link(pages[-1], "Next")) is not None:
        pages.append(queue_page_text(client, after))
    seen = [reference for page in pages for reference in page_references(page)]
    assert len(seen) == len(set(seen))
    assert set(seen) <= {loan.reference for loan in book}


def test_a_reader_who_decides_nothing_is_not_told_things_wait_for_them(client, auth, world):
    # The auditor decides nothing: the queue is everything they see, and says so.
    login(auth, world.auditor)
    empty = queue_page_text(client, "/queue/")
    assert "Waiting for me" not in empty and "All I can see" in empty
    assert "There is no application you can see yet." in empty
    loan = factories.loan_in(world, "partner_review")
    assert loan.reference in page_references(queue_page_text(client, "/queue/"))
    # A bank's officer decides: "Waiting for me" is theirs, and the default.
    switch_to(auth, world.officer1)
    page = queue_page_text(client, "/queue/")
    assert '<option value="" selected>Waiting for me</option>' in page
