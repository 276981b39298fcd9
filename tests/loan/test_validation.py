"""Bad input in the real forms: each gives its message and keeps what the user typed;
and unit tests of the identifier and money parsers behind them."""

import html

import pytest
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.identifiers import USCC_ALPHABET
from talentfin.identifiers import resident_id_problem
from talentfin.identifiers import uscc_problem
from talentfin.models import Attachment
from talentfin.models import User
from talentfin.money import MoneyError
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.money import parse_yuan
from tests import factories
from tests.web import fire
from tests.web import founder_applies
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import status_label
from tests.web import text
from tests.web import upload

BAD_USCC = "91350100M000100Y44"  # the check character of ...Y43 corrupted
BAD_ID = "110105194912310021"  # the check character of 11010519491231002X corrupted
USCC_CHECK = "The check character of this unified social credit code is wrong"
ID_CHECK = "The check digit of this ID number is wrong"
ONLY_PDF = "Only PDF, JPEG and PNG files are accepted"


def page(response) -> str:
    """The body with HTML entities decoded, as the user reads it."""
    return html.unescape(text(response))


def test_registration_refuses_a_bad_credit_code_and_keeps_the_input(client):
    client.post("/language", data={"lang": "en"})
    response = client.post("/register", data={
        "name": "陈海洋", "email": "chen@example.cn", "company_name": "青岛深蓝智能科技有限公司",
        "uscc": BAD_USCC, "password": "long-enough-pw", "confirm": "long-enough-pw"})
    assert response.status_code in (200, 422)
    body = page(response)
    assert USCC_CHECK in body
    for typed in ("陈海洋", "chen@example.cn", "青岛深蓝智能科技有限公司", BAD_USCC):
        assert f'value="{typed}"' in body
    assert db.session.scalar(select(User).where(User.email == "chen@example.cn")) is None


COMPANY = {
    "name": "测试企业一号", "registered_in_district": "y", "founded_on": "2023-03-15",
    "registered_capital": "1,000,000", "legal_representative": "陈海洋",
    "address": "青岛市崂山区松岭路 1 号", "industry": "海洋智能装备", "employees": "28",
}


def test_company_profile_refuses_a_bad_credit_code_and_keeps_the_input(client, auth, world):
    login(auth, world.founder)
    before = world.founder.enterprise.uscc
    response = client.post("/company/", data={**COMPANY, "uscc": BAD_USCC,
                                              "park_id": str(world.park.id)})
    assert response.status_code in (200, 422)
    body = page(response)
    assert USCC_CHECK in body
    for typed in ("测试企业一号", "青岛市崂山区松岭路 1 号", "1,000,000", BAD_USCC):
        assert f'value="{typed}"' in body
    db.session.expire_all()
    assert world.founder.enterprise.uscc == before


TALENT = {
    "founder_name": "陈海洋", "tier": "B", "certificate_no": "QDRC-1001",
    "issuer": "青岛市人才工作领导小组", "valid_until": "2028-12-31", "equity_percent": "51",
}


def test_talent_form_refuses_a_bad_resident_id_and_keeps_the_input(client, auth, world):
    login(auth, world.founder)
    response = client.post("/company/talent", data={**TALENT, "id_number": BAD_ID})
    assert response.status_code in (200, 422)
    body = page(response)
    assert ID_CHECK in body
    for typed in ("QDRC-1001", "青岛市人才工作领导小组", BAD_ID):
        assert f'value="{typed}"' in body
    db.session.expire_all()
    assert world.founder.enterprise.talent.id_number == "370212198505050019"  # unchanged


def test_talent_form_accepts_a_valid_resident_id(client, auth, world):
    login(auth, world.founder)
    response = client.post("/company/talent", data={**TALENT, "id_number": "11010519491231002x"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.founder.enterprise.talent.id_number == "11010519491231002X"


def test_founder_cannot_submit_over_the_tier_limit(client, auth, world):
    login(auth, world.founder)  # tier B: at most 5,000,000 yuan
    application_id = founder_applies(client, world.bank1.id, requested_amount="5,000,000.01")
    response = fire(client, application_id, "submit", follow=True)
    body = page(response)
    assert ("The amount 5,000,000.01 yuan is over the tier B limit of 5,000,000.00 yuan."
            in body)
    assert "5,000,000.01" in body.split("Amount (yuan)")[1]  # the request is still there
    assert fresh(application_id).status == "draft"
    assert logs(application_id) == []


def test_amount_with_more_than_two_decimals_is_refused_with_its_reason(client, auth, world):
    login(auth, world.founder)
    draft = factories.draft(world, documents=False)
    response = client.post(f"/applications/{draft.id}/edit/request", data={
        "partner_org_id": str(world.bank1.id), "requested_amount": "1.234",
        "requested_term_months": "36", "purpose": "采购研发设备与扩充研发团队。"})
    assert response.status_code == 422
    body = page(response)
    assert "Enter an amount in yuan with at most two decimals." in body
    assert 'value="1.234"' in body and "采购研发设备与扩充研发团队。" in body
    assert '<option selected value="36">' in body
    assert fresh(draft.id).requested_amount_fen == 100_000_000


def test_an_absurd_amount_is_refused_not_a_server_error(client, auth, world):
    login(auth, world.founder)
    draft = factories.draft(world, documents=False)
    response = client.post(f"/applications/{draft.id}/edit/request", data={
        "partner_org_id": str(world.bank1.id), "requested_amount": "1" + "0" * 20,
        "requested_term_months": "12", "purpose": "采购研发设备与扩充研发团队。"})
    assert response.status_code == 422
    assert "The amount is too large (at most 10,000,000,000,000.00 yuan)." in page(response)
    assert fresh(draft.id).requested_amount_fen == 100_000_000
    auth.logout()
    login(auth, world.officer1)
    assert client.get("/queue/?min_amount=" + "9" * 25).status_code == 200


def _recommend(client, application_id, amount="1,000,000", rate="3.65"):
    return fire(client, application_id, "recommend", amount=amount, rate=rate,
                term_months="24", security="pure_credit", comment="经营稳定")


def test_officer_cannot_recommend_more_than_applied_for_and_keeps_the_input(client, auth,
                                                                          world):
    # The founder asked for 1,000,000 (tier B: limit 5,000,000); a recommendation may not
    # exceed the amount applied for, so that refusal comes before the tier limit's.
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = _recommend(client, application.id, amount="5000000.01")
    assert response.status_code == 422
    body = page(response)
    assert ("The amount 5,000,000.01 yuan is more than the 1,000,000.00 yuan the founder "
            "applied for.") in body
    for typed in ("5000000.01", "3.65", "经营稳定"):
        assert typed in body
    assert fresh(application.id).status == "partner_review"
    assert fresh(application.id).recommended_amount_fen is None


def test_rate_above_the_cap_is_refused_and_the_cap_itself_accepted(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)  # 1-year LPR 3.00% + 80 bp
    response = _recommend(client, application.id, rate="3.81")
    assert response.status_code == 422
    body = page(response)
    assert "The rate 3.81% is above the cap of 3.80% (1-year LPR + spread)." in body
    assert 'value="3.81"' in body and 'value="1,000,000"' in body
    assert fresh(application.id).status == "partner_review"

    response = _recommend(client, application.id, rate="3.80")
    assert response.status_code == 302
    assert fresh(application.id).status == "bank_approval"
    assert fresh(application.id).recommended_rate_bp == 380


def test_rate_that_is_not_a_percentage_is_refused(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = _recommend(client, application.id, rate="3.655")
    assert response.status_code == 422
    assert "Enter a positive rate with at most two decimals" in page(response)
    assert fresh(application.id).status == "partner_review"


def _draft_on_documents_step(client, auth, world):
    login(auth, world.founder)
    return factories.draft(world, documents=False).id


def _stored_kinds(application_id):
    db.session.expire_all()
    return list(db.session.scalars(select(Attachment.kind)
                                   .where(Attachment.application_id == application_id)))


def test_a_text_file_named_pdf_is_refused(client, auth, world):
    application_id = _draft_on_documents_step(client, auth, world)
    response = upload(client, application_id, "business_plan", b"just some text\n" * 20,
                      "plan.pdf")
    assert response.status_code == 422
    body = page(response)
    assert ONLY_PDF in body
    assert '<option selected value="business_plan">' in body  # the chosen kind is kept
    assert _stored_kinds(application_id) == []


def test_an_executable_named_pdf_is_refused(client, auth, world):
    application_id = _draft_on_documents_step(client, auth, world)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    response = upload(client, application_id, "business_licence", exe, "licence.pdf")
    assert response.status_code == 422
    assert ONLY_PDF in page(response)
    assert _stored_kinds(application_id) == []


def test_an_oversize_file_is_refused_with_the_limit(client, auth, world, monkeypatch, app):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 2048)
    application_id = _draft_on_documents_step(client, auth, world)
    big = factories.DEMO_PDF + b"%" + b"x" * 3000
    response = upload(client, application_id, "financial_statements", big, "big.pdf")
    assert response.status_code == 422
    body = page(response)
    assert "The file is larger than 2 KB; please upload a smaller file." in body
    assert '<option selected value="financial_statements">' in body
    assert "at most 2 KB" in body  # the page states the limit in force
    assert _stored_kinds(application_id) == []
    assert upload(client, application_id, "financial_statements").status_code == 302


def test_a_valid_upload_after_a_refusal_is_stored(client, auth, world):
    application_id = _draft_on_documents_step(client, auth, world)
    upload(client, application_id, "business_plan", b"not a pdf", "plan.pdf")
    response = upload(client, application_id, "business_plan", follow=True)
    assert "The document is uploaded." in page(response)
    assert _stored_kinds(application_id) == ["business_plan"]
    assert status_label(client.get(f"/applications/{application_id}")) == "Draft"


VALID_USCC = "91350100M000100Y43"
VALID_ID = "11010519491231002X"


def test_a_known_credit_code_is_valid_in_any_case():
    assert uscc_problem(VALID_USCC) is None
    assert uscc_problem(VALID_USCC.lower()) is None


@pytest.mark.parametrize("check", sorted(set(USCC_ALPHABET) - {"3"}))
def test_a_credit_code_with_a_corrupted_check_character_is_refused(check):
    assert uscc_problem(VALID_USCC[:17] + check) == "check"


@pytest.mark.parametrize(("code", "problem"), [
    (VALID_USCC[:17], "length"), (VALID_USCC + "0", "length"), ("", "length"),
    ("91350100M000100I43", "chars"), ("91350100M000100O43", "chars"),
    ("91350100M00010-Y43", "chars"),
])
def test_a_malformed_credit_code_says_why(code, problem):
    assert uscc_problem(code) == problem


def test_a_known_resident_id_is_valid_with_either_x():
    assert resident_id_problem(VALID_ID) is None
    assert resident_id_problem(VALID_ID.lower()) is None


@pytest.mark.parametrize("check", list("0123456789"))
def test_a_resident_id_with_a_corrupted_check_digit_is_refused(check):
    assert resident_id_problem(VALID_ID[:17] + check) == "check"


@pytest.mark.parametrize(("number", "problem"), [
    ("11010519490230002X", "birth"),  # 30 February
    ("11010520991231002X", "birth"),  # born in the future
    (VALID_ID[:17], "length"), ("1101051949123100AX", "chars"), ("11010519491231002Y", "chars"),
])
def test_a_malformed_resident_id_says_why(number, problem):
    assert resident_id_problem(number) == problem


@pytest.mark.parametrize(("typed", "fen"), [
    ("1,234.56", 123456), ("1234.5", 123450), (" 100 ", 10000), ("0.01", 1), ("1，000", 100000),
])
def test_parse_yuan_reads_what_people_type(typed, fen):
    assert parse_yuan(typed) == fen
    assert isinstance(parse_yuan(typed), int)


@pytest.mark.parametrize("typed", ["1.234", "abc", "", "NaN", "Infinity", "1.2.3",
                                   "1" + "0" * 20])
def test_parse_yuan_refuses_what_is_not_an_amount(typed):
    with pytest.raises(MoneyError):
        parse_yuan(typed)


def test_amounts_and_rates_are_shown_exactly():
    assert format_fen(123456) == "1,234.56"
    assert format_fen(500_000_000_00) == "500,000,000.00"
    assert format_rate_bp(380) == "3.80%"
