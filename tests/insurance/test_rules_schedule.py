"""The scheduled transitions at their boundaries: a policy lapses the day after its
premium's 30 days of grace, ends the day after its period, counter-terms expire after their
working days, and requests for information expire with the loan's."""

from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.jobs import JOBS
from talentfin.jobs import fire_scheduled
from talentfin.jobs import run_job
from talentfin.models.base import utcnow
from talentfin.workdays import is_working_day
from talentfin.workflows import engine
from tests import factories
from tests.insurance.factories import policy_in
from tests.insurance.helpers import set_parameter
from tests.insurance.helpers import text
from tests.web import fresh
from tests.web import login
from tests.web import logs

JOB = {job.name: job for job in JOBS}
MONDAY = date(2026, 3, 2)


def test_the_insurance_jobs_are_scheduled():
    assert {"expire_info_requests", "expire_counter_offers", "lapse_unpaid_policies",
            "end_policies"} <= set(JOB)


def test_an_unpaid_policy_lapses_on_day_31_not_on_day_30(client, auth, world, insurers):
    on_day_30 = policy_in(world, insurers, "bound", started_days_ago=30)
    on_day_31 = policy_in(world, insurers, "bound", started_days_ago=31)
    assert run_job(JOB["lapse_unpaid_policies"]).startswith("ok: 1")
    assert (fresh(on_day_30.id).status, fresh(on_day_31.id).status) == ("bound", "lapsed")
    last = logs(on_day_31.id)[-1]
    assert (last.trigger, last.actor_id) == ("lapse", None)
    login(auth, world.founder)
    page = text(client.get(f"/applications/{on_day_31.id}"))
    assert "Lapsed: premium not paid" in page


def test_the_days_of_grace_are_the_policy_tables(world, insurers):
    set_parameter("premium_grace_days", "10")
    on_day_10 = policy_in(world, insurers, "bound", started_days_ago=10)
    on_day_11 = policy_in(world, insurers, "bound", started_days_ago=11)
    assert fire_scheduled("lapse_unpaid_policies", business_today()) == 1
    assert (fresh(on_day_10.id).status, fresh(on_day_11.id).status) == ("bound", "lapsed")


@pytest.mark.parametrize(("started", "status"), [(30, "premium_paid"), (31, "lapsed")])
def test_a_second_years_premium_unpaid_lapses_the_policy(world, insurers, started, status):
    policy = policy_in(world, insurers, "premium_paid", period=24)
    starts = business_today() - timedelta(days=started) - relativedelta(years=1)
    factories.set_columns(policy, starts_on=starts,
                          ends_on=starts + relativedelta(months=24) - timedelta(days=1))
    fire_scheduled("lapse_unpaid_policies", business_today())
    assert fresh(policy.id).status == status


def test_a_paid_policy_does_not_lapse(world, insurers):
    # Paid 20 days after its start (inside the grace); 35 days after the start it stands.
    policy = policy_in(world, insurers, "premium_paid", started_days_ago=20)
    later = business_today() + timedelta(days=15)
    assert fire_scheduled("lapse_unpaid_policies", later) == 0
    assert fresh(policy.id).status == "premium_paid"


def test_a_policy_ends_the_day_after_its_period(world, insurers):
    ending = policy_in(world, insurers, "subsidy_paid")
    ended = policy_in(world, insurers, "subsidy_paid")
    factories.set_columns(ending, ends_on=business_today())
    factories.set_columns(ended, ends_on=business_today() - timedelta(days=1))
    assert fire_scheduled("end_policies", business_today()) == 1
    assert (fresh(ending.id).status, fresh(ended.id).status) == ("subsidy_paid", "ended")


@pytest.mark.parametrize("state", ["premium_paid", "claim_paid"])
def test_a_premium_whose_subsidy_was_never_asked_for_holds_the_end_ninety_days(
        world, insurers, state):
    """The last year's premium keeps its subsidy: the founder may still ask for it for 90 days
    after the period, and the policy ends once that has passed."""
    waiting = policy_in(world, insurers, state)
    over = policy_in(world, insurers, state)
    factories.set_columns(waiting, ends_on=business_today() - timedelta(days=90))
    factories.set_columns(over, ends_on=business_today() - timedelta(days=91))
    assert fire_scheduled("end_policies", business_today()) == 1
    assert (fresh(waiting.id).status, fresh(over.id).status) == (state, "ended")
    with force_locale("en"):
        assert engine.check(fresh(waiting.id), "end_policy", None) == (
            "The premium subsidy of policy year 1 may still be asked for until "
            f"{business_today().isoformat()}.")


def test_counter_terms_expire_after_ten_working_days(world, insurers):
    policy = policy_in(world, insurers, "counter_offered")
    # Offered on Monday 2 March 2026 at noon in Qingdao; the tenth working day after it is
    # Monday 16 March (no holiday in between).
    factories.set_columns(policy, status_changed_at=datetime(2026, 3, 2, 4, 0))
    assert all(is_working_day(MONDAY + timedelta(days=d)) for d in (1, 2, 3, 4, 7, 14, 15))
    assert fire_scheduled("expire_counter_offers", date(2026, 3, 16)) == 0
    assert fresh(policy.id).status == "counter_offered"
    assert fire_scheduled("expire_counter_offers", date(2026, 3, 17)) == 1
    assert (fresh(policy.id).status, logs(policy.id)[-1].trigger) == ("expired", "expire_offer")


def test_the_counter_offer_days_are_the_policy_tables(world, insurers):
    set_parameter("counter_offer_working_days", "3")
    policy = policy_in(world, insurers, "counter_offered")
    factories.set_columns(policy, status_changed_at=datetime(2026, 3, 2, 4, 0))
    assert fire_scheduled("expire_counter_offers", date(2026, 3, 5)) == 0
    assert fire_scheduled("expire_counter_offers", date(2026, 3, 6)) == 1


def test_counter_terms_offered_early_in_the_morning_count_from_that_day(world, insurers):
    policy = policy_in(world, insurers, "counter_offered")
    # 04:00 on Monday 2 March in Qingdao is 20:00 on Sunday 1 March UTC.
    factories.set_columns(policy, status_changed_at=datetime(2026, 3, 1, 20, 0))
    assert fire_scheduled("expire_counter_offers", date(2026, 3, 16)) == 0
    assert fire_scheduled("expire_counter_offers", date(2026, 3, 17)) == 1


def test_requests_for_information_expire_with_the_loans(world, insurers):
    park_asked = policy_in(world, insurers, "info_requested")
    insurer_asked = policy_in(world, insurers, "insurer_info_requested")
    answered_soon = policy_in(world, insurers, "insurer_info_requested")
    loan = factories.loan_in(world, "info_requested")
    for item in (park_asked, insurer_asked, loan):
        factories.set_columns(item, status_changed_at=utcnow() - timedelta(days=30))
    factories.set_columns(answered_soon, status_changed_at=utcnow() - timedelta(days=3))
    assert run_job(JOB["expire_info_requests"]).startswith("ok: 3")
    assert [fresh(a.id).status for a in (park_asked, insurer_asked, answered_soon, loan)] == [
        "expired", "expired", "insurer_info_requested", "expired"]
