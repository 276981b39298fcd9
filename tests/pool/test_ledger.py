"""The pool's ledger: balanced entries, reversals, maker/checker, funder balances, the chain."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy import update

from talentfin import audit
from talentfin.clock import business_today
from talentfin.pool import ledger
from talentfin.pool.ledger import CASH
from talentfin.pool.ledger import Line
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry


@pytest.fixture
def funders(db):
    city = Funder(code="city", name="市级", share_bp=6000)
    district = Funder(code="district", name="区级", share_bp=4000)
    db.session.add_all([city, district])
    db.session.commit()
    return city, district


def test_contribution_raises_the_funder_balance(world, funders):
    city, district = funders
    ledger.contribute(city, 60_000_000_00, world.pool_admin, date(2026, 1, 5))
    ledger.contribute(district, 40_000_000_00, world.pool_admin, date(2026, 1, 5))
    assert ledger.funder_balances() == {city.id: 60_000_000_00, district.id: 40_000_000_00}
    assert ledger.pool_balance() == 100_000_000_00


def test_unbalanced_entry_is_refused(world, funders):
    city, _ = funders
    with pytest.raises(ledger.LedgerError):
        ledger.post_entry("adjustment", [Line(CASH, 100, city.id), Line("x", -99)],
                          effective_on=business_today(), maker=world.pool_admin,
                          checker=world.committee)


def test_adjustment_needs_a_different_checker(world, funders):
    city, _ = funders
    lines = [Line(CASH, 100, city.id), Line("funder_capital", -100, city.id)]
    with pytest.raises(ledger.LedgerError, match="复核"):
        ledger.post_entry("adjustment", lines, effective_on=business_today(),
                          maker=world.pool_admin, checker=world.pool_admin)
    entry = ledger.post_entry("adjustment", lines, effective_on=business_today(),
                              maker=world.pool_admin, checker=world.committee)
    assert entry.checker_id == world.committee.id


def test_funder_cash_never_goes_below_zero(world, funders, db):
    city, _ = funders
    ledger.contribute(city, 1000, world.pool_admin, business_today())
    with pytest.raises(ledger.LedgerError):
        ledger.post_entry("compensation_payout", [Line(CASH, -1001, city.id),
                                                  Line("compensation_paid", 1001)],
                          effective_on=business_today(), maker=world.pool_admin)
    db.session.rollback()
    assert ledger.funder_balances() == {city.id: 1000}


def test_reversal_negates_and_happens_once(world, funders, db):
    city, _ = funders
    entry = ledger.contribute(city, 5000, world.pool_admin, business_today())
    ledger.reverse(entry, world.pool_admin, "entered twice")
    db.session.commit()
    assert ledger.funder_balances() == {city.id: 0}
    with pytest.raises(ledger.LedgerError):
        ledger.reverse(entry, world.pool_admin, "again")


def test_split_by_shares_keeps_every_fen():
    city = Funder(id=1, code="c", name="c", share_bp=6000)
    district = Funder(id=2, code="d", name="d", share_bp=4000)
    parts = ledger.split_by_shares(1001, [city, district])
    assert sum(parts.values()) == 1001 and parts == {1: 601, 2: 400}


def _verify(db):
    rows = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    return audit.verify(ledger.CHAIN, rows, ledger.entry_payload)


def test_chain_verifies_and_names_an_altered_row(world, funders, db):
    city, _ = funders
    entries = [ledger.contribute(city, amount, world.pool_admin, business_today())
               for amount in (100, 200, 300)]
    assert _verify(db) is None
    db.session.execute(update(LedgerEntry).where(LedgerEntry.id == entries[1].id)
                       .values(memo="changed"))
    db.session.commit()
    db.session.expire_all()
    broken = _verify(db)
    assert broken is not None and broken.row_id == entries[1].id
