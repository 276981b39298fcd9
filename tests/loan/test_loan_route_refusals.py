"""The 人才贷 route's exits and refusals, through the web client: withdrawal, rejection,
eligibility rules shown to the founder, and the pool's 90-day filing window."""

from datetime import date
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.workflows import engine
from tests import factories
from tests.web import fire
from tests.web import founder_applies
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import status_label
from tests.web import switch_to
from tests.web import text


@pytest.mark.parametrize("state", ["draft", "park_review", "info_requested", "partner_review",
                                   "bank_approval", "approved"])
def test_founder_withdraws_an_open_application(client, auth, world, state):
    application = factories.loan_in(world, state)
    login(auth, world.founder)
    page = text(client.get(f"/applications/{application.id}"))
    assert 'id="action-withdraw"' in page
    response = fire(client, application.id, "withdraw", follow=True, comment="已获得其他融资。")
    assert response.status_code == 200
    assert "Done: Withdraw application." in text(response)
    assert status_label(response) == "Withdrawn"
    assert fresh(application.id).status == "withdrawn"
    row = logs(application.id)[-1]
    assert (row.trigger, row.from_state, row.to_state, row.actor_id, row.comment) == (
        "withdraw", state, "withdrawn", world.founder.id, "已获得其他融资。")


@pytest.mark.parametrize("state", ["contracted", "covered", "rejected"])
def test_withdrawal_is_not_offered_once_the_loan_is_contracted_or_closed(client, auth, world,
                                                                          state):
    application = factories.loan_in(world, state)
    login(auth, world.founder)
    assert 'id="action-withdraw"' not in text(client.get(f"/applications/{application.id}"))
    before = len(logs(application.id))
    response = fire(client, application.id, "withdraw", comment="x")
    assert response.status_code == 409
    assert fresh(application.id).status == state
    assert len(logs(application.id)) == before


def test_park_rejects_only_with_a_reason(client, auth, world):
    application = factories.loan_in(world, "park_review")
    login(auth, world.park_reviewer)
    response = fire(client, application.id, "park_reject", comment="  ")
    assert response.status_code == 422
    assert "Please give a reason." in text(response)
    assert fresh(application.id).status == "park_review"
    assert [row.trigger for row in logs(application.id)] == ["submit"]

    response = fire(client, application.id, "park_reject", follow=True,
                    comment="企业未在园区实际经营。")
    assert status_label(response) == "Rejected"
    row = logs(application.id)[-1]
    assert (row.trigger, row.from_state, row.to_state, row.actor_id, row.comment) == (
        "park_reject", "park_review", "rejected", world.park_reviewer.id, "企业未在园区实际经营。")

    switch_to(auth, world.founder)
    response = client.get(f"/applications/{application.id}")
    assert status_label(response) == "Rejected"
    assert "企业未在园区实际经营。" in text(response)
    assert 'id="action-' not in text(response)  # nothing left to do on a closed file


def test_request_for_information_must_name_something(client, auth, world):
    application = factories.loan_in(world, "park_review")
    login(auth, world.park_reviewer)
    response = fire(client, application.id, "park_request_info", comment="请补充材料")
    assert response.status_code == 422
    assert "Name at least one field or document the founder must fix." in text(response)
    assert "请补充材料" in text(response)  # the typed comment is kept
    assert fresh(application.id).status == "park_review"


def _make_ineligible(world, rule):
    firm = world.founder.enterprise
    talent = firm.talent
    if rule == "firm_age":
        firm.founded_on = business_today() - relativedelta(years=6)
    elif rule == "equity":
        talent.equity_bp = 2999
    elif rule == "certificate":
        talent.valid_until = business_today() - timedelta(days=1)
    elif rule == "district":
        firm.registered_in_district = False
    elif rule == "dishonesty":
        firm.last_dishonesty_on = business_today() - relativedelta(years=2)
    db.session.commit()


INELIGIBLE = {
    "firm_age": "(at most 5 years ago; only tier A talents are exempt).",
    "equity": "The founder holds 29.99% of the equity; at least 30.00% is required.",
    "certificate": "The talent certificate expired on",
    "district": "The firm must be registered in the district.",
    "dishonesty": "such a record counts for 3 years, so the firm may apply from",
}


@pytest.mark.parametrize("rule", sorted(INELIGIBLE))
def test_ineligible_founder_sees_the_reason_and_cannot_submit(client, auth, world, rule):
    login(auth, world.founder)
    application_id = founder_applies(client, world.bank1.id)
    _make_ineligible(world, rule)

    review = client.get(f"/applications/{application_id}/edit/review")
    assert "The application cannot be submitted yet:" in text(review)
    assert "meet the eligibility rules" not in text(review)
    assert INELIGIBLE[rule] in text(review)

    response = fire(client, application_id, "submit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/edit/review")
    page = text(client.get(response.headers["Location"]))
    assert page.count(INELIGIBLE[rule]) == 2  # the flash and the eligibility box
    assert fresh(application_id).status == "draft"
    assert logs(application_id) == []


def test_tier_a_talent_is_exempt_from_the_firm_age_rule(client, auth, world):
    login(auth, world.founder)
    application_id = founder_applies(client, world.bank1.id)
    _make_ineligible(world, "firm_age")
    world.founder.enterprise.talent.tier = "A"
    db.session.commit()
    response = fire(client, application_id, "submit", follow=True)
    assert status_label(response) == "Park review"


def _disbursed_on(world, disbursed: date):
    application = factories.loan_in(world, "contracted")
    application.contract_signed_on = disbursed - timedelta(days=5)
    db.session.commit()
    return application


@pytest.mark.parametrize(("days_ago", "covered"), [(90, True), (91, False), (200, False)])
def test_pool_filing_only_within_90_days_of_disbursement(client, auth, world, days_ago,
                                                         covered):
    factories.fund_pool(world)  # filing checks the pool's leverage limit
    disbursed = business_today() - timedelta(days=days_ago)
    application = _disbursed_on(world, disbursed)
    login(auth, world.officer1)
    response = fire(client, application.id, "disburse", amount="1000000",
                    disbursed_on=disbursed.isoformat())
    assert response.status_code == 302
    assert fresh(application.id).disbursed_on == disbursed

    switch_to(auth, world.pool_admin)
    response = fire(client, application.id, "file_with_pool", comment="备案")
    if covered:
        assert response.status_code == 302
        assert fresh(application.id).status == "covered"
        return
    assert response.status_code == 422
    deadline = disbursed + timedelta(days=90)
    assert (f"The filing window closed on {deadline.isoformat()}; an unfiled loan is never "
            "covered.") in text(response)
    assert status_label(response) == "Disbursed"
    assert fresh(application.id).status == "disbursed"
    assert logs(application.id)[-1].trigger == "disburse"


def test_the_scheduler_gets_a_readable_refusal_outside_any_request(world):
    # The scheduler and the worker run in an app context without a request: the refusal
    # must still be a translated message, not a crash of the locale lookup.

    application = factories.loan_in(world, "disbursed")  # disbursed 10 days ago
    with pytest.raises(engine.Refused) as refused:
        engine.fire(application, "lapse_filing", None)
    assert refused.value.message == "备案期限尚未截止。"  # the default locale, Chinese
    assert fresh(application.id).status == "disbursed"
