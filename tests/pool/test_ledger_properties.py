"""Property tests: random sequences of money events keep the ledger's invariants."""

from datetime import date

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from talentfin import audit
from talentfin.extensions import db
from talentfin.models import ChainHead
from talentfin.pool import compensation
from talentfin.pool import ledger
from talentfin.pool.ledger import CASH
from talentfin.pool.ledger import Line
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine

amounts = st.integers(min_value=1, max_value=5_000_000_00)
operations = st.lists(st.one_of(
    st.tuples(st.just("contribute"), st.integers(0, 1), amounts),
    st.tuples(st.just("payout"), amounts, st.just(0)),
    st.tuples(st.just("recover"), st.integers(1, 100), st.just(0)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.just(0)),
), min_size=1, max_size=25)


def _reset(db):
    db.session.execute(delete(LedgerLine))
    db.session.execute(delete(LedgerEntry))
    db.session.execute(delete(ChainHead))
    db.session.execute(delete(Funder))
    db.session.commit()
    funders = [Funder(code="city", name="市", share_bp=6000),
               Funder(code="district", name="区", share_bp=4000)]
    db.session.add_all(funders)
    db.session.commit()
    return funders


def _apply(op, funders, maker, paid: dict):
    kind, a, b = op
    if kind == "contribute":
        ledger.contribute(funders[a], b, maker, date(2026, 1, 1))
    elif kind == "payout":
        shares = ledger.split_by_shares(a, funders)
        lines = [Line(CASH, -x, funder_id=f) for f, x in shares.items() if x]
        ledger.post_entry("compensation_payout", [*lines, Line("compensation_paid", a)],
                          effective_on=date(2026, 2, 1), maker=maker)
        for f, x in shares.items():
            paid[f] = paid.get(f, 0) + x
    elif kind == "recover" and sum(paid.values()):
        back = {f: x * a // 100 for f, x in paid.items() if x * a // 100}
        if back:
            lines = [Line(CASH, x, funder_id=f) for f, x in back.items()]
            ledger.post_entry("recovery_receipt",
                              [*lines, Line("compensation_recovered", -sum(back.values()))],
                              effective_on=date(2026, 3, 1), maker=maker)
            for f, x in back.items():
                paid[f] -= x
    elif kind == "reverse":
        entries = ledger_entries_not_reversed()
        if entries:
            ledger.reverse(entries[a % len(entries)], maker, "property test")
    ledger_commit()


def ledger_entries_not_reversed():

    reversed_ids = select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind != "reversal", LedgerEntry.id.not_in(reversed_ids))
        .order_by(LedgerEntry.id)))


def ledger_commit():

    db.session.commit()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_random_money_events_keep_the_books(app, db, world, ops):
    funders = _reset(db)
    paid: dict = {}
    for op in ops:
        try:
            _apply(op, funders, world.pool_admin, paid)
        except ledger.LedgerError:
            db.session.rollback()  # refused whole: nothing of it may remain
    unbalanced = db.session.execute(
        select(LedgerLine.entry_id).group_by(LedgerLine.entry_id)
        .having(func.sum(LedgerLine.amount_fen) != 0)).all()
    assert unbalanced == []
    assert all(balance >= 0 for balance in ledger.funder_balances().values())
    twice = db.session.execute(
        select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
        .group_by(LedgerEntry.reverses_id).having(func.count() > 1)).all()
    assert twice == []
    rows = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
    assert audit.verify(ledger.CHAIN, rows, ledger.entry_payload) is None


figures = st.builds(
    compensation.Figures,
    loss_fen=st.integers(1, 10**10), other_compensation_fen=st.integers(0, 10**10),
    bonus_reasons=st.sets(st.sampled_from(["first_loan", "pure_credit"])).map(tuple),
    bank_covered_fen=st.integers(0, 10**11),
    bank_npl_fen=st.integers(0, 10**11), bank_paid_this_year_fen=st.integers(0, 10**10),
    ratio_bp=st.integers(0, 9000), bonus_bp=st.integers(0, 1000),
    ceiling_bp=st.integers(0, 10000), band_bp=st.integers(0, 10000),
    annual_cap_fen=st.integers(0, 10**10), band_min_balance_fen=st.integers(0, 10**9),
)


@given(f=figures)
def test_a_payout_never_exceeds_any_cap(f):
    payout = compensation.calculate(f).payout_fen
    assert payout >= 0
    assert payout <= f.loss_fen * (f.ratio_bp + (f.bonus_bp if f.bonus_reasons else 0)) // 10_000
    assert payout + f.other_compensation_fen <= max(f.loss_fen * f.ceiling_bp // 10_000,
                                                    f.other_compensation_fen)
    assert payout + f.bank_paid_this_year_fen <= max(f.annual_cap_fen, f.bank_paid_this_year_fen)
