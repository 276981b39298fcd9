"""When a file reached the pool and the exchange, kept on the envelope
(``talentfin.workflows.reach``): the products' own columns set it through whatever writes
them, the first moment stays, and the pool's queue reads it through its partial indexes."""

import random
from datetime import date
from datetime import datetime
from datetime import time

from sqlalchemy import select

from talentfin.bench.seeding import finish_load
from talentfin.bench.seeding import seed_batch
from talentfin.bench.seeding import seed_cast
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services.queue_filter import visible_states
from talentfin.workflows.access import can_view
from talentfin.workflows.access import visibility_clause
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.reach import copies
from talentfin.workflows.registry import product_for
from tests import factories
from tests.web import login
from tests.web import page_references
from tests.web import queue_page_text


def _seen_by(user) -> set[int]:
    return set(db.session.scalars(select(Application.id).where(visibility_clause(user))))


def test_the_payout_shows_a_loan_to_the_pool_from_that_day(app, client, auth, world):
    loan = factories.loan_in(world, "contracted")
    assert loan.pool_since is None
    assert not can_view(world.pool_admin, loan) and loan.id not in _seen_by(world.pool_admin)
    factories.advance(world, loan, "disburse")
    db.session.expire_all()
    loan = db.session.get(Application, loan.id)
    assert loan.disbursed_on is not None
    assert loan.pool_since == datetime.combine(loan.disbursed_on, time())
    assert can_view(world.pool_admin, loan) and loan.id in _seen_by(world.pool_admin)
    login(auth, world.pool_admin)
    assert loan.reference in page_references(queue_page_text(client, "/queue/?status=all"))


def test_the_first_moment_stays_when_the_column_is_written_again(app):
    first, later = datetime(2026, 3, 1, 9, 30), datetime(2026, 9, 1, 14, 0)
    policy = InsuranceApplication(subsidy_requested_at=first)
    assert policy.pool_since == first
    policy.subsidy_requested_at = later  # a later year's request: seen since the first
    assert policy.pool_since == first
    listing = BoardListing()
    listing.exchange_routed_at = None
    assert listing.exchange_since is None and listing.pool_since is None
    listing.exchange_routed_at = later
    assert listing.exchange_since == later and listing.pool_since is None


def test_a_plain_row_gets_the_copies_the_events_would_make(app):
    assert copies(product_for("loan"), {"disbursed_on": date(2026, 3, 1)}) == {
        "pool_since": datetime(2026, 3, 1)}
    assert copies(product_for("loan"), {"disbursed_on": None}) == {}
    moment = datetime(2026, 5, 2, 8, 0)
    assert copies(product_for("board"), {"exchange_routed_at": moment,
                                         "reward_requested_at": None}) == {
        "exchange_since": moment}


def test_the_auditor_reads_no_draft_range(app, client, auth, world):
    # A founder's draft was never submitted: the auditor's queue reads no (product, draft)
    # range, but still what left it (a withdrawal after submission) and a bond issue's first
    # state (filed by its underwriter, submitted from the start).
    pairs = visible_states("auditor")
    assert ("loan", "draft") not in pairs and ("loan", "withdrawn") in pairs
    assert ("bond_issue", "planned") in pairs
    draft = factories.draft(world)
    withdrawn = factories.loan_in(world, "withdrawn")
    db.session.commit()
    login(auth, world.auditor)
    seen = page_references(queue_page_text(client, "/queue/?status=all"))
    assert withdrawn.reference in seen and draft.id not in _seen_by(world.auditor)


def test_every_file_that_reached_the_pool_or_the_exchange_is_in_a_state_it_reads(app):
    # The pool's and the exchange's states are those reachable from the effect that
    # records the moment (Party.reached_by): a file with the moment set in any other state
    # would be missing from their "all" and their counts. The bench walks every product
    # through real paths of its workflow, the effects replayed.
    seed_batch(seed_cast(), 400, random.Random(7))
    finish_load()
    reached = {"pool_since": "pool", "exchange_since": "exchange"}
    found = 0
    for column, kind in reached.items():
        rows = db.session.execute(select(Application.product, Application.status).where(
            Application.__table__.c[column].is_not(None))).all()
        for product, status in rows:
            party = product_for(product).parties[kind]
            assert status in product_for(product).workflow.reached_states(party), \
                (column, product, status)
        found += len(rows)
    assert found > 20
