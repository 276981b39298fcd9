"""The premium subsidy at its boundaries: 50 % of a first-year premium, 30 % after (policy
keys), at most 300,000 yuan per firm and year across its policies, once a premium, asked
again after a decline; as the founder and the pool administrator read it."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.pool.models import LedgerEntry
from talentfin.workflows.insurance.models import PremiumPayment
from tests import factories
from tests.insurance.factories import advance
from tests.insurance.factories import policy_in
from tests.insurance.helpers import day
from tests.insurance.helpers import done
from tests.insurance.helpers import refused
from tests.insurance.helpers import set_parameter
from tests.insurance.helpers import stage_upload
from tests.insurance.helpers import text
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to

YEAR = business_today().year
USED_UP = f"The firm's premium subsidy cap for {YEAR} is used up."


def _payments(policy) -> list[tuple[int, str | None, int | None, int | None]]:
    db.session.expire_all()
    return [(p.policy_year, p.subsidy_status, p.subsidy_rate_bp, p.subsidy_fen)
            for p in db.session.scalars(select(PremiumPayment).where(
                PremiumPayment.application_id == policy.id)
                .order_by(PremiumPayment.policy_year))]


def _shares(policy) -> list[int]:
    """What each funder paid out for the policy's subsidies, smallest first."""
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == policy.id, LedgerEntry.kind == "premium_subsidy_payout"))
    return sorted(-line.amount_fen for entry in entries for line in entry.lines
                  if line.funder_id)


def _ask(client, policy) -> None:
    stage_upload(client, policy.id, "bank_account")
    done(client, policy.id, "request_subsidy", comment="申请补贴")


def test_half_of_a_first_year_premium_then_30_percent(client, auth, world, insurers):
    factories.fund_pool(world)
    policy = policy_in(world, insurers, "subsidy_paid", period=24)
    assert _payments(policy) == [(1, "paid", 5000, 37_500_00)]
    starts = business_today() + timedelta(days=20) - relativedelta(years=1)
    factories.set_columns(policy, starts_on=starts,
                          ends_on=starts + relativedelta(months=24) - timedelta(days=1))
    login(auth, world.founder)
    stage_upload(client, policy.id, "premium_invoice")
    done(client, policy.id, "pay_premium", amount="75,000", paid_on=day(), invoice_no="FP2")
    page = text(client.get(f"/applications/{policy.id}"))
    assert ("the subsidy of policy year 2 would be 22,500.00 yuan (30.00% of the premium; "
            "the firm may still receive 262,500.00 yuan this year)") in page
    _ask(client, policy)
    switch_to(auth, world.pool_admin)
    done(client, policy.id, "pay_subsidy", comment="同意")
    assert _payments(policy) == [(1, "paid", 5000, 37_500_00), (2, "paid", 3000, 22_500_00)]
    assert _shares(policy) == [9_000_00, 13_500_00, 15_000_00, 22_500_00]


def test_the_rates_are_the_policy_tables(world, insurers):
    set_parameter("premium_subsidy_first_year_bp", "4000")
    policy = policy_in(world, insurers, "subsidy_paid")
    assert _payments(policy) == [(1, "paid", 4000, 30_000_00)]


def test_the_cap_exactly_used_up_refuses_the_next_request(client, auth, world, insurers):
    first = policy_in(world, insurers, "subsidy_paid", amount_fen=40_000_000_00)
    assert _payments(first) == [(1, "paid", 5000, 300_000_00)]  # 50 % of 600,000
    second = policy_in(world, insurers, "premium_paid")
    login(auth, world.founder)
    page = text(client.get(f"/applications/{second.id}"))
    assert "would be 0.00 yuan (50.00% of the premium; the firm may still receive 0.00" in page
    stage_upload(client, second.id, "bank_account")
    assert USED_UP in refused(client, second.id, "request_subsidy", comment="申请")
    assert _payments(second) == [(1, None, None, None)]
    # Another firm's cap is its own.
    theirs = policy_in(world, insurers, "subsidy_paid", founder=world.founder2)
    assert _payments(theirs) == [(1, "paid", 5000, 37_500_00)]


def test_partial_room_pays_only_the_room(client, auth, world, insurers):
    first = policy_in(world, insurers, "subsidy_paid", amount_fen=30_000_000_00)
    assert _payments(first) == [(1, "paid", 5000, 225_000_00)]
    second = policy_in(world, insurers, "subsidy_paid", amount_fen=40_000_000_00)
    assert _payments(second) == [(1, "paid", 5000, 75_000_00)]
    assert _shares(second) == [30_000_00, 45_000_00]


def test_the_cap_is_counted_again_when_the_pool_pays(client, auth, world, insurers):
    first = policy_in(world, insurers, "subsidy_review", amount_fen=30_000_000_00)
    second = policy_in(world, insurers, "subsidy_review", amount_fen=40_000_000_00)
    third = policy_in(world, insurers, "subsidy_review")
    assert [p[3] for p in _payments(second) + _payments(third)] == [300_000_00, 37_500_00]
    factories.fund_pool(world)
    login(auth, world.pool_admin)
    for policy in (first, second):
        done(client, policy.id, "pay_subsidy", comment="同意")
    assert _payments(second) == [(1, "paid", 5000, 75_000_00)]
    page = refused(client, third.id, "pay_subsidy", comment="同意")
    assert ("Nothing can be paid: the firm's premium subsidy cap for "
            f"{YEAR} is used up. Decline it with this reason instead.") in page
    done(client, third.id, "decline_subsidy", comment="本年度补贴额度已用完")
    assert _payments(third) == [(1, "declined", 5000, 0)]


def test_the_cap_is_the_policy_tables(world, insurers):
    set_parameter("premium_subsidy_cap_fen", "5000000")  # 50,000 yuan
    first = policy_in(world, insurers, "subsidy_paid")
    second = policy_in(world, insurers, "subsidy_paid")
    assert [p[3] for p in _payments(first) + _payments(second)] == [37_500_00, 12_500_00]


def test_a_premium_is_subsidised_once(client, auth, world, insurers):
    policy = policy_in(world, insurers, "subsidy_paid")
    login(auth, world.founder)
    page = refused(client, policy.id, "request_subsidy", comment="再次申请")
    assert "Every premium's subsidy was asked for already; it is asked once a premium." in page
    assert fresh(policy.id).status == "subsidy_paid"
    entries = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == policy.id)).all()
    assert len(entries) == 1


def test_the_subsidy_needs_the_bank_account(client, auth, world, insurers):
    policy = policy_in(world, insurers, "premium_paid")
    login(auth, world.founder)
    page = refused(client, policy.id, "request_subsidy", comment="申请")
    assert "Upload the bank account the subsidy is paid to first." in page


def test_a_declined_subsidy_may_be_asked_for_again(client, auth, world, insurers):
    policy = policy_in(world, insurers, "subsidy_review")
    login(auth, world.pool_admin)
    assert "Please give a reason." in refused(client, policy.id, "decline_subsidy")
    done(client, policy.id, "decline_subsidy", comment="银行账户信息不符")
    assert (fresh(policy.id).status, _payments(policy)) == (
        "premium_paid", [(1, "declined", 5000, 0)])
    switch_to(auth, world.founder)
    page = text(client.get(f"/applications/{policy.id}"))
    assert "Declined · 银行账户信息不符" in page
    _ask(client, policy)
    assert _payments(policy) == [(1, "requested", 5000, 37_500_00)]
    advance(world, insurers, fresh(policy.id), "pay_subsidy")
    assert _payments(policy) == [(1, "paid", 5000, 37_500_00)]
    assert fresh(policy.id).status == "subsidy_paid"
    assert fire(client, policy.id, "request_subsidy", comment="x").status_code == 422


def test_an_earlier_premiums_subsidy_may_still_be_asked_for(client, auth, world, insurers):
    policy = policy_in(world, insurers, "premium_paid", period=24)  # year 1 not asked for
    starts = business_today() + timedelta(days=20) - relativedelta(years=1)
    factories.set_columns(policy, starts_on=starts,
                          ends_on=starts + relativedelta(months=24) - timedelta(days=1))
    login(auth, world.founder)
    stage_upload(client, policy.id, "premium_invoice")
    done(client, policy.id, "pay_premium", amount="75,000", paid_on=day(), invoice_no="FP2")
    _ask(client, policy)  # the oldest premium not asked for first: year 1
    advance(world, insurers, fresh(policy.id), "pay_subsidy")
    _ask(client, policy)  # then year 2
    assert [p[1] for p in _payments(policy)] == ["paid", "requested"]
