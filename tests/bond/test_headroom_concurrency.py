"""The bond's size is never overshot: approvals fired at the same moment (threads with
their own sessions and connections, on SQLite and PostgreSQL) whose sum is more than the
bond's size each take their part by one conditional UPDATE, so exactly the ones that fit
win and the others are told how much is left; the bond's ``allocated_fen`` is the sum of
the winners. A cancelled allocation gives its part back. Of concurrent approvals of one
application exactly one wins."""

import re
import threading

from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.money import format_fen
from talentfin.workflows import engine
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from tests import factories
from tests.bond.factories import advance
from tests.bond.factories import allocation_in
from tests.bond.factories import bond_in
from tests.bond.factories import founder
from tests.bond.factories import fresh
from tests.bond.factories import reattach
from tests.bond.factories import refused
from tests.bond.factories import set_parameter

REFUSAL = re.compile(r"Only ([\d,.]+) yuan of the bond (.+) is left to allocate; "
                     r"([\d,.]+) yuan does not fit\.")


def _awaiting_approval(world, uw, bond, amounts: list[int]) -> list[int]:
    """One firm each (of a talent of its own), its allocation of ``bond`` recommended at
    ``amount`` and awaiting the approver: their ids."""
    ids = []
    for serial, amount in enumerate(amounts, start=100):
        application = allocation_in(world, uw, "allocation_approval", bond=bond,
                                    founder=founder(world, serial), amount_fen=amount)
        ids.append(application.id)
    return ids


def _approvers(uw, count: int) -> list[int]:
    extra = [factories.user(f"ua-c{i}@t.cn", "underwriter_approver", uw.underwriter1).id
             for i in range(count - 2)]
    return [uw.approver1.id, uw.approver1b.id, *extra]


def fire_together(app, firings: list[tuple[int, str, int]]) -> list:
    """``tests.threads.fire_together``, each thread reading its messages in English."""
    barrier = threading.Barrier(len(firings))
    results: list = [None] * len(firings)

    def work(index: int, application_id: int, trigger: str, user_id: int) -> None:
        with app.app_context(), force_locale("en"):
            try:
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                results[index] = engine.fire(application, trigger, user, comment=f"t{index}")
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, *firing))
               for i, firing in enumerate(firings)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a firing hung"
    return results


def _approve_together(app, uw, ids: list[int]) -> list:
    approvers = _approvers(uw, len(ids))
    db.session.remove()  # the threads must not share this session's view
    return fire_together(app, [(i, "approve_allocation", a)
                               for i, a in zip(ids, approvers, strict=True)])


def test_approvals_that_overshoot_the_size_exactly_those_that_fit_win(app, world,
                                                                      underwriters):
    uw = underwriters
    # 5,200,000 yuan: a firm may hold 10 %, 520,000; twelve firms ask 500,000 each.
    bond = bond_in(uw, "allocating", size_fen=5_200_000_00)
    bond_id, name = bond.id, bond.name
    ids = _awaiting_approval(world, uw, bond, [500_000_00] * 12)
    results = _approve_together(app, uw, ids)

    won = [i for i, r in zip(ids, results, strict=True) if isinstance(r, engine.Fired)]
    lost = [r for r in results if not isinstance(r, engine.Fired)]
    assert len(won) == 10 and len(lost) == 2, results
    assert all(type(r) is engine.Refused for r in lost), lost
    bond = fresh(BondIssue, bond_id)
    assert bond.allocated_fen == 5_000_000_00 == sum(
        fresh(BondAllocation, i).allocated_fen for i in won)
    assert bond.headroom_fen == 200_000_00
    for application_id in set(ids) - set(won):
        loser = fresh(BondAllocation, application_id)
        assert (loser.status, loser.allocated_fen) == ("allocation_approval", None)
    for refusal in lost:
        match = REFUSAL.fullmatch(refusal.message)
        assert match is not None, refusal.message
        assert match.groups() == ("200,000.00", name, "500,000.00")
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "approve_allocation")) == 10


def test_approvals_of_different_amounts_the_winners_fit_and_no_loser_would(app, world,
                                                                           underwriters):
    uw = underwriters
    set_parameter("bond_firm_share_bp", "5000")  # a firm may hold half of the bond
    size = 10_000_000_00
    bond = bond_in(uw, "allocating", size_fen=size)
    bond_id = bond.id
    amounts = [4_000_000_00, 3_000_000_00, 3_000_000_00, 2_000_000_00, 1_500_000_00,
               1_000_000_00, 500_000_00]  # 15,000,000 yuan asked of 10,000,000
    ids = _awaiting_approval(world, uw, bond, amounts)
    results = _approve_together(app, uw, ids)

    asked = dict(zip(ids, amounts, strict=True))
    won = [i for i, r in zip(ids, results, strict=True) if isinstance(r, engine.Fired)]
    lost = {i: r for i, r in zip(ids, results, strict=True) if i not in won}
    assert all(type(r) is engine.Refused for r in lost.values()), results
    allocated = sum(asked[i] for i in won)
    assert allocated <= size
    bond = fresh(BondIssue, bond_id)
    assert bond.allocated_fen == allocated
    assert [fresh(BondAllocation, i).allocated_fen for i in won] == [asked[i] for i in won]
    for application_id, refusal in lost.items():
        # It did not fit when refused, and fits no better now: the headroom only shrank.
        assert asked[application_id] > size - allocated, (asked, won)
        left, _, amount = REFUSAL.fullmatch(refusal.message).groups()
        assert amount == format_fen(asked[application_id])
        left_fen = int(left.replace(",", "").replace(".", ""))
        assert size - allocated <= left_fen < asked[application_id]
        assert fresh(BondAllocation, application_id).status == "allocation_approval"


def test_a_cancelled_allocation_gives_its_part_back(app, world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=5_200_000_00)
    bond_id = bond.id
    ids = _awaiting_approval(world, uw, bond, [500_000_00] * 12)
    results = _approve_together(app, uw, ids)
    won = [i for i, r in zip(ids, results, strict=True) if isinstance(r, engine.Fired)]
    lost = [i for i in ids if i not in won]
    assert (len(won), len(lost)) == (10, 2)
    reattach(world, uw)

    cancelled = fresh(BondAllocation, won[0])
    assert refused(world, uw, cancelled, "cancel_allocation", comment="") == (
        "Please give a reason.")
    advance(world, uw, cancelled, "cancel_allocation")
    cancelled = fresh(BondAllocation, won[0])
    assert cancelled.status == "cancelled"
    assert fresh(BondIssue, bond_id).allocated_fen == 4_500_000_00
    # The first refused now fits; the second still does not.
    advance(world, uw, fresh(BondAllocation, lost[0]), "approve_allocation")
    assert fresh(BondIssue, bond_id).allocated_fen == 5_000_000_00
    name = fresh(BondIssue, bond_id).name
    assert refused(world, uw, fresh(BondAllocation, lost[1]), "approve_allocation") == (
        f"Only 200,000.00 yuan of the bond {name} is left to allocate; 500,000.00 yuan does "
        "not fit.")


def test_a_contracted_allocation_cancelled_gives_its_part_back(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=30_000_000_00)
    application = allocation_in(world, uw, "contracted", bond=bond, amount_fen=2_000_000_00)
    allocation_in(world, uw, "allocated", bond=bond, founder=world.founder2)
    assert fresh(BondIssue, bond.id).allocated_fen == 3_000_000_00
    advance(world, uw, application, "cancel_allocation")
    assert fresh(BondIssue, bond.id).allocated_fen == 1_000_000_00
    # Paid out, it is no longer cancelled (the money is the firm's to repay).
    paid = allocation_in(world, uw, "disbursed", bond=bond)
    assert refused(world, uw, paid, "cancel_allocation", error=engine.Conflict) == (
        "This cannot be done while the application is in its present state.")


def test_concurrent_approvals_of_one_application_exactly_one_wins(app, world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating")
    bond_id = bond.id
    application_id = allocation_in(world, uw, "allocation_approval", bond=bond).id
    approvers = _approvers(uw, 6)
    db.session.remove()
    results = fire_together(app, [(application_id, "approve_allocation", a)
                                  for a in approvers])
    assert sum(isinstance(r, engine.Fired) for r in results) == 1, results
    assert all(isinstance(r, engine.Conflict) for r in results
               if not isinstance(r, engine.Fired)), results
    application = fresh(BondAllocation, application_id)
    assert (application.status, application.allocated_fen) == ("allocated", 1_000_000_00)
    assert fresh(BondIssue, bond_id).allocated_fen == 1_000_000_00
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.application_id == application_id,
        TransitionLog.trigger == "approve_allocation")) == 1
    assert db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.application_id == application_id, Dossier.stage == "allocation_notice")) == 1


def test_the_allocation_notice_states_the_bond_after_the_allocation(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=30_000_000_00)
    allocation_in(world, uw, "allocated", bond=bond, founder=world.founder2)
    application = allocation_in(world, uw, "allocated", bond=bond, amount_fen=2_000_000_00)
    notice = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id,
        Dossier.stage == "allocation_notice")).one()
    assert notice.summary["terms"] == {"amount_fen": 2_000_000_00, "rate_bp": 420,
                                       "term_months": 24, "allocated_fen": 2_000_000_00,
                                       "spread_bp": 100}
    assert (notice.summary["bond"]["allocated_fen"], notice.summary["bond"]["headroom_fen"]) \
        == (3_000_000_00, 27_000_000_00)


def test_one_firms_approvals_at_once_keep_within_its_limit(app, world, underwriters):
    uw = underwriters
    # 30,000,000 yuan: the firm may hold 3,000,000; its two allocations ask 2,000,000 each.
    bond = bond_in(uw, "allocating", size_fen=30_000_000_00)
    bond_id = bond.id
    ids = [allocation_in(world, uw, "allocation_approval", bond=bond,
                         amount_fen=2_000_000_00).id for _ in range(2)]
    results = _approve_together(app, uw, ids)
    assert sum(isinstance(r, engine.Fired) for r in results) == 1, results
    (lost,) = [r for r in results if not isinstance(r, engine.Fired)]
    assert type(lost) is engine.Refused and lost.message == (
        "The firm may hold at most 3,000,000.00 yuan of this bond (the smaller of its tier's "
        "loan limit and 10.00% of the bond); it holds 2,000,000.00 yuan already."), lost
    assert fresh(BondIssue, bond_id).allocated_fen == 2_000_000_00


def test_a_loan_and_an_allocation_approved_at_once_never_break_the_caps_together(
        app, world, underwriters):
    uw = underwriters
    # Each fits the firm's cap of 1,500,000 yuan alone; together they would owe 2,000,000.
    set_parameter("cap_per_firm_fen", str(1_500_000_00))
    loan = factories.loan_in(world, "bank_approval")
    allocation = allocation_in(world, uw, "allocation_approval",
                               bond=bond_in(uw, "allocating"), amount_fen=1_000_000_00)
    firings = [(loan.id, "bank_approve", world.approver1.id),
               (allocation.id, "approve_allocation", uw.approver1.id)]
    ids = [loan.id, allocation.id]
    db.session.remove()
    results = fire_together(app, firings)
    won = [r for r in results if isinstance(r, engine.Fired)]
    lost = [r for r in results if not isinstance(r, engine.Fired)]
    assert len(won) == 1 and len(lost) == 1, results
    assert type(lost[0]) is engine.Refused, lost
    assert lost[0].message == "The firm's outstanding talent loans would exceed 1,500,000.00 yuan."
    statuses = {db.session.get(Application, i).status for i in ids}
    assert statuses in ({"approved", "allocation_approval"}, {"bank_approval", "allocated"})
