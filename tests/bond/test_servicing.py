"""An on-lent allocation after the money: the underwriter records repayments (each lowers
what is owed; the interest's spread over the coupon goes to the bond's risk reserve, in
whole fen rounded down) and arrears (cured by the next repayment); the loan is closed only
when nothing is owed. A default (90 days overdue or graded substandard, its collection
records filed, a reason given, by the approver) makes the principal owed the loss, which
the layers absorb in order: the bond's reserve, the government's share of the issue size
(the policy's, less earlier draws on the bond), the issuer; each draw an entry of its own
account. Two defaults of one bond at the same moment never draw the same money twice."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import force_locale
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.pool.models import LedgerEntry
from talentfin.services.applications import defaults_of
from talentfin.services.audit_chains import verify_all
from talentfin.workflows import engine
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.bond.servicing import draws_of
from talentfin.workflows.bond.servicing import layers
from talentfin.workflows.bond.servicing import spread_of
from tests.bond.factories import advance
from tests.bond.factories import allocation_in
from tests.bond.factories import bond_in
from tests.bond.factories import founder
from tests.bond.factories import fresh
from tests.bond.factories import refused
from tests.bond.factories import set_parameter
from tests.bond.factories import upload
from tests.bond.test_headroom_concurrency import fire_together

TODAY = business_today()
# A bond of 5,000,000 yuan (a firm may hold 500,000) at 3.20 %, lent on at 4.20 %: of
# every 42,000 yuan of interest 10,000 is spread.
SMALL = 5_000_000_00
INTEREST_FOR_10K = 42_000_00


def _paid_out(world, uw, bond: BondIssue, serial: int | None = None,
              amount: int = 500_000_00, days_ago: int = 200) -> BondAllocation:
    """An allocation of ``bond`` (of a firm of its own when ``serial``) paid out
    ``days_ago``."""
    who = founder(world, serial) if serial else None
    application = allocation_in(world, uw, "allocated", bond=bond, founder=who,
                                amount_fen=amount)
    on = TODAY - timedelta(days=days_ago)
    advance(world, uw, application, "sign_contract", data={"signed_on": on})
    advance(world, uw, application, "disburse", data={"disbursed_on": on})
    return application


def _repay(world, uw, application, principal: int, interest: int, *, due_in: int = 30,
           paid_ago: int = 10) -> None:
    advance(world, uw, application, "record_repayment", data={
        "principal_fen": principal, "interest_fen": interest,
        "due_on": TODAY + timedelta(days=due_in), "paid_on": TODAY - timedelta(days=paid_ago)})


def _in_arrears(world, uw, application, days: int = 100) -> None:
    advance(world, uw, application, "report_arrears", data={
        "overdue_since": TODAY - timedelta(days=days), "classification": "special_mention"})


def _default(world, uw, application) -> None:
    advance(world, uw, application, "declare_default", data={"classification": None})


def _reserve_receipts(application) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == application.id,
        LedgerEntry.kind == "bond_reserve_receipt").order_by(LedgerEntry.id)))


def test_the_spread_is_the_interest_above_the_coupon_rounded_down():
    assert spread_of(42_000_00, 420, 320) == 10_000_00
    assert spread_of(100, 420, 320) == 23  # 23.8 fen: the reserve gets 23
    assert spread_of(1, 420, 320) == 0
    assert (spread_of(0, 420, 320), spread_of(1000, 320, 320), spread_of(1000, None, 320)) == (
        0, 0, 0)


def test_each_repayment_lowers_what_is_owed_and_its_spread_feeds_the_reserve(world,
                                                                            underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    application = _paid_out(world, uw, bond)
    assert fresh(BondAllocation, application.id).outstanding == 500_000_00
    _repay(world, uw, application, 100_000_00, 4_200_00)
    application = fresh(BondAllocation, application.id)
    assert (application.status, application.outstanding) == ("repaying", 400_000_00)
    [entry] = _reserve_receipts(application)
    assert entry.effective_on == TODAY - timedelta(days=10)
    assert sorted((line.account, line.amount_fen) for line in entry.lines) == [
        ("bond_risk_reserve", 1_000_00), ("bond_spread_income", -1_000_00)]
    _repay(world, uw, application, 100_000_00, 0, due_in=60)  # no interest: no entry
    _repay(world, uw, application, 0, 100, due_in=90)  # 23 fen of spread
    assert [sum(line.amount_fen for line in e.lines if line.account == "bond_risk_reserve")
            for e in _reserve_receipts(application)] == [1_000_00, 23]
    assert layers(fresh(BondIssue, bond.id), TODAY).reserve_fen == 1_000_23
    assert fresh(BondAllocation, application.id).outstanding == 300_000_00


def test_a_wrong_repayment_is_refused_and_changes_nothing(world, underwriters):
    uw = underwriters
    application = _paid_out(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    paid_out = TODAY - timedelta(days=200)

    def told(**data) -> str:
        base = {"principal_fen": 1_000_00, "interest_fen": 0, "due_on": TODAY,
                "paid_on": TODAY}
        return refused(world, uw, application, "record_repayment", data={**base, **data})

    assert told(paid_on=TODAY + timedelta(days=1)) == "The payment date cannot be in the future."
    assert told(paid_on=paid_out - timedelta(days=1)) == (
        f"The payment date cannot be before the loan was disbursed on {paid_out.isoformat()}.")
    assert told(principal_fen=500_000_00 + 1) == (
        "The principal repaid is more than the outstanding 500,000.00 yuan.")
    assert told(principal_fen=0) == "Enter the principal or the interest paid."
    _repay(world, uw, application, 1_000_00, 420_00, due_in=0, paid_ago=0)
    assert told(interest_fen=420_00) == (
        f"This repayment (due {TODAY}, paid {TODAY}, principal 1,000.00 yuan, interest "
        "420.00 yuan) is already recorded for this loan.")
    assert len(_reserve_receipts(application)) == 1
    assert fresh(BondAllocation, application.id).outstanding == 499_000_00


def test_the_loan_is_closed_only_when_nothing_is_owed(world, underwriters):
    uw = underwriters
    application = _paid_out(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    assert refused(world, uw, application, "record_repaid", error=engine.Conflict) == (
        "This cannot be done while the application is in its present state.")
    _repay(world, uw, application, 499_999_99, 0, paid_ago=20)
    assert refused(world, uw, application, "record_repaid") == (
        "0.01 yuan of principal is still outstanding.")
    _repay(world, uw, application, 1, 0, due_in=60, paid_ago=5)
    advance(world, uw, application, "record_repaid")
    application = fresh(BondAllocation, application.id)
    assert (application.status, application.outstanding, application.repaid_on) == (
        "closed", 0, TODAY - timedelta(days=5))


def test_arrears_start_after_the_money_and_a_repayment_cures_them(world, underwriters):
    uw = underwriters
    application = _paid_out(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    paid_out = TODAY - timedelta(days=200)
    for since in (paid_out - timedelta(days=1), TODAY + timedelta(days=1)):
        assert refused(world, uw, application, "report_arrears",
                       data={"overdue_since": since}) != ""
    _in_arrears(world, uw, application, days=30)
    application = fresh(BondAllocation, application.id)
    assert (application.status, application.overdue_since) == (
        "overdue", TODAY - timedelta(days=30))
    _repay(world, uw, application, 10_000_00, 2_000_00)
    application = fresh(BondAllocation, application.id)
    assert (application.status, application.overdue_since, application.classification) == (
        "repaying", None, "normal")


def test_a_default_needs_ninety_days_or_a_grade_its_papers_and_a_reason(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    young, old = _paid_out(world, uw, bond), _paid_out(world, uw, bond, serial=31)
    _in_arrears(world, uw, young, days=89)
    _in_arrears(world, uw, old, days=90)
    for application in (young, old):
        upload(application, "collection_records", uw.officer1)
    since = TODAY - timedelta(days=89)
    assert refused(world, uw, young, "declare_default", data={"classification": None}) == (
        "A default needs 90 days overdue or a grade of substandard or worse: this loan is 89 "
        f"days overdue (since {since}). Choose the grade, or wait until "
        f"{since + timedelta(days=90)}.")
    assert refused(world, uw, young, "declare_default", actor=uw.officer1,
                   error=engine.Forbidden) != ""
    assert refused(world, uw, old, "declare_default", comment="  ",
                   data={"classification": None}) != ""
    _default(world, uw, old)  # 90 days: the boundary passes
    assert fresh(BondAllocation, old.id).status == "defaulted"
    # Graded substandard at 89 days: a default too.
    advance(world, uw, young, "declare_default", data={"classification": "substandard"})
    assert fresh(BondAllocation, young.id).status == "defaulted"


def test_implausible_repayments_and_early_arrears_are_refused(world, underwriters):
    uw = underwriters
    application = _paid_out(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    paid_out = TODAY - timedelta(days=200)
    last_day = paid_out + relativedelta(months=24)
    base = {"principal_fen": 0, "paid_on": TODAY}
    assert refused(world, uw, application, "record_repayment", data={
        **base, "interest_fen": 100, "due_on": last_day + timedelta(days=1)}) == (
        f"The due date is after the loan's last day, {last_day}.")
    # 500,000 owed at 4.20 % over 24 months bears at most 42,000.
    assert refused(world, uw, application, "record_repayment", data={
        **base, "interest_fen": 42_000_01, "due_on": last_day}) == (
        "Interest of 42,000.01 yuan is more than the 500,000.00 yuan owed can bear over the "
        "loan's 24 months at 4.20% (42,000.00 yuan).")
    _repay(world, uw, application, 0, 42_000_00, due_in=0, paid_ago=0)  # the boundary
    assert refused(world, uw, application, "report_arrears",
                   data={"overdue_since": paid_out}) == (
        f"Arrears start after the day the money was paid out, {paid_out}.")
    _in_arrears(world, uw, application, days=199)  # the day after the money: accepted


def test_a_default_rests_on_the_collection_records(world, underwriters):
    uw = underwriters
    application = _paid_out(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    _in_arrears(world, uw, application)
    assert refused(world, uw, application, "declare_default", papers=False) == (
        "Upload the collection records first.")


def test_a_loss_the_reserve_covers_is_drawn_on_it_alone(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    application = _paid_out(world, uw, bond)
    _repay(world, uw, application, 490_000_00, INTEREST_FOR_10K)  # owes 10,000 = reserve
    _in_arrears(world, uw, application)
    _default(world, uw, application)
    application = fresh(BondAllocation, application.id)
    assert (application.loss_fen, application.defaulted_on) == (10_000_00, TODAY)
    assert draws_of(application) == {"bond_reserve_draw": 10_000_00}
    now = layers(fresh(BondIssue, bond.id), TODAY)
    assert (now.reserve_fen, now.government_drawn_fen, now.losses_fen) == (0, 0, 10_000_00)


def test_the_layers_absorb_losses_in_order_each_draw_its_own_entry(world, underwriters):
    uw = underwriters
    set_parameter("bond_government_share_bp", "100")  # 1 % of 5,000,000: 50,000 yuan
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    first = _paid_out(world, uw, bond)
    second = _paid_out(world, uw, bond, serial=32)
    _repay(world, uw, first, 470_000_00, INTEREST_FOR_10K)  # owes 30,000; reserve 10,000
    _repay(world, uw, second, 460_000_00, 0)  # owes 40,000
    for application in (first, second):
        _in_arrears(world, uw, application)
    _default(world, uw, first)
    assert draws_of(fresh(BondAllocation, first.id)) == {
        "bond_reserve_draw": 10_000_00, "bond_government_draw": 20_000_00}
    _default(world, uw, second)  # the reserve is spent; 30,000 of the share is left
    assert draws_of(fresh(BondAllocation, second.id)) == {
        "bond_government_draw": 30_000_00, "bond_issuer_draw": 10_000_00}
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id.in_([first.id, second.id]),
        LedgerEntry.kind.like("bond_%draw")).order_by(LedgerEntry.seq)).all()
    assert [(e.kind, sorted(line.account for line in e.lines), e.maker_id)
            for e in entries] == [
        ("bond_reserve_draw", ["bond_default_losses", "bond_risk_reserve"], uw.approver1.id),
        ("bond_government_draw", ["bond_default_losses", "bond_government_share"],
         uw.approver1.id),
        ("bond_government_draw", ["bond_default_losses", "bond_government_share"],
         uw.approver1.id),
        ("bond_issuer_draw", ["bond_default_losses", "bond_issuer_funds"], uw.approver1.id)]
    now = layers(fresh(BondIssue, bond.id), TODAY)
    assert (now.reserve_fen, now.government_drawn_fen, now.government_left_fen,
            now.issuer_drawn_fen, now.losses_fen) == (0, 50_000_00, 0, 10_000_00, 70_000_00)
    assert verify_all() == []


def test_a_defaulted_firm_shows_its_default_and_still_owes_toward_the_caps(world,
                                                                          underwriters):
    uw = underwriters
    application = _paid_out(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    _in_arrears(world, uw, application)
    _default(world, uw, application)
    assert [a.id for a in defaults_of(application.enterprise_id)] == [application.id]
    with force_locale("en"):
        told = refused(world, uw, application, "record_repayment", error=engine.Conflict)
    assert told == "This cannot be done while the application is in its present state."


def test_two_defaults_of_one_bond_at_once_never_draw_the_same_money(app, world,
                                                                    underwriters):
    uw = underwriters
    set_parameter("bond_government_share_bp", "100")  # 50,000 yuan
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    first, second = _paid_out(world, uw, bond), _paid_out(world, uw, bond, serial=33)
    _repay(world, uw, first, 460_000_00, INTEREST_FOR_10K)  # reserve 10,000
    _repay(world, uw, second, 460_000_00, 0)
    for application in (first, second):  # each owes 40,000
        _in_arrears(world, uw, application)
        upload(application, "collection_records", uw.officer1)
    ids, bond_id, approver_id = [first.id, second.id], bond.id, uw.approver1.id
    db.session.remove()
    results = fire_together(app, [(i, "declare_default", approver_id) for i in ids])
    assert all(isinstance(r, engine.Fired) for r in results), results
    # Whichever went first took the reserve and 30,000 of the share; the other the
    # share's last 20,000 and 20,000 of the issuer's.
    totals: dict[str, int] = {}
    for application_id in ids:
        for kind, amount in draws_of(fresh(BondAllocation, application_id)).items():
            totals[kind] = totals.get(kind, 0) + amount
    assert totals == {"bond_reserve_draw": 10_000_00, "bond_government_draw": 50_000_00,
                      "bond_issuer_draw": 20_000_00}
    now = layers(fresh(BondIssue, bond_id), TODAY)
    assert (now.reserve_fen, now.government_left_fen) == (0, 0)
    assert verify_all() == []
