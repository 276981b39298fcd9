"""Claims at their boundaries, as the founder and the insurer read them: the loss inside
the policy's period and not in the future, within the cover left; a guarantee claim once the
loan is non-performing, the insurer's share of the assessed loss; the payment of exactly the
amount agreed, between the agreement and today."""

from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import update

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.workflows import engine
from talentfin.workflows.insurance.models import InsuranceClaim
from tests import factories
from tests.insurance.factories import policy_in
from tests.insurance.factories import upload_claim_papers
from tests.insurance.helpers import day
from tests.insurance.helpers import done
from tests.insurance.helpers import guaranteed
from tests.insurance.helpers import refused
from tests.insurance.helpers import set_parameter
from tests.insurance.helpers import stage_upload
from tests.insurance.helpers import text
from tests.insurance.helpers import to_npl
from tests.web import fresh
from tests.web import login
from tests.web import switch_to


def _claim() -> InsuranceClaim:
    db.session.expire_all()
    return db.session.scalars(select(InsuranceClaim).order_by(InsuranceClaim.id.desc())).first()


@pytest.mark.parametrize(("loss", "ok"), [(-11, False), (-10, True), (0, True)])
def test_the_loss_lies_in_the_policys_period(client, auth, world, insurers, loss, ok):
    policy = policy_in(world, insurers, "premium_paid", started_days_ago=10)
    login(auth, world.founder)
    fields = {"loss_on": day(loss), "claimed": "100,000", "comment": "样机损毁"}
    if ok:
        done(client, policy.id, "notify_claim", **fields)
        assert (_claim().loss_on, fresh(policy.id).status) == (
            business_today() + timedelta(days=loss), "claim_notified")
        return
    page = refused(client, policy.id, "notify_claim", **fields)
    assert (f"The loss must lie in the policy's period ({day(-10)} to "
            f"{fresh(policy.id).ends_on.isoformat()}) and not after today.") in page


def test_a_loss_after_the_period_or_in_the_future_is_refused(client, auth, world, insurers):
    policy = policy_in(world, insurers, "premium_paid", started_days_ago=10)
    login(auth, world.founder)
    page = refused(client, policy.id, "notify_claim", loss_on=day(1), claimed="1", comment="x")
    assert "This date cannot be in the future." in page
    factories.set_columns(policy, ends_on=business_today() - timedelta(days=2))
    page = refused(client, policy.id, "notify_claim", loss_on=day(-1), claimed="1", comment="x")
    assert f"({day(-10)} to {day(-2)}) and not after today." in page
    assert _claim() is None


def test_a_claim_is_at_most_the_cover_left(client, auth, world, insurers):
    policy = policy_in(world, insurers, "claim_paid")  # 500,000 of 5,000,000 paid
    login(auth, world.founder)
    page = refused(client, policy.id, "notify_claim", loss_on=day(), claimed="4,500,000.01",
                   comment="二次损失")
    assert "The amount claimed is over the cover left (4,500,000.00 yuan)." in page
    done(client, policy.id, "notify_claim", loss_on=day(), claimed="4,500,000",
         comment="二次损失")
    assert _claim().claimed_fen == 4_500_000_00


def test_a_guarantee_claim_waits_for_the_loan_to_be_non_performing(client, auth, world,
                                                                   insurers):
    loan, policy = guaranteed(world, insurers, "premium_paid")
    login(auth, insurers.underwriter1)
    fields = {"loss_on": day(), "claimed": "1,000,000", "comment": "借款人逾期"}
    page = refused(client, policy.id, "notify_claim", **fields)
    assert (f"A guarantee claim is made once the loan is non-performing; the loan "
            f"{loan.reference} is “Filed with the pool (covered)”.") in page
    to_npl(world, loan)
    done(client, policy.id, "notify_claim", **fields)
    assert fresh(policy.id).status == "claim_notified"


def _adjusting_guarantee(world, insurers, claimed_fen: int = 1_000_000_00):
    loan, policy = guaranteed(world, insurers, "premium_paid")
    to_npl(world, loan)
    engine.fire(policy, "notify_claim", insurers.underwriter1, comment="借款人违约",
                data={"loss_on": business_today(), "claimed_fen": claimed_fen})
    upload_claim_papers(policy, insurers.underwriter1)
    engine.fire(policy, "start_adjusting", insurers.underwriter1, comment="材料齐全")
    return loan, policy


@pytest.mark.parametrize(("share_bp", "sum_insured", "agreed"), [
    ("8000", None, 800_000_00), ("5000", None, 500_000_00), ("8000", 700_000_00, 700_000_00)])
def test_a_guarantee_agrees_the_insurers_share_within_the_cover_left(
        client, auth, world, insurers, share_bp, sum_insured, agreed):
    set_parameter("guarantee_insurer_share_bp", share_bp)
    _loan, policy = _adjusting_guarantee(world, insurers)
    if sum_insured:
        factories.set_columns(policy, sum_insured_fen=sum_insured)
    login(auth, insurers.approver1)
    page = text(client.get(f"/applications/{policy.id}"))
    assert (f"The insurer's share of the loan's outstanding principal (1,000,000.00 yuan) is "
            f"{agreed // 100:,}.00 yuan, within the cover left.") in page
    page = refused(client, policy.id, "agree_claim", assessed_loss="1,000,000.01")
    assert ("The assessed loss must be positive and at most the loan's outstanding principal "
            "of 1,000,000.00 yuan.") in page
    done(client, policy.id, "agree_claim", assessed_loss="1,000,000", comment="属实")
    claim = _claim()
    assert (claim.status, claim.assessed_loss_fen, claim.agreed_fen) == (
        "agreed", 1_000_000_00, agreed)


def test_a_guarantee_agreement_is_at_most_the_amount_claimed(client, auth, world, insurers):
    _loan, policy = _adjusting_guarantee(world, insurers, claimed_fen=300_000_00)
    login(auth, insurers.approver1)
    page = text(client.get(f"/applications/{policy.id}"))
    assert "(1,000,000.00 yuan) is 300,000.00 yuan, within the cover left." in page
    done(client, policy.id, "agree_claim", assessed_loss="1,000,000", comment="属实")
    assert (_claim().assessed_loss_fen, _claim().agreed_fen) == (1_000_000_00, 300_000_00)


def test_a_denial_gives_its_reason(client, auth, world, insurers):
    policy = policy_in(world, insurers, "claim_adjusting")
    login(auth, insurers.approver1)
    assert "Please give a reason." in refused(client, policy.id, "deny_claim")
    done(client, policy.id, "deny_claim", comment="除外责任")
    assert (_claim().status, fresh(policy.id).status) == ("denied", "claim_denied")


@pytest.mark.parametrize(("amount", "paid", "message"), [
    ("499,999.99", 0, "Pay the amount agreed: 500,000.00 yuan."),
    ("500,000.01", 0, "Pay the amount agreed: 500,000.00 yuan."),
    ("500,000", -1, "The payment is made between the agreement and today."),
    ("500,000", 1, "This date cannot be in the future.")])
def test_the_payment_is_the_amount_agreed_between_the_agreement_and_today(
        client, auth, world, insurers, amount, paid, message):
    policy = policy_in(world, insurers, "claim_agreed")  # 500,000 agreed today
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "pay_claim", amount=amount, paid_on=day(paid))
    assert message in page
    done(client, policy.id, "pay_claim", amount="500,000", paid_on=day())
    assert (_claim().paid_fen, fresh(policy.id).status) == (500_000_00, "claim_paid")


def test_a_payment_is_not_dated_before_an_early_morning_agreement(client, auth, world,
                                                                   insurers):
    policy = policy_in(world, insurers, "claim_agreed")
    # Agreed at 07:30 in Qingdao today: 23:30 UTC the day before.
    agreed_at = datetime.combine(business_today(), time(0, 0)) - timedelta(minutes=30)
    db.session.execute(update(InsuranceClaim).values(decided_at=agreed_at))
    db.session.commit()
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "pay_claim", amount="500,000", paid_on=day(-1))
    assert "The payment is made between the agreement and today." in page
    done(client, policy.id, "pay_claim", amount="500,000", paid_on=day())


PAPERS = "The claim's papers are not complete: "


def test_adjusting_starts_only_with_the_claim_papers(client, auth, world, insurers):
    policy = policy_in(world, insurers, "claim_notified")
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "start_adjusting", comment="开始核定")
    assert f"{PAPERS}Claim form (索赔申请书), Evidence of the loss." in page
    assert stage_upload(client, policy.id, "claim_form").status_code == 302
    page = refused(client, policy.id, "start_adjusting", comment="开始核定")
    assert f"{PAPERS}Evidence of the loss." in page
    switch_to(auth, world.founder)  # the founder files papers too
    assert stage_upload(client, policy.id, "loss_evidence").status_code == 302
    switch_to(auth, insurers.underwriter1)
    done(client, policy.id, "start_adjusting", comment="开始核定")
    assert (fresh(policy.id).status, _claim().status) == ("claim_adjusting", "adjusting")


def test_a_new_claim_needs_its_own_papers(client, auth, world, insurers):
    policy = policy_in(world, insurers, "claim_paid")  # its claim's papers are on file
    login(auth, world.founder)
    done(client, policy.id, "notify_claim", loss_on=day(), claimed="100,000", comment="二次")
    switch_to(auth, insurers.underwriter1)
    page = refused(client, policy.id, "start_adjusting", comment="开始核定")
    assert f"{PAPERS}Claim form (索赔申请书), Evidence of the loss." in page
