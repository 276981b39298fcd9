"""Compensation claims: the ratio, every cap at its boundary, the funders' split, no double pay."""

import html
import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.pool import ledger
from talentfin.pool.models import Claim
from talentfin.pool.models import LedgerEntry
from talentfin.services.outbox import run_pending
from talentfin.workflows import engine
from tests import factories
from tests.factories import upload_claim_documents
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import text

LOSS = 100_000_000  # the factories' loans are 1,000,000 yuan, all outstanding when lodged


def _policy(key: str, value: int) -> None:
    db.session.add(PolicyParameter(key=key, value=str(value), effective_from=business_today()))
    db.session.commit()


def _claim(application) -> Claim:
    db.session.expire_all()
    return db.session.scalar(select(Claim).where(Claim.application_id == application.id))


def test_the_whole_claim_through_the_web(client, auth, world):
    city, district = factories.fund_pool(world)
    loan = factories.loan_in(world, "claim_review")
    login(auth, world.pool_admin)
    assert fire(client, loan.id, "assess_claim").status_code == 302
    assert "750,000.00" in text(client.get(f"/applications/{loan.id}"))  # 70 % + 5 points
    auth.logout()
    login(auth, world.committee)
    assert fire(client, loan.id, "approve_compensation", comment="同意").status_code == 302
    assert fresh(loan.id).status == "compensated"
    assert _claim(loan).payout_fen == 75_000_000
    assert ledger.funder_balances() == {city.id: 6_000_000_000 - 45_000_000,
                                        district.id: 4_000_000_000 - 30_000_000}
    run_pending()
    stages = set(db.session.scalars(select(Dossier.stage).where(Dossier.status == "ready")))
    assert {"claim_form", "compensation_decision"} <= stages


def test_claim_needs_every_document(world):
    loan = factories.loan_in(world, "npl")
    with pytest.raises(engine.Refused, match="诉讼|Litigation"):
        engine.fire(loan, "lodge_claim", world.officer1, data={"loss_fen": LOSS, "other_fen": 0})


def test_the_80_percent_ceiling_counts_the_insurance_payout(world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "npl")

    upload_claim_documents(loan, world.officer1, DEMO_PDF)
    engine.fire(loan, "lodge_claim", world.officer1,
                data={"loss_fen": LOSS, "other_fen": 10_000_000})  # insurer paid 10 %
    engine.fire(loan, "assess_claim", world.pool_admin)
    assert _claim(loan).payout_fen == 70_000_000  # 80 % - 10 %, not 75 %
    assert ["ceiling", {"ceiling_bp": 8000}] in json.loads(_claim(loan).calculation)


def test_the_bank_annual_cap(world):
    factories.fund_pool(world)
    _policy("bank_annual_cap_fen", 60_000_000)
    loan = factories.loan_in(world, "compensated")
    assert _claim(loan).payout_fen == 60_000_000
    assert ["annual_cap", {"room_fen": 60_000_000}] in json.loads(_claim(loan).calculation)


def _payout_entries(loan) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == "compensation_payout", LedgerEntry.application_id == loan.id))


def test_a_claim_the_used_up_annual_cap_leaves_nothing_for_is_rejected_not_paid(
        client, auth, world):
    factories.fund_pool(world)
    _policy("bank_annual_cap_fen", 60_000_000)
    first = factories.loan_in(world, "committee_review")
    second = factories.loan_in(world, "committee_review")  # assessed while the cap had room
    assert _claim(second).payout_fen == 60_000_000
    engine.fire(first, "approve_compensation", world.committee, comment="同意")
    balance = ledger.pool_balance()

    login(auth, world.committee)
    refused = fire(client, second.id, "approve_compensation", comment="同意")
    assert refused.status_code == 422
    assert ("Nothing can be paid on this claim: the bank's annual compensation cap of "
            "600,000.00 yuan is used up for this year (600,000.00 yuan paid). Reject it") \
        in html.unescape(text(refused))
    assert fresh(second.id).status == "committee_review"
    assert _claim(second).status == "committee"
    assert _payout_entries(second) == 0 and ledger.pool_balance() == balance
    assert fire(client, second.id, "reject_compensation",
                comment="本年度补偿上限已用完").status_code == 302
    assert fresh(second.id).status == "npl" and _claim(second).status == "rejected"
    assert _payout_entries(second) == 0 and ledger.pool_balance() == balance
    run_pending()
    decisions = db.session.scalars(select(Dossier).where(
        Dossier.application_id == second.id, Dossier.stage == "compensation_decision")).all()
    assert len(decisions) == 1  # the rejection's, no payment voucher


def test_a_loss_other_schemes_paid_80_percent_of_goes_back_to_the_bank(client, auth, world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "npl")

    upload_claim_documents(loan, world.officer1, DEMO_PDF)
    engine.fire(loan, "lodge_claim", world.officer1,
                data={"loss_fen": LOSS, "other_fen": 90_000_000})  # 900,000 of 1,000,000
    login(auth, world.pool_admin)
    refused = fire(client, loan.id, "assess_claim", comment="")
    assert refused.status_code == 422
    assert ("Nothing can be paid on this claim: the 900,000.00 yuan already paid on this loss "
            "by insurance or other public schemes reaches the ceiling of 80.00% of the loss "
            "(800,000.00 yuan)") in text(refused)
    assert "Return it to the bank" in text(refused)
    assert fresh(loan.id).status == "claim_review" and _claim(loan).status == "lodged"
    assert fire(client, loan.id, "return_claim", comment="其他补偿已达80%上限").status_code == 302
    assert fresh(loan.id).status == "npl" and _claim(loan).status == "returned"
    assert _payout_entries(loan) == 0


def test_one_fen_short_of_the_ceiling_is_still_paid(world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "npl")

    upload_claim_documents(loan, world.officer1, DEMO_PDF)
    engine.fire(loan, "lodge_claim", world.officer1,
                data={"loss_fen": LOSS, "other_fen": LOSS * 8 // 10 - 1})
    engine.fire(loan, "assess_claim", world.pool_admin)
    engine.fire(loan, "approve_compensation", world.committee, comment="同意")
    assert _claim(loan).payout_fen == 1 and fresh(loan.id).status == "compensated"
    assert _payout_entries(loan) == 1


def test_losses_beyond_the_npl_band_are_not_compensated(world):
    factories.fund_pool(world)
    # Bank 1 covers four loans; two go bad: 2 of 4 million = 50 % NPL, far above 5 %.
    performing = [factories.loan_in(world, "covered") for _ in range(2)]
    first_bad = factories.loan_in(world, "npl")
    assert len(performing) == 2
    _policy("npl_band_bp", 3000)  # a 30 % band: 1.2 of the 4 million fit inside
    _policy("suspension_balance_fen", 100_000_000)  # the band applies above 1,000,000
    second_bad = factories.loan_in(world, "committee_review")
    claim = _claim(second_bad)
    # NPL 2,000,000 of covered 4,000,000; band 1,200,000; this loss 1,000,000 of which
    # 200,000 lies inside the band (the other bad loan takes the first 1,000,000).
    assert claim.payout_fen == 20_000_000 * 75 // 100
    assert ["band", {"compensable_fen": 20_000_000}] in json.loads(claim.calculation)
    assert fresh(first_bad.id).status == "npl"


def test_a_loss_is_never_paid_twice(world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "compensated")
    with pytest.raises(engine.Conflict):
        engine.fire(loan, "lodge_claim", world.officer1, data={"loss_fen": LOSS, "other_fen": 0})
    payouts = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "compensation_payout", LedgerEntry.application_id == loan.id)).all()
    assert len(payouts) == 1


def test_a_pool_without_money_refuses_and_keeps_the_claim(world):
    factories.fund_pool(world, amount_fen=10_000_000)  # 100,000 yuan only
    loan = factories.loan_in(world, "committee_review")
    with pytest.raises(engine.Refused):
        engine.fire(loan, "approve_compensation", world.committee)
    assert fresh(loan.id).status == "committee_review"
    assert _claim(loan).status == "committee"
    assert ledger.pool_balance() == 10_000_000


def test_recoveries_return_pro_rata_and_clawback_restores_the_funders(world):
    city, district = factories.fund_pool(world)
    loan = factories.loan_in(world, "in_recovery")  # recovered 20 %, costs 2 % of the loss
    paid = 75_000_000
    net = LOSS // 5 - LOSS // 50
    returned = net * paid // LOSS
    balances = ledger.funder_balances()
    assert balances[city.id] + balances[district.id] == 10_000_000_000 - paid + returned
    engine.fire(loan, "claw_back", world.committee, comment="伪造还款记录")
    assert ledger.funder_balances() == {city.id: 6_000_000_000, district.id: 4_000_000_000}
    assert db.session.get(Organisation, world.bank1.id).standing == "terminated"


def test_the_limits_read_in_the_readers_language(client, auth, world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "committee_review")
    login(auth, world.committee)
    page = text(client.get(f"/applications/{loan.id}"))
    assert "75.00% of the loss" in page
    client.post("/language", data={"lang": "zh"})
    assert "75.00%" in text(client.get(f"/applications/{loan.id}"))
    assert "of the loss" not in text(client.get(f"/applications/{loan.id}"))


def test_the_bonus_is_for_a_first_loan_or_a_pure_credit_loan(world):


    factories.fund_pool(world)
    first = factories.loan_in(world, "claim_review")
    second = factories.loan_in(world, "claim_review")
    pure = factories.loan_in(world, "claim_review")
    for secured in (first, second):  # e.g. guaranteed by an insurer
        factories.set_columns(secured, security="guarantee")
    for loan in (first, second, pure):
        engine.fire(db.session.get(Application, loan.id), "assess_claim", world.pool_admin)
    assert _claim(first).ratio_bp == 7500  # the firm's first loan
    assert _claim(second).ratio_bp == 7000  # neither first nor pure credit
    assert _claim(pure).ratio_bp == 7500  # pure credit
