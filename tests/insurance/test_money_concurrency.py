"""Premium subsidies paid at the same moment: one premium is paid once, and the firm's
300,000-yuan cap holds across its policies however the payments interleave (the ledger
lock). Threads with their own sessions and connections, on SQLite and PostgreSQL."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.workflows import engine
from talentfin.workflows.insurance.models import PremiumPayment
from tests import factories
from tests.insurance.factories import policy_in
from tests.threads import fire_together
from tests.web import fresh

CAP = 300_000_00


def _admins(world, count: int) -> list[int]:
    extra = [factories.user(f"pool-c{i}@t.cn", "pool_admin", world.pool).id
             for i in range(count - 1)]
    return [world.pool_admin.id, *extra]


def _subsidy_lines(application_ids: list[int]) -> int:
    """What the ledger paid out as premium subsidies on these policies (fen)."""
    db.session.expire_all()
    return db.session.scalar(select(func.coalesce(func.sum(LedgerLine.amount_fen), 0))
                             .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
                             .where(LedgerEntry.kind == "premium_subsidy_payout",
                                    LedgerLine.account == "premium_subsidy_paid",
                                    LedgerEntry.application_id.in_(application_ids)))


def test_two_administrators_paying_one_subsidy_at_once_pay_it_once(app, world, insurers):
    factories.fund_pool(world)
    policy_id = policy_in(world, insurers, "subsidy_review").id
    admins = _admins(world, 4)
    db.session.remove()
    results = fire_together(app, [(policy_id, "pay_subsidy", admin) for admin in admins],
                            comment="同意")
    assert sum(isinstance(r, engine.Fired) for r in results) == 1, results
    assert all(isinstance(r, engine.Conflict) for r in results
               if not isinstance(r, engine.Fired)), results
    assert fresh(policy_id).status == "subsidy_paid"
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == policy_id)).all()
    assert len(entries) == 1 and _subsidy_lines([policy_id]) == 37_500_00
    payment = db.session.scalars(select(PremiumPayment)).one()
    assert (payment.subsidy_status, payment.subsidy_entry_id) == ("paid", entries[0].id)
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "pay_subsidy")) == 1


def test_one_firms_subsidies_paid_at_once_stay_within_its_cap(app, world, insurers):
    factories.fund_pool(world)
    # Asked for together: 225,000 + 300,000 + 37,500 yuan, more than the 300,000 cap.
    ids = [policy_in(world, insurers, "subsidy_review", amount_fen=amount).id
           for amount in (30_000_000_00, 40_000_000_00, 5_000_000_00)]
    theirs = policy_in(world, insurers, "subsidy_review", founder=world.founder2).id
    admins = _admins(world, 4)
    db.session.remove()
    results = fire_together(app, [(i, "pay_subsidy", a) for i, a in zip([*ids, theirs],
                                                                        admins, strict=True)],
                            comment="同意")
    fired = [r for r in results if isinstance(r, engine.Fired)]
    refused = [r for r in results if isinstance(r, engine.Refused)]
    assert len(fired) + len(refused) == 4, results
    assert all("保费补贴额度已用完" in r.message for r in refused), refused  # the cap
    db.session.expire_all()
    paid = {p.application_id: p.subsidy_fen for p in db.session.scalars(
        select(PremiumPayment).where(PremiumPayment.subsidy_status == "paid"))}
    assert paid[theirs] == 37_500_00  # another firm's cap is its own
    mine = sum(paid.get(i, 0) for i in ids)
    assert mine == CAP == _subsidy_lines(ids)
    assert {fresh(i).status for i in ids if i not in paid} <= {"subsidy_review"}
