"""What a careful (or careless) user found walking 人才险 in the browser, each now a rule:
a policy number is used once, a policy is never dated back, a loss in a year whose premium
is unpaid is not covered, a quote keeps only its cover's fields, a subsidy under review
gives way to a claim, a guarantee ends with its loan, and the insurer's share reduces the
pool's base."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.jobs import fire_scheduled
from talentfin.models.base import utcnow
from talentfin.pool import compensation
from talentfin.workflows.insurance.models import PremiumPayment
from tests import factories
from tests.insurance.factories import policy_in
from tests.insurance.helpers import day
from tests.insurance.helpers import done
from tests.insurance.helpers import refused
from tests.insurance.helpers import text
from tests.web import fresh
from tests.web import login


def test_a_policy_number_is_used_once(client, auth, world, insurers):
    first = policy_in(world, insurers, "bound")
    second = policy_in(world, insurers, "accepted")
    login(auth, insurers.underwriter1)
    page = refused(client, second.id, "bind", policy_no=fresh(first.id).policy_no,
                   starts_on=day())
    assert f"The policy number {fresh(first.id).policy_no} is already used" in page
    assert fresh(second.id).status == "accepted"


def test_a_loss_in_a_policy_year_whose_premium_is_unpaid_is_not_covered(client, auth, world,
                                                                        insurers):
    policy = policy_in(world, insurers, "premium_paid", period=24)  # year 1 paid
    starts = business_today() - relativedelta(years=1) - timedelta(days=5)
    factories.set_columns(policy, starts_on=starts,
                          ends_on=starts + relativedelta(months=24) - timedelta(days=1))
    login(auth, world.founder)
    page = refused(client, policy.id, "notify_claim", loss_on=day(-1), claimed="10,000",
                   comment="损失")
    assert ("The premium of policy year 2, in which the loss fell, is not paid: that year is "
            "not covered.") in page
    done(client, policy.id, "notify_claim", loss_on=day(-10), claimed="10,000", comment="损失")


def test_a_premium_past_its_grace_is_refused(client, auth, world, insurers):
    policy = policy_in(world, insurers, "bound", started_days_ago=31)
    login(auth, world.founder)
    page = refused(client, policy.id, "pay_premium", amount="75,000", paid_on=day(),
                   invoice_no="FP1")
    assert "was not paid within its days of grace: the policy has lapsed." in page
    assert fire_scheduled("lapse_unpaid_policies", business_today()) == 1


def test_a_quote_keeps_only_its_covers_fields(client, auth, world, insurers):
    policy = policy_in(world, insurers, "draft", cover="key_person")
    login(auth, world.founder)
    response = client.post(f"/applications/{policy.id}/edit/request", data={
        "partner_org_id": str(insurers.insurer1.id), "cover": "rd_loss", "loan_id": "0",
        "requested_amount": "800,000", "requested_period_months": "12",
        "project_name": "样机", "insured_name": "王五", "insured_id_number":
        "370212198808080012", "insured_position": "CTO", "purpose": "研发样机的损失保障。"})
    assert response.status_code == 302
    quote = fresh(policy.id)
    assert (quote.cover, quote.project_name, quote.insured_name, quote.insured_id_number,
            quote.requested_amount_fen) == ("rd_loss", "样机", None, None, 800_000_00)


def test_a_claim_notified_during_a_subsidy_review_withdraws_the_request(client, auth, world,
                                                                       insurers):
    policy = policy_in(world, insurers, "subsidy_review")
    login(auth, world.founder)
    done(client, policy.id, "notify_claim", loss_on=day(), claimed="10,000", comment="损失")
    payment = db.session.scalar(select(PremiumPayment))
    assert (fresh(policy.id).status, payment.subsidy_status) == ("claim_notified", None)
    page = text(client.get(f"/applications/{policy.id}"))
    assert "Withdrawn when the policy moved on; ask again." in page


def test_a_guarantee_policy_ends_when_its_loan_is_repaid(world, insurers):
    loan = factories.loan_in(world, "covered")
    policy = policy_in(world, insurers, "premium_paid", cover="loan_guarantee", loan=loan)
    assert fire_scheduled("end_policies", business_today()) == 0
    factories.set_columns(loan, status="repaid")
    # The year's premium keeps its subsidy, never asked for: 90 days after the repayment.
    assert fire_scheduled("end_policies", business_today()) == 0
    factories.set_columns(loan, status_changed_at=utcnow() - timedelta(days=91))
    assert fire_scheduled("end_policies", business_today()) == 1
    assert fresh(policy.id).status == "ended"


def test_the_insurers_share_reduces_the_pools_base():
    """products.md: the insurer's share reduces the pool's base; all public cover <= 80 %."""
    figures = compensation.Figures(
        loss_fen=1_000_000_00, other_compensation_fen=0, bonus_reasons=(),
        bank_covered_fen=10_000_000_00, bank_npl_fen=1_000_000_00, bank_paid_this_year_fen=0,
        ratio_bp=7000, bonus_bp=500, ceiling_bp=8000, band_bp=500, annual_cap_fen=10**12,
        band_min_balance_fen=2_000_000_000, insured_fen=100_000_00)
    payout = compensation.calculate(figures)
    assert payout.payout_fen == 630_000_00  # 70 % of 900,000, not 70 % of 1,000,000
    assert ("insured", {"insured_fen": 100_000_00, "base_fen": 900_000_00}) in payout.limits
    heavy = compensation.calculate(compensation.Figures(**{
        **figures.__dict__, "insured_fen": 800_000_00}))
    assert heavy.payout_fen == 0  # 80 % already paid by the insurer: the ceiling

