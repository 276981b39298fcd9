"""Input the QA pass found handled badly: a queue filter amount that is not one, dates in
the servicing and policy forms typed in another format or in the future, an oversized
policy value."""

from datetime import timedelta

from talentfin.clock import business_today
from talentfin.models import PolicyParameter
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import text


def test_a_queue_filter_amount_that_is_not_one_is_named_not_ignored(client, auth, world):
    factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    page = text(client.get("/queue/?min_amount=壹万"))
    assert ("Enter an amount in yuan with at most two decimals. This filter is not applied."
            in page)
    page = text(client.get("/queue/?max_amount=1e9999999"))
    assert "without an exponent" in page and "This filter is not applied." in page
    assert "This filter is not applied." not in text(client.get("/queue/?min_amount=10000"))
    assert client.get("/queue/?page=99999999999999999999").status_code == 200  # was a 500
    client.post("/language", data={"lang": "zh"})  # one sentence after another, no space
    assert "位小数。此筛选条件未生效。" in text(client.get("/queue/?min_amount=壹万"))


def test_servicing_dates_say_the_format_and_refuse_the_future(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    due = (fresh(loan.id).disbursed_on + timedelta(days=30)).isoformat()
    response = fire(client, loan.id, "report_repayment", due_on=due, paid_on="11/20/2026",
                    principal="100,000", interest="0")
    assert response.status_code == 422
    assert "Enter the date as YYYY-MM-DD, e.g. 2026-03-15." in text(response)
    tomorrow = (business_today() + timedelta(days=1)).isoformat()
    response = fire(client, loan.id, "report_repayment", due_on=due, paid_on=tomorrow,
                    principal="100,000", interest="0")
    assert response.status_code == 422
    assert "This date cannot be in the future." in text(response)
    assert fresh(loan.id).status == "covered"


def test_policy_proposals_refuse_a_bad_date_and_an_oversized_value(client, auth, world, db):
    login(auth, world.pool_admin)
    before = db.session.query(PolicyParameter).count()
    response = client.post("/policy/", data={
        "key": "compensation_ratio_bp", "value": "6500", "effective_from": "2026/12/01",
        "reason": "通知"})
    assert response.status_code == 422
    assert "Enter the date as YYYY-MM-DD" in text(response)
    response = client.post("/policy/", data={
        "key": "cap_per_firm_fen", "value": "9" * 80,
        "effective_from": business_today().isoformat(), "reason": "通知"})
    assert response.status_code == 422
    assert "The value is too large." in text(response)
    # A year of four digits that no record holds (a slip: 0001, 9999) is refused, named.
    for slip in ("9999-12-31", "0001-01-01"):
        response = client.post("/policy/", data={
            "key": "compensation_ratio_bp", "value": "6500", "effective_from": slip,
            "reason": "通知"})
        assert response.status_code == 422
        assert "Enter a date between 1900-01-01 and 2199-12-31." in text(response)
    assert db.session.query(PolicyParameter).count() == before
