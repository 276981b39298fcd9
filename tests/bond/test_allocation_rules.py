"""The rules of a firm's allocation, each at its boundary: the bond asked for is open for
allocations and underwritten by the institution chosen; the firm holds at most the smaller
of its tier's loan limit and 10 % of the bond (counting its other allocations of the same
bond); the on-lending rate lies between the coupon and the coupon plus 150 bp; the term ends
by the bond's maturity; the approver does not approve terms they recommended; and an
allocation counts toward the firm's and the talent's outstanding caps together with loans,
both ways. The numbers are the policy table's on the day of the step."""

from datetime import date
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.services import applications as application_service
from talentfin.workflows import engine
from talentfin.workflows.bond.labels import APPROVER
from talentfin.workflows.bond.models import BondAllocation
from tests import factories
from tests.bond.factories import advance
from tests.bond.factories import allocation_in
from tests.bond.factories import bond_in
from tests.bond.factories import draft
from tests.bond.factories import founder
from tests.bond.factories import fresh
from tests.bond.factories import refused
from tests.bond.factories import set_parameter

# Bond sizes: the firm's 10 % of the smaller is 3,000,000 yuan, below a tier-B firm's
# 5,000,000-yuan loan limit; of the larger it is 20,000,000, above it.
SMALL = 30_000_000_00
LARGE = 200_000_000_00
YUAN = 100  # fen
TERMS = {"rate_bp": 420, "term_months": 24}
FIRM_CAP = "The firm's outstanding talent loans would exceed {cap} yuan."
TALENT_CAP = "The talent's outstanding loans across all banks would exceed {cap} yuan."
RATE = "The on-lending rate is between the coupon 3.20% and {ceiling} a year."


def _limit(limit: str, held: str = "0.00", share: str = "10.00%") -> str:
    return (f"The firm may hold at most {limit} yuan of this bond (the smaller of its tier's "
            f"loan limit and {share} of the bond); it holds {held} yuan already.")


def _in_review(world, uw, bond, **draft_args) -> BondAllocation:
    """An allocation of ``bond`` in the underwriter's credit review."""
    return allocation_in(world, uw, "credit_review", bond=bond, **draft_args)


def _recommend(world, uw, application, amount_fen: int, **terms) -> None:
    advance(world, uw, application, "recommend",
            data={"amount_fen": amount_fen, **TERMS, **terms})


def _not_recommended(world, uw, application, amount_fen: int | None, **terms) -> str:
    return refused(world, uw, application, "recommend",
                   data={"amount_fen": amount_fen, **TERMS, **terms})


# The bond -----------------------------------------------------------------------------------


def test_the_bond_is_the_underwriters_chosen(world, underwriters):
    uw = underwriters
    theirs = bond_in(uw, "allocating", underwriter=uw.underwriter2)
    application = draft(world, uw, theirs)
    # The request step stores another underwriter than the bond's.
    application_service.save_request(application, {"partner_org_id": uw.underwriter1.id,
                                                   "bond_id": theirs.id})
    assert refused(world, uw, application, "submit") == (
        f"The bond {theirs.name} is not underwritten by the institution chosen.")


def test_a_bond_is_chosen(world, underwriters):
    uw = underwriters
    application = draft(world, uw, bond_in(uw, "allocating"))
    application.bond_id = None
    db.session.commit()
    assert refused(world, uw, application, "submit") == (
        "Choose the bond you ask an allocation of.")


@pytest.mark.parametrize("state", ["planned", "registered", "issued", "servicing",
                                   "redeemed", "cancelled"])
def test_only_a_bond_open_for_allocations_is_asked(world, underwriters, state):
    uw = underwriters
    bond = bond_in(uw, state)
    application = draft(world, uw, bond)
    assert refused(world, uw, application, "submit") == (
        f"The bond {bond.name} no longer takes applications for allocations.")


def test_an_underwriter_out_of_the_programme_takes_no_application(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating")
    application = draft(world, uw, bond)
    uw.underwriter1.standing = "suspended"
    db.session.commit()
    assert refused(world, uw, application, "submit") == (
        "uw-1 no longer takes talent-bond applications; choose another underwriter.")


def test_the_request_is_whole(world, underwriters):
    uw = underwriters
    application = draft(world, uw, bond_in(uw, "allocating"))
    application.requested_amount_fen = None
    application.requested_term_months = None
    db.session.commit()
    assert refused(world, uw, application, "submit") == (
        "Enter the amount you ask for. Choose the term.")


# The firm's limit --------------------------------------------------------------------------


def test_the_firms_limit_is_its_share_of_a_small_bond(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    application = _in_review(world, uw, bond)
    assert _not_recommended(world, uw, application, 3_000_000_00 + 1) == _limit("3,000,000.00")
    _recommend(world, uw, application, 3_000_000_00)
    advance(world, uw, application, "approve_allocation")
    assert fresh(BondAllocation, application.id).allocated_fen == 3_000_000_00


def test_the_firms_limit_is_its_tier_limit_on_a_large_bond(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=LARGE)
    tier_b = _in_review(world, uw, bond)
    assert _not_recommended(world, uw, tier_b, 5_000_000_00 + 1) == _limit("5,000,000.00")
    _recommend(world, uw, tier_b, 5_000_000_00)
    tier_c = _in_review(world, uw, bond, founder=world.founder2)  # 3,000,000-yuan tier
    assert _not_recommended(world, uw, tier_c, 3_000_000_00 + 1) == _limit("3,000,000.00")
    _recommend(world, uw, tier_c, 3_000_000_00)


def test_the_firms_other_allocations_of_the_bond_count(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    allocation_in(world, uw, "allocated", bond=bond, amount_fen=2_000_000_00)
    application = _in_review(world, uw, bond)
    assert _not_recommended(world, uw, application, 1_000_000_00 + 1) == _limit(
        "3,000,000.00", held="2,000,000.00")
    _recommend(world, uw, application, 1_000_000_00)


@pytest.mark.parametrize("state", ["allocation_approval", "declined", "cancelled", "closed"])
def test_allocations_not_held_do_not_count(world, underwriters, state):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    allocation_in(world, uw, state, bond=bond, amount_fen=2_000_000_00)
    application = _in_review(world, uw, bond)
    _recommend(world, uw, application, 3_000_000_00)


def test_neither_another_bond_nor_another_firm_counts(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    other = bond_in(uw, "allocating", size_fen=SMALL)
    allocation_in(world, uw, "allocated", bond=other, amount_fen=2_000_000_00)
    allocation_in(world, uw, "allocated", bond=bond, founder=world.founder2,
                  amount_fen=2_000_000_00)
    application = _in_review(world, uw, bond)
    _recommend(world, uw, application, 3_000_000_00)


def test_the_limit_is_checked_again_at_the_approval(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    first = allocation_in(world, uw, "allocation_approval", bond=bond,
                          recommend={"amount_fen": 2_000_000_00})
    second = allocation_in(world, uw, "allocation_approval", bond=bond,
                           recommend={"amount_fen": 2_000_000_00})
    advance(world, uw, first, "approve_allocation")
    assert refused(world, uw, second, "approve_allocation") == _limit(
        "3,000,000.00", held="2,000,000.00")


# The rate and the term ----------------------------------------------------------------------


def test_the_rate_lies_between_the_coupon_and_the_spread_cap(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", coupon_bp=320)
    low, high = _in_review(world, uw, bond), _in_review(world, uw, bond)
    told = RATE.format(ceiling="4.70%")
    assert _not_recommended(world, uw, low, 1_000_000_00, rate_bp=319) == told
    assert _not_recommended(world, uw, high, 1_000_000_00, rate_bp=471) == told
    _recommend(world, uw, low, 1_000_000_00, rate_bp=320)
    _recommend(world, uw, high, 1_000_000_00, rate_bp=470)
    assert (fresh(BondAllocation, low.id).onlending_rate_bp,
            fresh(BondAllocation, high.id).onlending_rate_bp) == (320, 470)


def test_the_terms_are_given_whole(world, underwriters):
    uw = underwriters
    application = _in_review(world, uw, bond_in(uw, "allocating"))
    told = "Enter the amount, the on-lending rate and the term."
    for terms in ({"amount_fen": None}, {"amount_fen": 0}, {"amount_fen": -1},
                  {"rate_bp": 0}, {"rate_bp": None}, {"term_months": 0}):
        assert refused(world, uw, application, "recommend",
                       data={"amount_fen": 1_000_000_00, **TERMS, **terms}) == told


def test_every_broken_rule_is_told_at_once(world, underwriters):
    uw = underwriters
    application = _in_review(world, uw, bond_in(uw, "allocating", size_fen=SMALL))
    assert _not_recommended(world, uw, application, 4_000_000_00, rate_bp=500,
                            term_months=48) == " ".join([
        _limit("3,000,000.00"), RATE.format(ceiling="4.70%"),
        "The term ends after the bond matures: at most 36 months."])


def _last_month_before(day: date, matures: date) -> int:
    """The longest term in months from ``day`` that ends by ``matures``."""
    months = 0
    while day + relativedelta(months=months + 1) <= matures:
        months += 1
    return months


@pytest.mark.parametrize("issued_months_ago", [0, 13, 30])
def test_the_term_ends_by_the_bonds_maturity(world, underwriters, issued_months_ago):
    uw = underwriters
    today = business_today()
    bond = bond_in(uw, "allocating",
                   issued_on=today - relativedelta(months=issued_months_ago))
    longest = _last_month_before(today, bond.matures_on)
    assert longest == 36 - issued_months_ago
    application = _in_review(world, uw, bond)
    assert _not_recommended(world, uw, application, 1_000_000_00,
                            term_months=longest + 1) == (
        f"The term ends after the bond matures: at most {longest} months.")
    _recommend(world, uw, application, 1_000_000_00, term_months=longest)
    assert fresh(BondAllocation, application.id).term_months == longest


# Who decides -------------------------------------------------------------------------------


def test_the_approver_does_not_approve_terms_they_recommended(world, underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "allocation_approval")
    assert fresh(BondAllocation, application.id).recommended_by_id == uw.officer1.id
    # The officer who recommended becomes an approver before the decision.
    uw.officer1.role = APPROVER
    db.session.commit()
    assert refused(world, uw, application, "approve_allocation", actor=uw.officer1) == (
        "You recommended these terms; another approver decides.")
    advance(world, uw, application, "approve_allocation", actor=uw.approver1b)
    assert application.status == "allocated"


def test_the_officer_does_not_approve_and_another_underwriter_sees_nothing(world,
                                                                           underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "allocation_approval")
    assert refused(world, uw, application, "approve_allocation", actor=uw.officer1,
                   error=engine.Forbidden) == "Your role may not do this."
    assert refused(world, uw, application, "approve_allocation", actor=uw.approver2,
                   error=engine.Forbidden) == "You cannot see this application."


def test_the_approver_returns_the_recommendation_with_a_reason(world, underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "allocation_approval")
    assert refused(world, uw, application, "return_recommendation", comment="") == (
        "Please give a reason.")
    advance(world, uw, application, "return_recommendation")
    assert application.status == "credit_review"


# The outstanding caps, with loans -----------------------------------------------------------


def _loan_submit_refusal(world, founder, amount_fen: int) -> str | None:
    """Submit a loan application of ``amount_fen``: None if it goes through, else why not."""
    loan = factories.draft(world, founder, amount_fen=amount_fen)
    try:
        with force_locale("en"):
            factories.advance(world, loan, "submit")
    except engine.Refused as refusal:
        return refusal.message
    return None


@pytest.mark.parametrize("state", ["allocated", "contracted", "disbursed"])
def test_an_allocation_counts_against_a_later_loans_firm_cap(world, underwriters, state):
    uw = underwriters
    set_parameter("cap_per_firm_fen", str(3_000_000_00))
    allocation_in(world, uw, state, amount_fen=2_000_000_00)
    told = FIRM_CAP.format(cap="3,000,000.00")
    assert _loan_submit_refusal(world, world.founder, 1_000_000_00 + 1) == told
    assert _loan_submit_refusal(world, world.founder, 1_000_000_00) is None


@pytest.mark.parametrize("state", ["allocation_approval", "declined", "cancelled", "closed",
                                   "withdrawn"])
def test_an_allocation_not_held_does_not_count_against_a_loan(world, underwriters, state):
    uw = underwriters
    set_parameter("cap_per_firm_fen", str(3_000_000_00))
    allocation_in(world, uw, state, amount_fen=2_000_000_00)
    assert _loan_submit_refusal(world, world.founder, 3_000_000_00) is None


def test_an_allocation_counts_against_the_talents_cap_on_another_firm(world, underwriters):
    uw = underwriters
    set_parameter("cap_per_talent_fen", str(4_000_000_00))
    # The same person (by ID number) founded a second firm, which asks a loan.
    again = founder(world, 7, id_number=world.founder.enterprise.talent.id_number)
    allocation_in(world, uw, "allocated", amount_fen=3_000_000_00)
    told = TALENT_CAP.format(cap="4,000,000.00")
    assert _loan_submit_refusal(world, again, 1_000_000_00 + 1) == told
    assert _loan_submit_refusal(world, again, 1_000_000_00) is None


def test_a_loan_counts_against_an_allocations_firm_cap(world, underwriters):
    uw = underwriters
    set_parameter("cap_per_firm_fen", str(3_000_000_00))
    factories.loan_in(world, "approved")  # 1,000,000 yuan
    application = _in_review(world, uw, bond_in(uw, "allocating"))
    assert _not_recommended(world, uw, application, 2_000_000_00 + 1) == FIRM_CAP.format(
        cap="3,000,000.00")
    _recommend(world, uw, application, 2_000_000_00)
    # A loan approved in the meantime: the approval counts it too.
    factories.loan_in(world, "approved")
    assert refused(world, uw, application, "approve_allocation") == FIRM_CAP.format(
        cap="3,000,000.00")


def test_a_loan_of_the_talents_other_firm_counts_against_an_allocation(world, underwriters):
    uw = underwriters
    set_parameter("cap_per_talent_fen", str(3_000_000_00))
    again = founder(world, 7, id_number=world.founder.enterprise.talent.id_number)
    factories.loan_in(world, "disbursed", founder=again)  # 1,000,000 yuan
    application = _in_review(world, uw, bond_in(uw, "allocating"))
    assert _not_recommended(world, uw, application, 2_000_000_00 + 1) == TALENT_CAP.format(
        cap="3,000,000.00")
    _recommend(world, uw, application, 2_000_000_00)


def test_allocations_count_toward_each_others_caps(world, underwriters):
    uw = underwriters
    set_parameter("cap_per_firm_fen", str(3_000_000_00))
    allocation_in(world, uw, "allocated", amount_fen=2_000_000_00)
    application = _in_review(world, uw, bond_in(uw, "allocating"))  # another bond
    assert _not_recommended(world, uw, application, 1_000_000_00 + 1) == FIRM_CAP.format(
        cap="3,000,000.00")
    _recommend(world, uw, application, 1_000_000_00)


# Policy changes ------------------------------------------------------------------------------


def test_a_new_share_moves_the_firms_limit(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", size_fen=SMALL)
    application = _in_review(world, uw, bond)
    set_parameter("bond_firm_share_bp", "500", since=business_today())
    assert _not_recommended(world, uw, application, 1_500_000_00 + 1) == _limit(
        "1,500,000.00", share="5.00%")
    _recommend(world, uw, application, 1_500_000_00)


def test_a_new_tier_limit_moves_the_firms_limit(world, underwriters):
    uw = underwriters
    application = _in_review(world, uw, bond_in(uw, "allocating", size_fen=LARGE))
    set_parameter("tier_limit_B_fen", str(2_000_000_00), since=business_today())
    assert _not_recommended(world, uw, application, 2_000_000_00 + 1) == _limit(
        "2,000,000.00")
    _recommend(world, uw, application, 2_000_000_00)


def test_a_new_spread_cap_moves_the_rates_ceiling(world, underwriters):
    uw = underwriters
    application = _in_review(world, uw, bond_in(uw, "allocating"))
    set_parameter("bond_spread_cap_bp", "100", since=business_today())
    assert _not_recommended(world, uw, application, 1_000_000_00, rate_bp=421) == (
        RATE.format(ceiling="4.20%"))
    _recommend(world, uw, application, 1_000_000_00, rate_bp=420)


def test_a_change_from_tomorrow_does_not_apply_today(world, underwriters):
    uw = underwriters
    application = _in_review(world, uw, bond_in(uw, "allocating"))
    tomorrow = business_today() + timedelta(days=1)
    set_parameter("bond_spread_cap_bp", "100", since=tomorrow)
    set_parameter("bond_firm_share_bp", "10", since=tomorrow)
    _recommend(world, uw, application, 1_000_000_00, rate_bp=470)
    # The approval tomorrow is under tomorrow's rules.
    assert refused(world, uw, application, "approve_allocation", today=tomorrow) == (
        " ".join([_limit("200,000.00", share="0.10%"), RATE.format(ceiling="4.20%")]))
    advance(world, uw, application, "approve_allocation")
    assert application.status == "allocated"
