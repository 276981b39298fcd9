"""The money of an allocation: the on-lending contract is recorded once uploaded, numbered
and dated not after today; the money paid out is the allocation exactly, on or after the
contract's day and not after today, with its voucher; the loan repaid in full (not before
it was paid out) closes the allocation, which then no longer counts toward the firm's and
the talent's outstanding caps."""

from datetime import timedelta

import pytest
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.services.uploads import UploadRefused
from talentfin.workflows import engine
from talentfin.workflows.bond.models import BondAllocation
from tests import factories
from tests.bond.factories import advance
from tests.bond.factories import allocation_in
from tests.bond.factories import fresh
from tests.bond.factories import refused
from tests.bond.factories import set_parameter
from tests.bond.factories import upload

CONTRACT_FIRST = "Upload the signed on-lending contract first."
CONTRACT_DATA = "Enter the contract's number and the day it was signed (not after today)."
VOUCHER_FIRST = "Upload the disbursement voucher first."
WRONG_STATE = "This cannot be done while the application is in its present state."


def _paid_out_told(day) -> str:
    return (f"Enter the day paid out: not before the contract ({day.isoformat()}), not after "
            "today.")


def test_the_contract_needs_its_upload(world, underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "allocated")
    assert refused(world, uw, application, "sign_contract", papers=False) == CONTRACT_FIRST
    # The founder does not file the underwriter's contract.
    with pytest.raises(UploadRefused):
        upload(application, "onlending_contract", world.founder)
    assert refused(world, uw, application, "sign_contract", papers=False) == CONTRACT_FIRST
    upload(application, "onlending_contract", uw.officer1)
    advance(world, uw, application, "sign_contract", papers=False)
    assert application.status == "contracted"


def test_the_contract_is_numbered_and_dated_not_after_today(world, underwriters):
    uw = underwriters
    today = business_today()
    application = allocation_in(world, uw, "allocated")
    for data in ({"contract_no": " "}, {"contract_no": None},
                 {"signed_on": today + timedelta(days=1)}, {"signed_on": None}):
        assert refused(world, uw, application, "sign_contract", data=data) == CONTRACT_DATA
    assert refused(world, uw, application, "sign_contract", actor=uw.approver1,
                   error=engine.Forbidden) == "Your role may not do this."
    advance(world, uw, application, "sign_contract",
            data={"contract_no": " WTDK-2026-001 ", "signed_on": today})
    application = fresh(BondAllocation, application.id)
    assert (application.contract_no, application.contract_signed_on) == ("WTDK-2026-001",
                                                                          today)


def test_no_money_before_the_contract(world, underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "allocated")
    assert refused(world, uw, application, "disburse", error=engine.Conflict,
                   papers=False) == WRONG_STATE


def test_the_money_paid_out_is_the_allocation(world, underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "contracted", amount_fen=1_500_000_00)
    assert refused(world, uw, application, "disburse", papers=False) == VOUCHER_FIRST
    told = "The amount paid out is the allocation, 1,500,000.00 yuan."
    for amount in (1_500_000_00 - 1, 1_500_000_00 + 1, 0, None):
        assert refused(world, uw, application, "disburse", data={"amount_fen": amount}) == told
    advance(world, uw, application, "disburse", data={"amount_fen": 1_500_000_00})
    application = fresh(BondAllocation, application.id)
    assert (application.status, application.disbursed_amount_fen, application.amount_fen) == (
        "disbursed", 1_500_000_00, 1_500_000_00)


def test_the_money_is_paid_out_on_or_after_the_contracts_day(world, underwriters):
    uw = underwriters
    today = business_today()
    signed = today - timedelta(days=10)
    application = allocation_in(world, uw, "allocated")
    advance(world, uw, application, "sign_contract", data={"signed_on": signed})
    told = _paid_out_told(signed)
    for day in (signed - timedelta(days=1), today + timedelta(days=1), None):
        assert refused(world, uw, application, "disburse", data={"disbursed_on": day}) == told
    advance(world, uw, application, "disburse", data={"disbursed_on": signed})
    assert fresh(BondAllocation, application.id).disbursed_on == signed


def _loan_submitted(world, amount_fen: int) -> str | None:
    loan = factories.draft(world, amount_fen=amount_fen)
    try:
        with force_locale("en"):
            factories.advance(world, loan, "submit")
    except engine.Refused as refusal:
        return refusal.message
    return None


def test_repaid_it_no_longer_counts_toward_the_caps(world, underwriters):
    uw = underwriters
    set_parameter("cap_per_firm_fen", str(3_000_000_00))
    application = allocation_in(world, uw, "disbursed", amount_fen=2_000_000_00)
    assert _loan_submitted(world, 1_000_000_00 + 1) == (
        "The firm's outstanding talent loans would exceed 3,000,000.00 yuan.")
    advance(world, uw, application, "record_repayment",
            data={"principal_fen": 1_500_000_00, "interest_fen": 0})
    # Repaying, it counts as before (the loans' caps count the amount lent, as for loans).
    assert _loan_submitted(world, 1_000_000_00 + 1) is not None
    advance(world, uw, application, "record_repayment",
            data={"principal_fen": 500_000_00, "interest_fen": 0,
                  "due_on": business_today() + timedelta(days=1)})
    advance(world, uw, application, "record_repaid")
    assert fresh(BondAllocation, application.id).status == "closed"
    assert _loan_submitted(world, 3_000_000_00) is None


def test_the_whole_path_by_its_actors(world, underwriters):
    uw = underwriters
    application = allocation_in(world, uw, "closed", amount_fen=2_000_000_00)
    application = fresh(BondAllocation, application.id)
    assert (application.allocated_fen, application.disbursed_amount_fen,
            application.onlending_rate_bp, application.term_months) == (
        2_000_000_00, 2_000_000_00, 420, 24)
    assert application.contract_no == f"WTDK-{application.id:06d}"
    assert application.recommended_by_id == uw.officer1.id
