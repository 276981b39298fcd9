"""The bond's own steps and their rules: the underwriter's officer plans it for an issuer;
it is registered once the issuer's board resolution and the registration letter are filed,
with a number no other bond has, dated not after today; issued with its terms (size and
coupon, a term and the months between coupons that fall within it, a code no other bond
has, dated on or after the registration and not after today); opened for allocations, and
closed only once no application is still being decided; redeemed at maturity with the
notice filed; cancelled before its issue with a reason."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services.applications import history as logs
from talentfin.services.bond.issues import plan_bond
from talentfin.services.uploads import UploadRefused
from talentfin.workflows import engine
from talentfin.workflows.bond.issue import UNDECIDED
from talentfin.workflows.bond.models import BondIssue
from tests.bond.factories import ISSUER_USCC
from tests.bond.factories import advance
from tests.bond.factories import advance_bond
from tests.bond.factories import allocation_in
from tests.bond.factories import bond_in
from tests.bond.factories import draft
from tests.bond.factories import fresh
from tests.bond.factories import plan
from tests.bond.factories import refusal
from tests.bond.factories import refused
from tests.bond.factories import refused_bond
from tests.bond.factories import upload

PAPERS_FIRST = "The issuer's board resolution and the registration letter are uploaded first."
NUMBER_AND_DATE = "Enter the registration number and its date (not after today)."
ISSUE_PAPERS = "The prospectus and the issue announcement are uploaded first."
SIZE_AND_COUPON = "Enter the bond's size and its coupon rate."
TERM_AND_COUPONS = "Choose a term and coupons that fall within it."
CODE = "Enter the bond's code, one no other bond has."
WRONG_STATE = "This cannot be done while the application is in its present state."
ROLE = "Your role may not do this."


def _stages(bond) -> list[str]:
    return list(db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == bond.id).order_by(Dossier.id)))


# Planning ----------------------------------------------------------------------------------


def test_the_underwriting_officer_plans_a_bond_of_an_issuer(world, underwriters):
    uw = underwriters
    bond = plan_bond(uw.officer1, " 2026年测试债券 ", uw.issuer, ISSUER_USCC[0])
    assert (bond.status, bond.name, bond.partner_org_id, bond.issuer_org_id) == (
        "planned", "2026年测试债券", uw.underwriter1.id, uw.issuer.id)
    assert bond.reference.startswith("ZQ") and bond.enterprise.name == uw.issuer.name
    again = plan_bond(uw.officer1, "2026年测试债券（第二期）", uw.issuer, ISSUER_USCC[0])
    assert again.enterprise_id == bond.enterprise_id  # the issuer's company found by its code


def test_only_the_officer_plans_and_only_for_an_issuer_and_its_own_company(world,
                                                                          underwriters):
    uw = underwriters
    assert refusal(plan_bond, uw.approver1, "债", uw.issuer, ISSUER_USCC[0],
                   error=engine.Forbidden) == "The underwriting officer plans a bond."
    assert refusal(plan_bond, uw.issuer_officer, "债", uw.issuer, ISSUER_USCC[0],
                   error=engine.Forbidden) == "The underwriting officer plans a bond."
    assert refusal(plan_bond, uw.officer1, "债", uw.underwriter2,
                   ISSUER_USCC[0]) == "Choose the bond's issuer."
    plan(uw, issuer=uw.issuer)
    assert refusal(plan_bond, uw.officer1, "债", uw.issuer2, ISSUER_USCC[0]) == (
        f"The code {ISSUER_USCC[0]} is {uw.issuer.name}'s, not the issuer's.")
    assert db.session.scalar(select(db.func.count(BondIssue.id))) == 1


# Registration ------------------------------------------------------------------------------


def test_registration_needs_the_issuers_resolution_and_the_letter(world, underwriters):
    uw = underwriters
    bond = plan(uw)
    assert refused_bond(uw, bond, "register", papers=False) == PAPERS_FIRST
    upload(bond, "registration_letter", uw.officer1)
    assert refused_bond(uw, bond, "register", papers=False) == PAPERS_FIRST
    # Only the issuer files its board's resolution; the underwriter cannot stand in for it.
    with pytest.raises(UploadRefused):
        upload(bond, "board_resolution", uw.officer1)
    upload(bond, "board_resolution", uw.issuer_officer)
    advance_bond(uw, bond, "register", papers=False)
    assert bond.status == "registered"


def test_the_resolution_alone_is_not_enough(world, underwriters):
    uw = underwriters
    bond = plan(uw)
    upload(bond, "board_resolution", uw.issuer_officer)
    assert refused_bond(uw, bond, "register", papers=False) == PAPERS_FIRST


def test_registration_number_and_date(world, underwriters):
    uw = underwriters
    today = business_today()
    bond = plan(uw)
    assert refused_bond(uw, bond, "register",
                        data={"registered_on": today + timedelta(days=1)}) == NUMBER_AND_DATE
    assert refused_bond(uw, bond, "register", data={"registration_no": "  "}) == NUMBER_AND_DATE
    assert refused_bond(uw, bond, "register", data={"registered_on": None}) == NUMBER_AND_DATE
    advance_bond(uw, bond, "register", data={"registration_no": " 中市协注〔2026〕TF1号 ",
                                             "registered_on": today})
    bond = fresh(BondIssue, bond.id)
    assert (bond.status, bond.registration_no, bond.registered_on) == (
        "registered", "中市协注〔2026〕TF1号", today)
    assert _stages(bond) == ["registration"]


def test_a_registration_number_belongs_to_one_bond(world, underwriters):
    uw = underwriters
    first = bond_in(uw, "registered")
    other = plan(uw, underwriter=uw.underwriter2)
    assert refused_bond(uw, other, "register",
                        data={"registration_no": first.registration_no}) == (
        f"Another bond has the registration number {first.registration_no}.")


def test_only_the_bonds_own_officer_registers_it(world, underwriters):
    uw = underwriters
    bond = plan(uw)
    assert refused_bond(uw, bond, "register", actor=uw.approver1,
                        error=engine.Forbidden) == ROLE
    assert refused_bond(uw, bond, "register", actor=uw.officer2,
                        error=engine.Forbidden) == "You cannot see this application."


# The issue and its terms -------------------------------------------------------------------


def test_the_issue_needs_the_prospectus_and_the_announcement(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "registered")
    assert refused_bond(uw, bond, "issue", papers=False) == ISSUE_PAPERS
    upload(bond, "prospectus", uw.officer1)
    assert refused_bond(uw, bond, "issue", papers=False) == ISSUE_PAPERS
    upload(bond, "issue_announcement", uw.officer1)
    advance_bond(uw, bond, "issue", papers=False)
    assert bond.status == "issued"


@pytest.mark.parametrize("terms", [{"size_fen": 0}, {"size_fen": -1}, {"size_fen": None},
                                   {"coupon_bp": 0}, {"coupon_bp": -5}, {"coupon_bp": None}])
def test_the_issue_needs_a_size_and_a_coupon(world, underwriters, terms):
    uw = underwriters
    bond = bond_in(uw, "registered")
    assert refused_bond(uw, bond, "issue", data=terms) == SIZE_AND_COUPON


@pytest.mark.parametrize("terms", [{"term_months": 18}, {"term_months": 0},
                                   {"term_months": None}, {"coupon_months": 4},
                                   {"coupon_months": 1}, {"coupon_months": None}])
def test_the_issue_needs_a_term_and_coupons_within_it(world, underwriters, terms):
    uw = underwriters
    bond = bond_in(uw, "registered")
    assert refused_bond(uw, bond, "issue", data=terms) == TERM_AND_COUPONS


def test_the_issue_records_the_terms_its_maturity_and_coupons(world, underwriters):
    uw = underwriters
    today = business_today()
    bond = bond_in(uw, "issued", size_fen=50_000_000_00, coupon_bp=295, term_months=24,
                   coupon_months=6)
    bond = fresh(BondIssue, bond.id)
    assert (bond.size_fen, bond.coupon_bp, bond.term_months, bond.coupon_months,
            bond.issued_on, bond.allocated_fen, bond.headroom_fen) == (
        50_000_000_00, 295, 24, 6, today, 0, 50_000_000_00)
    assert bond.amount_fen == 50_000_000_00
    assert bond.matures_on == today + relativedelta(months=24)
    assert bond.coupon_dates() == [today + relativedelta(months=m) for m in (6, 12, 18, 24)]
    assert bond.code == f"T{bond.id:07d}"
    assert _stages(bond) == ["registration", "issue_terms"]


def test_a_bonds_code_belongs_to_one_bond(world, underwriters):
    uw = underwriters
    first = bond_in(uw, "issued")
    bond = bond_in(uw, "registered")
    assert refused_bond(uw, bond, "issue", data={"code": first.code}) == CODE
    assert refused_bond(uw, bond, "issue", data={"code": " "}) == CODE
    advance_bond(uw, bond, "issue", data={"code": f" {first.code}-2 "})
    assert fresh(BondIssue, bond.id).code == f"{first.code}-2"


def test_the_issue_is_dated_on_or_after_the_registration_and_not_after_today(world,
                                                                            underwriters):
    uw = underwriters
    today = business_today()
    registered = today - timedelta(days=95)
    bond = plan(uw)
    advance_bond(uw, bond, "register", data={"registered_on": registered})
    told = (f"The bond is issued on or after its registration ({registered.isoformat()}), "
            "not after today.")
    assert refused_bond(uw, bond, "issue",
                        data={"issued_on": registered - timedelta(days=1)}) == told
    assert refused_bond(uw, bond, "issue",
                        data={"issued_on": today + timedelta(days=1)}) == told
    assert refused_bond(uw, bond, "issue", data={"issued_on": None}) == told
    advance_bond(uw, bond, "issue", data={"issued_on": registered})
    assert fresh(BondIssue, bond.id).issued_on == registered


def test_only_the_approver_records_the_issue(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "registered")
    assert refused_bond(uw, bond, "issue", actor=uw.officer1, error=engine.Forbidden) == ROLE
    advance_bond(uw, bond, "issue", actor=uw.approver1b)
    assert bond.status == "issued"


# Allocations open and close ----------------------------------------------------------------


def test_the_officer_opens_the_allocations(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "issued")
    assert refused_bond(uw, bond, "open_allocation", actor=uw.approver1,
                        error=engine.Forbidden) == ROLE
    advance_bond(uw, bond, "open_allocation")
    assert bond.status == "allocating"


def test_an_allocation_is_asked_only_of_a_bond_open_for_it(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "issued")
    application = draft(world, uw, bond)
    assert refused(world, uw, application, "submit") == (
        f"The bond {bond.name} no longer takes applications for allocations.")
    advance_bond(uw, bond, "open_allocation")
    advance(world, uw, application, "submit")
    assert application.status == "park_review"


@pytest.mark.parametrize("state", UNDECIDED)
def test_the_allocations_close_only_once_every_application_is_decided(world, underwriters,
                                                                      state):
    uw = underwriters
    bond = bond_in(uw, "allocating")
    waiting = allocation_in(world, uw, state, bond=bond)
    allocation_in(world, uw, "allocated", bond=bond, founder=world.founder2)
    assert refused_bond(uw, bond, "close_allocation") == (
        "1 application for this bond is still being decided; decide it first.")
    # Decided: declined by the underwriter, rejected by the park, or withdrawn.
    if state in ("credit_review", "allocation_approval"):
        advance(world, uw, waiting, "decline")
    elif state == "park_review":
        advance(world, uw, waiting, "park_reject")
    else:
        advance(world, uw, waiting, "withdraw")
    advance_bond(uw, bond, "close_allocation")
    assert bond.status == "servicing"
    assert _stages(bond)[-1] == "allocation_result"


def test_drafts_do_not_hold_the_close_and_cannot_be_submitted_after_it(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating")
    application = draft(world, uw, bond)
    assert refused_bond(uw, bond, "close_allocation", actor=uw.officer1,
                        error=engine.Forbidden) == ROLE
    advance_bond(uw, bond, "close_allocation")
    assert refused(world, uw, application, "submit") == (
        f"The bond {bond.name} no longer takes applications for allocations.")


def test_the_allocation_result_counts_the_allocations_by_state(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating")
    allocation_in(world, uw, "allocated", bond=bond, amount_fen=2_000_000_00)
    allocation_in(world, uw, "declined", bond=bond, founder=world.founder2)
    advance_bond(uw, bond, "close_allocation")
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == bond.id, Dossier.stage == "allocation_result")).one()
    assert dossier.summary["allocations"] == [
        {"status": "allocated", "count": 1, "allocated_fen": 2_000_000_00},
        {"status": "declined", "count": 1, "allocated_fen": 0}]
    assert (dossier.summary["bond"]["allocated_fen"],
            dossier.summary["bond"]["headroom_fen"]) == (2_000_000_00, 198_000_000_00)


# Redemption --------------------------------------------------------------------------------


def test_redeemed_only_at_maturity(world, underwriters):
    uw = underwriters
    today = business_today()
    # Issued a term ago less a day: it matures tomorrow.
    bond = bond_in(uw, "servicing",
                   issued_on=today - relativedelta(months=36) + timedelta(days=1))
    matures = fresh(BondIssue, bond.id).matures_on
    assert matures > today
    assert refused_bond(uw, bond, "redeem") == f"The bond matures on {matures.isoformat()}."
    # The same bond a day later has matured.
    advance_bond(uw, bond, "redeem", papers=False, today=matures)
    bond = fresh(BondIssue, bond.id)
    assert (bond.status, bond.redeemed_on) == ("redeemed", matures)


def test_redeemed_on_its_maturity_day_with_the_notice(world, underwriters):
    uw = underwriters
    today = business_today()
    bond = bond_in(uw, "servicing", issued_on=today - relativedelta(months=36))
    assert fresh(BondIssue, bond.id).matures_on <= today
    assert refused_bond(uw, bond, "redeem", papers=False) == "Upload the redemption notice first."
    assert refused_bond(uw, bond, "redeem", actor=uw.approver1, error=engine.Forbidden) == ROLE
    advance_bond(uw, bond, "redeem", papers=False)
    bond = fresh(BondIssue, bond.id)
    assert (bond.status, bond.redeemed_on) == ("redeemed", today)
    assert _stages(bond) == ["registration", "issue_terms", "allocation_result", "redemption"]


def test_a_bond_open_for_allocations_is_not_redeemed(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "allocating", issued_on=business_today() - relativedelta(months=40))
    assert refused_bond(uw, bond, "redeem", papers=False, error=engine.Conflict) == WRONG_STATE


# Cancellation ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["planned", "registered"])
def test_a_bond_not_yet_issued_is_cancelled_with_a_reason(world, underwriters, state):
    uw = underwriters
    bond = bond_in(uw, state)
    assert refused_bond(uw, bond, "cancel", comment=" ") == "Please give a reason."
    assert refused_bond(uw, bond, "cancel", actor=uw.officer1, error=engine.Forbidden) == ROLE
    advance_bond(uw, bond, "cancel")
    assert fresh(BondIssue, bond.id).status == "cancelled"


@pytest.mark.parametrize("state", ["issued", "allocating", "servicing", "redeemed"])
def test_an_issued_bond_is_not_cancelled(world, underwriters, state):
    uw = underwriters
    bond = bond_in(uw, state)
    assert refused_bond(uw, bond, "cancel", error=engine.Conflict) == WRONG_STATE


def test_a_cancelled_bond_goes_no_further(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "cancelled")
    for trigger in ("register", "issue", "open_allocation"):
        assert refused_bond(uw, bond, trigger, papers=False,
                            error=engine.Conflict) == WRONG_STATE


def test_every_step_is_logged_with_its_actor(world, underwriters):
    uw = underwriters
    bond = bond_in(uw, "redeemed")
    history = sorted((log.id, log.trigger, log.actor_id) for log in logs(bond))
    assert [entry[1:] for entry in history] == [
        ("register", uw.officer1.id), ("issue", uw.approver1.id),
        ("open_allocation", uw.officer1.id), ("close_allocation", uw.approver1.id),
        ("redeem", uw.officer1.id)]
