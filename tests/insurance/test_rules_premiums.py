"""A policy year's premium at its boundaries, as the founder reads it: the amount to the
fen, not more than 30 days early, paid on a day between then and today, with an invoice
uploaded since the last premium."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.jobs import fire_scheduled
from talentfin.workflows.insurance.models import PremiumPayment
from tests import factories
from tests.insurance.factories import advance
from tests.insurance.factories import policy_in
from tests.insurance.helpers import day
from tests.insurance.helpers import done
from tests.insurance.helpers import refused
from tests.insurance.helpers import stage_upload
from tests.web import fresh
from tests.web import login
from tests.web import text


def _premiums(policy) -> list[tuple[int, int]]:
    db.session.expire_all()
    return [(p.policy_year, p.amount_fen) for p in db.session.scalars(
        select(PremiumPayment).where(PremiumPayment.application_id == policy.id)
        .order_by(PremiumPayment.policy_year))]


@pytest.mark.parametrize("amount", ["74,999.99", "75,000.01"])
def test_the_premium_is_the_policys_to_the_fen(client, auth, world, insurers, amount):
    policy = policy_in(world, insurers, "bound")
    login(auth, world.founder)
    assert stage_upload(client, policy.id, "premium_invoice").status_code == 302
    page = refused(client, policy.id, "pay_premium", amount=amount, paid_on=day(),
                   invoice_no="FP1")
    assert (f"The premium paid ({amount} yuan) differs from the policy's premium of "
            "75,000.00 yuan a year.") in page
    done(client, policy.id, "pay_premium", amount="75,000", paid_on=day(), invoice_no="FP1")
    assert _premiums(policy) == [(1, 75_000_00)]
    assert fresh(policy.id).status == "premium_paid"


@pytest.mark.parametrize(("starts_in", "ok"), [(31, False), (30, True)])
def test_the_first_premium_is_paid_from_30_days_before_cover_starts(client, auth, world,
                                                                    insurers, starts_in, ok):
    policy = policy_in(world, insurers, "bound", started_days_ago=-starts_in)
    login(auth, world.founder)
    stage_upload(client, policy.id, "premium_invoice")
    fields = {"amount": "75,000", "paid_on": day(), "invoice_no": "FP1"}
    if ok:
        done(client, policy.id, "pay_premium", **fields)
        assert _premiums(policy) == [(1, 75_000_00)]
        return
    page = refused(client, policy.id, "pay_premium", **fields)
    assert f"The premium of policy year 1 is due from {day(1)}." in page
    assert _premiums(policy) == []


@pytest.mark.parametrize(("paid", "ok"), [(-21, False), (-20, True), (1, False)])
def test_the_premium_is_paid_between_its_first_day_and_today(client, auth, world, insurers,
                                                             paid, ok):
    policy = policy_in(world, insurers, "bound", started_days_ago=-10)  # due from day -20
    login(auth, world.founder)
    stage_upload(client, policy.id, "premium_invoice")
    fields = {"amount": "75,000", "paid_on": day(paid), "invoice_no": "FP1"}
    if ok:
        done(client, policy.id, "pay_premium", **fields)
        return
    page = refused(client, policy.id, "pay_premium", **fields)
    expected = ("This date cannot be in the future." if paid > 0
                else f"The premium is paid between {day(-20)} and today.")
    assert expected in page and _premiums(policy) == []


def _in_year_1_of_2(world, insurers, anniversary_in: int):
    """A two-year policy with its first premium paid, whose second year starts in
    ``anniversary_in`` days."""
    policy = policy_in(world, insurers, "premium_paid", period=24)
    starts = business_today() + timedelta(days=anniversary_in) - relativedelta(years=1)
    factories.set_columns(policy, starts_on=starts,
                          ends_on=starts + relativedelta(months=24) - timedelta(days=1))
    return policy


def test_year_2_is_paid_from_30_days_before_the_anniversary(client, auth, world, insurers):
    early = _in_year_1_of_2(world, insurers, 31)
    due = _in_year_1_of_2(world, insurers, 30)
    login(auth, world.founder)
    fields = {"amount": "75,000", "paid_on": day(), "invoice_no": "FP2"}
    for policy in (early, due):
        stage_upload(client, policy.id, "premium_invoice")
    page = refused(client, early.id, "pay_premium", **fields)
    assert f"The premium of policy year 2 is due from {day(1)}." in page
    done(client, due.id, "pay_premium", **fields)
    assert _premiums(early) == [(1, 75_000_00)]
    assert _premiums(due) == [(1, 75_000_00), (2, 75_000_00)]


def test_each_premium_needs_an_invoice_uploaded_since_the_last_one(client, auth, world,
                                                                   insurers):
    policy = _in_year_1_of_2(world, insurers, 10)
    login(auth, world.founder)
    fields = {"amount": "75,000", "paid_on": day(), "invoice_no": "FP2"}
    # The first year's invoice does not count for the second year's premium.
    page = refused(client, policy.id, "pay_premium", **fields)
    assert "Upload the premium's invoice first." in page
    assert stage_upload(client, policy.id, "premium_invoice").status_code == 302
    done(client, policy.id, "pay_premium", **fields)
    invoices = {p.invoice_id for p in db.session.scalars(select(PremiumPayment).where(
        PremiumPayment.application_id == policy.id))}
    assert len(invoices) == 2 and None not in invoices


def test_a_one_year_policy_has_one_premium(client, auth, world, insurers):
    policy = policy_in(world, insurers, "premium_paid")
    login(auth, world.founder)
    stage_upload(client, policy.id, "premium_invoice")
    page = refused(client, policy.id, "pay_premium", amount="75,000", paid_on=day(),
                   invoice_no="FP2")
    assert "Every premium of this policy is paid." in page


def test_a_premium_falling_due_during_a_claim_waits_for_it_and_its_grace_too(
        client, auth, world, insurers):
    """While a claim is handled the premium's invoice may be uploaded, but the premium is
    recorded once the claim is settled; its days of grace run from the settlement, so the
    policy does not lapse for a claim that took longer than the grace."""
    policy = policy_in(world, insurers, "claim_agreed", period=24)
    starts = business_today() - timedelta(days=40) - relativedelta(years=1)
    factories.set_columns(policy, starts_on=starts,
                          ends_on=starts + relativedelta(months=24) - timedelta(days=1))
    login(auth, world.founder)
    assert stage_upload(client, policy.id, "premium_invoice").status_code == 302
    assert 'id="action-pay_premium"' not in text(client.get(f"/applications/{policy.id}"))
    advance(world, insurers, fresh(policy.id), "pay_claim")  # settled today
    assert fire_scheduled("lapse_unpaid_policies", business_today()) == 0
    done(client, policy.id, "pay_premium", amount="75,000", paid_on=day(), invoice_no="FP2")
    assert _premiums(policy) == [(1, 75_000_00), (2, 75_000_00)]
