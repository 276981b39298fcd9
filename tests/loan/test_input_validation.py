"""Input handling found by QA: huge amounts, unreadable or future dates, and messages that
state the rule as it is.

Texts are asserted in English (``tests.web.login`` switches the language), as the user
reads them.
"""

import html
import io
from datetime import timedelta
from decimal import Decimal
from decimal import localcontext

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin import money
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.money import AmountTooLarge
from talentfin.money import ExponentNotation
from talentfin.money import MoneyError
from talentfin.money import parse_yuan
from talentfin.workflows.loan.models import Repayment
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import text

EXPONENT = "Write the amount in plain digits, without an exponent (e.g. 1000000, not 1e6)."
TOO_LARGE = "The amount is too large (at most 10,000,000,000,000.00 yuan)."
DATE_FORMAT = "Enter the date as YYYY-MM-DD, e.g. 2026-03-15."
REQUIRED = "This field is required."
FUTURE = "This date cannot be in the future."
NOT_NEGATIVE = "The amount must not be negative."


def page(response) -> str:
    """The body with HTML entities decoded, as the user reads it."""
    return html.unescape(text(response))


# --- the parser: huge inputs are refused by their text, before any arithmetic ------------

class _NoDecimalAllowed(Decimal):
    """Stands in for Decimal in talentfin.money: building one fails the test."""

    def __new__(cls, *args, **kwargs):
        raise AssertionError(f"Decimal{args} was built: the text should have been refused first")


@pytest.mark.parametrize(("typed", "refusal"), [
    ("1e9999999", ExponentNotation), ("1e999997", ExponentNotation),
    ("1E200000", ExponentNotation), ("-2.5e+7", ExponentNotation), ("1,000e3", ExponentNotation),
    ("9" * 200_000, AmountTooLarge), ("1" + "0" * 30, AmountTooLarge),
    ("1" * 40 + ".5", AmountTooLarge), ("x" * 1_000_000, MoneyError),
])
def test_huge_or_exponent_amounts_are_refused_from_the_text_alone(typed, refusal, monkeypatch):
    monkeypatch.setattr(money, "Decimal", _NoDecimalAllowed)
    with pytest.raises(refusal):
        parse_yuan(typed)


def test_a_huge_decimal_is_refused_by_its_exponent_not_by_an_overflow():
    # With a tiny exponent range, multiplying 1e999997 by 100 would overflow; the refusal
    # must come from the size check before that (so no exception is chained to it).
    with localcontext() as context:
        context.Emax = 30
        with pytest.raises(AmountTooLarge) as refused:
            parse_yuan(Decimal("1e999997"))
    assert refused.value.__cause__ is None


@pytest.mark.parametrize(("typed", "fen"), [
    ("10,000,000,000,000.00", 10**15), ("-10000000000000", -(10**15)), ("１２３", 12300),
    (".5", 50), ("7.", 700), ("+3", 300), ("0000000000000000000012.5", 1250),
])
def test_the_largest_amounts_and_plain_forms_still_parse(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["10000000000000.01", "-10000000000000.01"])
def test_just_over_the_maximum_is_too_large(typed):
    with pytest.raises(AmountTooLarge):
        parse_yuan(typed)


@pytest.mark.parametrize("typed", ["1 000", "1.2.3", "--1", "Infinity", "sNaN", "0x10", "1_000"])
def test_texts_that_are_not_amounts_are_refused(typed):
    with pytest.raises(MoneyError):
        parse_yuan(typed)


# --- huge amounts through the pages -------------------------------------------------------

def _recommend(client, application_id, amount="1,000,000", rate="3.65"):
    return fire(client, application_id, "recommend", amount=amount, rate=rate,
                term_months="24", security="pure_credit", comment="经营稳定")


@pytest.mark.parametrize(("amount", "message"), [
    ("1e9999999", EXPONENT), ("1e999997", EXPONENT), ("9" * 100_000, TOO_LARGE),
])
def test_officer_typing_a_huge_amount_gets_a_message_not_a_server_error(client, auth, world,
                                                                          amount, message):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = _recommend(client, application.id, amount=amount)
    assert response.status_code == 422
    assert message in page(response)
    assert fresh(application.id).status == "partner_review"
    assert fresh(application.id).recommended_amount_fen is None


@pytest.mark.parametrize(("rate", "message"), [
    ("1e9999999", "Enter a positive rate with at most two decimals, e.g. 3.75."),
    ("1e999997", "Enter a positive rate with at most two decimals, e.g. 3.75."),
    ("250", "A rate is at most 100%."),
])
def test_officer_typing_an_absurd_rate_gets_a_message(client, auth, world, rate, message):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = _recommend(client, application.id, rate=rate)
    assert response.status_code == 422
    body = page(response)
    assert message in body
    assert f'value="{rate}"' in body
    assert fresh(application.id).status == "partner_review"


@pytest.mark.parametrize("typed", ["1e9999999", "1e999997", "9" * 5000])
def test_queue_filter_with_a_huge_minimum_amount_is_not_a_server_error(client, auth, world,
                                                                       typed):
    factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = client.get("/queue/", query_string={"min_amount": typed})
    assert response.status_code in (200, 422)
    assert "Something went wrong on our side" not in page(response)


def test_repayment_file_with_a_huge_amount_names_the_row(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    today = business_today().isoformat()
    content = ("reference,due_on,paid_on,principal_yuan,interest_yuan\n"
               f"{loan.reference},{today},{today},100000,3000\n"
               f"{loan.reference},{today},{today},1e9999999,0\n").encode()
    response = client.post("/loan/repayments", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), "repayments.csv")})
    assert response.status_code == 422
    body = page(response)
    assert "<td>3</td>" in body and "<td>2</td>" not in body
    assert "amounts in yuan with at most two decimals" in body
    assert db.session.scalar(select(func.count(Repayment.id))) == 0


# --- dates: the format when unreadable, "required" only when empty, no future past facts ---

COMPANY = {
    "name": "测试企业一号", "registered_in_district": "y", "founded_on": "2023-03-15",
    "registered_capital": "1,000,000", "legal_representative": "陈海洋",
    "address": "青岛市崂山区松岭路 1 号", "industry": "海洋智能装备", "employees": "28",
    "uscc": "91350100M000100Y43",
}


def _company(client, world, **changes):
    return client.post("/company/", data={**COMPANY, "park_id": str(world.park.id), **changes})


def test_an_unreadable_founding_date_names_the_format(client, auth, world):
    login(auth, world.founder)
    response = _company(client, world, founded_on="11/20/2026")
    assert response.status_code == 422
    body = page(response)
    assert DATE_FORMAT in body
    assert REQUIRED not in body
    assert 'value="11/20/2026"' in body


def test_an_empty_founding_date_is_required(client, auth, world):
    login(auth, world.founder)
    response = _company(client, world, founded_on="")
    assert response.status_code == 422
    body = page(response)
    assert REQUIRED in body
    assert DATE_FORMAT not in body


def test_a_founding_date_in_the_future_is_refused_and_today_accepted(client, auth, world):
    login(auth, world.founder)
    before = world.founder.enterprise.founded_on
    tomorrow = business_today() + timedelta(days=1)
    response = _company(client, world, founded_on=tomorrow.isoformat())
    assert response.status_code == 422
    assert FUTURE in page(response)
    db.session.expire_all()
    assert world.founder.enterprise.founded_on == before

    assert _company(client, world, founded_on=business_today().isoformat()).status_code == 302
    db.session.expire_all()
    assert world.founder.enterprise.founded_on == business_today()


def test_a_dishonesty_record_in_the_future_is_refused(client, auth, world):
    login(auth, world.founder)
    tomorrow = business_today() + timedelta(days=1)
    response = _company(client, world, last_dishonesty_on=tomorrow.isoformat())
    assert response.status_code == 422
    assert FUTURE in page(response)


def test_an_unreadable_contract_date_names_the_format(client, auth, world):
    application = factories.loan_in(world, "approved")
    login(auth, world.officer1)
    response = fire(client, application.id, "contract", contract_no="HT-2026-001",
                    signed_on="11/20/2026")
    assert response.status_code == 422
    body = page(response)
    assert DATE_FORMAT in body and REQUIRED not in body
    assert 'value="11/20/2026"' in body and 'value="HT-2026-001"' in body
    assert fresh(application.id).status == "approved"


def test_a_contract_signed_tomorrow_is_refused_at_the_field(client, auth, world):
    application = factories.loan_in(world, "approved")
    login(auth, world.officer1)
    tomorrow = business_today() + timedelta(days=1)
    response = fire(client, application.id, "contract", contract_no="HT-2026-001",
                    signed_on=tomorrow.isoformat())
    assert response.status_code == 422
    assert FUTURE in page(response)
    assert fresh(application.id).status == "approved"


def test_an_unreadable_certificate_date_names_the_format(client, auth, world):
    login(auth, world.founder)
    response = client.post("/company/talent", data={
        "founder_name": "陈海洋", "id_number": "11010519491231002X", "tier": "B",
        "certificate_no": "QDRC-1001", "issuer": "青岛市人才工作领导小组",
        "valid_until": "31.12.2028", "equity_percent": "51"})
    assert response.status_code == 422
    body = page(response)
    assert DATE_FORMAT in body and REQUIRED not in body


# --- messages that state the rule as it is -------------------------------------------------

def _loan_request(client, application_id, bank_id, **changes):
    data = {"partner_org_id": str(bank_id), "requested_amount": "1,000,000",
            "requested_term_months": "24", "purpose": "采购研发设备与扩充研发团队。", **changes}
    return client.post(f"/applications/{application_id}/edit/request", data=data)


def test_a_negative_revenue_is_refused_as_negative_and_zero_accepted(client, auth, world):
    login(auth, world.founder)
    draft = factories.draft(world, documents=False)
    response = _loan_request(client, draft.id, world.bank1.id, annual_revenue="-3")
    assert response.status_code == 422
    body = page(response)
    assert NOT_NEGATIVE in body
    assert "greater than zero" not in body
    assert _loan_request(client, draft.id, world.bank1.id, annual_revenue="0").status_code == 302
    assert fresh(draft.id).details["annual_revenue_fen"] == 0


def test_a_zero_loan_amount_is_still_refused_as_not_greater_than_zero(client, auth, world):
    login(auth, world.founder)
    draft = factories.draft(world, documents=False)
    response = _loan_request(client, draft.id, world.bank1.id, requested_amount="0")
    assert response.status_code == 422
    assert "The amount must be greater than zero." in page(response)


@pytest.mark.parametrize(("typed", "message"), [
    ("-5", "The number must be at least 1."), ("0", "The number must be at least 1."),
    ("abc", "Enter a whole number."), ("1e3", "Enter a whole number."),
    ("99999999999", "The number must be at most 10000000."),
])
def test_company_employees_state_the_rule(client, auth, world, typed, message):
    login(auth, world.founder)
    response = _company(client, world, employees=typed)
    assert response.status_code == 422
    body = page(response)
    assert message in body
    assert REQUIRED not in body


def test_loan_request_employees_may_be_zero_not_negative(client, auth, world):
    login(auth, world.founder)
    draft = factories.draft(world, documents=False)
    response = _loan_request(client, draft.id, world.bank1.id, employees="-1")
    assert response.status_code == 422
    assert "The number must be at least 0." in page(response)
    assert _loan_request(client, draft.id, world.bank1.id, employees="0").status_code == 302


def test_a_negative_repayment_is_refused_as_negative(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    today = business_today().isoformat()
    for field in ("principal", "interest"):
        response = fire(client, loan.id, "report_repayment", due_on=today, paid_on=today,
                        **{"principal": "1000", "interest": "10", field: "-3"})
        assert response.status_code == 422
        body = page(response)
        assert NOT_NEGATIVE in body
        assert "greater than zero" not in body
    assert fresh(loan.id).status == "covered"


@pytest.mark.parametrize(("typed", "message"), [
    ("1e5", "Enter a percentage with at most two decimals, e.g. 51.5."),
    ("abc", "Enter a percentage with at most two decimals, e.g. 51.5."),
    ("0", "The share must be between 0.01 and 100 percent."),
])
def test_equity_share_states_the_rule(client, auth, world, typed, message):
    login(auth, world.founder)
    response = client.post("/company/talent", data={
        "founder_name": "陈海洋", "id_number": "11010519491231002X", "tier": "B",
        "certificate_no": "QDRC-1001", "issuer": "青岛市人才工作领导小组",
        "valid_until": "2028-12-31", "equity_percent": typed})
    assert response.status_code == 422
    body = page(response)
    assert message in body and REQUIRED not in body


def test_an_equity_share_with_two_decimals_is_stored_exactly(client, auth, world):
    login(auth, world.founder)
    response = client.post("/company/talent", data={
        "founder_name": "陈海洋", "id_number": "11010519491231002X", "tier": "B",
        "certificate_no": "QDRC-1001", "issuer": "青岛市人才工作领导小组",
        "valid_until": "2028-12-31", "equity_percent": "51.25%"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.founder.enterprise.talent.equity_bp == 5125
