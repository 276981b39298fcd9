"""The founder's application flow: which banks are offered, what starting an application
needs, what the review step promises, requests for information and what changed."""

import html
import re

import pytest
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Organisation
from talentfin.services import applications as service
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.common import missing_replacements
from talentfin.workflows.partners import partners
from tests import factories
from tests.web import LOAN_REQUEST
from tests.web import fire
from tests.web import founder_applies
from tests.web import fresh
from tests.web import login
from tests.web import register_and_confirm
from tests.web import switch_to
from tests.web import text
from tests.web import upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CLAIM_KINDS = ("loan_contract", "disbursement_proof", "repayment_history",
               "collection_records", "classification_evidence", "litigation_papers",
               "diligence_statement")


def page(response) -> str:
    """The body with HTML entities decoded, as the user reads it."""
    return html.unescape(text(response))


def _options(body: str, name: str) -> list[str]:
    """The values of a select's (or checkbox list's) options named ``name``."""
    select_match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S)
    if select_match:
        return re.findall(r'<option[^>]*value="([^"]*)"', select_match.group(1))
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', body)


def _review(client, application_id) -> str:
    response = client.get(f"/applications/{application_id}/edit/review")
    assert response.status_code == 200
    return page(response)


# 1. Banks that lost their standing ---------------------------------------------------

def _terminate_by_clawback(world) -> None:
    """The committee claws back a compensation from bank 1: its partnership ends."""
    loan = factories.loan_in(world, "compensated", founder=world.founder2)
    engine.fire(loan, "claw_back", world.committee, comment="伪造还款记录")
    assert db.session.get(Organisation, world.bank1.id).standing == "terminated"


def _suspend(world) -> None:
    # The suspension rule itself is tested in test_bank_standing; here only its outcome.
    world.bank1.standing = "suspended"
    db.session.commit()


@pytest.mark.parametrize("lose_standing", [_terminate_by_clawback, _suspend],
                         ids=["terminated", "suspended"])
def test_a_bank_that_lost_its_standing_is_not_offered(client, auth, world, lose_standing):
    application = factories.draft(world, bank=world.bank1)
    lose_standing(world)
    login(auth, world.founder)

    response = client.get(f"/applications/{application.id}/edit/request")
    body = page(response)
    assert _options(body, "partner_org_id") == [str(world.bank2.id)]
    assert "bank-1 no longer takes talent-loan applications; choose another bank." in body

    review = _review(client, application.id)
    assert "bank-1 no longer takes talent-loan applications; choose another bank." in review
    assert "meet the eligibility rules" not in review

    # The founder cannot keep it (the form), and the service refuses it too.
    response = client.post(f"/applications/{application.id}/edit/request",
                           data={**LOAN_REQUEST, "partner_org_id": str(world.bank1.id)})
    assert response.status_code == 422
    with pytest.raises(service.ApplicationError, match="no longer takes"):
        service.save_request(fresh(application.id), {
            "partner_org_id": world.bank1.id, "requested_amount_fen": 100_000_000,
            "requested_term_months": 24, "purpose": "x"})

    response = client.post(f"/applications/{application.id}/edit/request",
                           data={**LOAN_REQUEST, "partner_org_id": str(world.bank2.id)})
    assert response.status_code == 302
    assert fresh(application.id).partner_org_id == world.bank2.id
    assert "no longer takes" not in _review(client, application.id)


def test_new_applications_are_offered_only_banks_in_good_standing(world):
    world.bank1.standing = "terminated"
    db.session.commit()
    assert [bank.id for bank in partners("loan")] == [world.bank2.id]


# 2. Starting an application needs the whole profile ----------------------------------

def _register(client) -> None:
    client.post("/language", data={"lang": "en"})
    response = register_and_confirm(client, {
        "name": "陈海洋", "email": "chen@example.cn", "company_name": "青岛新锐科技有限公司",
        "uscc": factories.demo_uscc(77), "password": "long-enough-pw",
        "confirm": "long-enough-pw"})
    assert response.status_code == 302, page(response)


TALENT = {
    "founder_name": "陈海洋", "id_number": "11010519491231002X", "tier": "B",
    "certificate_no": "QDRC-1001", "issuer": "青岛市人才工作领导小组",
    "valid_until": "2030-12-31", "equity_percent": "51",
}
COMPANY = {
    "name": "青岛新锐科技有限公司", "registered_in_district": "y", "founded_on": "2024-03-15",
    "registered_capital": "1,000,000", "legal_representative": "陈海洋",
    "address": "青岛市崂山区松岭路 1 号", "industry": "海洋智能装备", "employees": "28",
}


def test_an_application_needs_the_company_profile_not_only_the_talent(client, world):
    _register(client)
    assert client.post("/company/talent", data=TALENT).status_code == 302

    response = client.post("/applications/new", data={"product": "loan"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/company/")
    body = page(client.get("/company/"))
    assert ("Complete the company profile before applying; missing: Park, Founded on, "
            "Registered capital (yuan), Legal representative, Registered address, Industry, "
            "Employees.") in body
    assert db.session.scalar(select(Application.id)) is None

    response = client.post("/company/", data={**COMPANY, "uscc": factories.demo_uscc(77),
                                              "park_id": str(world.park.id)})
    assert response.status_code == 302
    response = client.post("/applications/new", data={"product": "loan"})
    assert "/edit/company" in response.headers["Location"]  # the first step of the form
    application = db.session.scalars(select(Application)).one()
    assert application.park_id == world.park.id


def test_an_application_needs_the_talent_certification(client, world):
    _register(client)
    client.post("/company/", data={**COMPANY, "uscc": factories.demo_uscc(77),
                                   "park_id": str(world.park.id)})
    response = client.post("/applications/new", data={"product": "loan"})
    assert response.headers["Location"].endswith("/company/talent")
    assert "Add the talent certification before applying." in page(
        client.get("/company/talent"))
    assert db.session.scalar(select(Application.id)) is None


def test_registering_a_known_company_says_whom_to_contact(client, world):
    client.post("/language", data={"lang": "en"})
    response = client.post("/register", data={
        "name": "李四", "email": "li@example.cn", "company_name": "测试企业1",
        "uscc": world.founder.enterprise.uscc, "password": "long-enough-pw",
        "confirm": "long-enough-pw"})
    assert response.status_code == 422
    body = page(response)
    assert "contact your park or the programme's administrator" in body
    assert "ask its founder" not in body


def test_a_known_credit_code_in_the_profile_says_whom_to_contact(client, auth, world):
    login(auth, world.founder2)
    response = client.post("/company/", data={**COMPANY, "uscc": world.founder.enterprise.uscc,
                                              "park_id": str(world.park2.id)})
    assert response.status_code == 422
    assert "contact your park or the programme's administrator" in page(response)
    db.session.expire_all()
    assert world.founder2.enterprise.uscc != world.founder.enterprise.uscc


# 3. The review step lists everything that would refuse the submission ----------------

def test_over_the_tier_limit_the_review_step_is_not_green(client, auth, world):
    login(auth, world.founder)  # tier B: at most 5,000,000 yuan
    application_id = founder_applies(client, world.bank1.id)
    request_page = page(client.get(f"/applications/{application_id}/edit/request"))
    assert "Your talent tier B allows at most 5,000,000.00 yuan." in request_page

    response = client.post(f"/applications/{application_id}/edit/request",
                           data={**LOAN_REQUEST, "partner_org_id": str(world.bank1.id),
                                 "requested_amount": "6,000,000"}, follow_redirects=True)
    body = page(response)
    assert ("Saved. The amount is over the tier B limit of 5,000,000.00 yuan; lower it, "
            "or the application cannot be submitted.") in body
    assert "The amount is over the tier B limit of 5,000,000.00 yuan." in body
    assert fresh(application_id).requested_amount_fen == 600_000_000

    review = _review(client, application_id)
    assert "The application cannot be submitted yet:" in review
    assert ("The amount 6,000,000.00 yuan is over the tier B limit of 5,000,000.00 yuan."
            in review)
    assert "meet the eligibility rules" not in review


def test_the_review_step_lists_every_problem_at_once(client, auth, world):
    login(auth, world.founder)
    response = client.post("/applications/new", data={"product": "loan"})
    application_id = int(response.headers["Location"].split("/")[-3])
    client.post(f"/applications/{application_id}/edit/request",
                data={**LOAN_REQUEST, "partner_org_id": str(world.bank1.id),
                      "requested_amount": "6,000,000"})
    world.founder.enterprise.talent.equity_bp = 2000
    db.session.commit()

    review = _review(client, application_id)
    assert "Please upload the required documents:" in review
    assert "The founder holds 20.00% of the equity; at least 30.00% is required." in review
    assert "over the tier B limit of 5,000,000.00 yuan" in review


# 4. Requests for information ---------------------------------------------------------

def test_founders_see_and_upload_only_the_applications_documents(client, auth, world):
    application = factories.draft(world)
    login(auth, world.founder)
    body = page(client.get(f"/applications/{application.id}/edit/documents"))
    assert _options(body, "kind") == ["business_licence", "talent_certificate",
                                      "financial_statements", "business_plan", "other"]
    response = upload(client, application.id, "loan_contract")
    assert response.status_code == 422
    with pytest.raises(UploadRefused):
        save_attachment(application, "litigation_papers", factories.pdf_upload(),
                        world.founder)
    kinds = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == application.id)))
    assert kinds.isdisjoint(CLAIM_KINDS)


def test_a_request_for_information_names_only_the_applications_documents(client, auth,
                                                                          world):
    application = factories.loan_in(world, "park_review")
    login(auth, world.park_reviewer)
    body = page(client.get(f"/applications/{application.id}"))
    assert _options(body, "park_request_info-documents") == [
        "business_licence", "talent_certificate", "financial_statements", "business_plan",
        "other"]
    response = fire(client, application.id, "park_request_info", documents=["loan_contract"],
                    comment="x")
    assert response.status_code == 422
    assert fresh(application.id).status == "park_review"


@pytest.mark.parametrize("state,trigger", [("info_requested", "resubmit"),
                                           ("bank_info_requested", "bank_resubmit")])
def test_requested_documents_must_be_replaced_before_resubmitting(client, auth, world, state,
                                                                  trigger):
    application = factories.loan_in(world, state)
    asked = application.info_request["documents"]
    assert asked  # the factory's reviewer names a document
    assert missing_replacements(application) == asked

    login(auth, world.founder)
    review = _review(client, application.id)
    assert "Upload a new version of each document you were asked to replace:" in review
    assert "meet the eligibility rules" not in review

    for kind in asked:
        assert upload(client, application.id, kind, PNG, f"{kind}-v2.png").status_code == 302
    assert missing_replacements(fresh(application.id)) == []
    assert "new file uploaded" in page(client.get(f"/applications/{application.id}"))
    review = _review(client, application.id)
    assert "Upload a new version" not in review
    assert fire(client, application.id, trigger).status_code == 302
    assert fresh(application.id).status in ("park_review", "partner_review")


def test_the_founder_is_told_to_act_when_holding_the_file(client, auth, world):
    application = factories.loan_in(world, "info_requested")
    login(auth, world.founder)
    body = page(client.get(f"/applications/{application.id}"))
    assert ("Next: fix the fields and documents named under “Please fix”, then resubmit "
            "the application (Edit and submit).") in body
    assert "Next: waiting in" not in body
    switch_to(auth, world.park_reviewer)
    assert "Next: waiting for the founder to answer." in page(
        client.get(f"/applications/{application.id}"))


# 5. What changed, in words -----------------------------------------------------------

def test_resubmission_changes_describe_replaced_documents(client, auth, world):
    application = factories.loan_in(world, "info_requested")
    login(auth, world.founder)
    for kind in application.info_request["documents"]:
        upload(client, application.id, kind, PNG, "statements-2025.png")
    assert fire(client, application.id, "resubmit").status_code == 302

    switch_to(auth, world.park_reviewer)
    body = page(client.get(f"/applications/{application.id}"))
    changes = body.split("Changed since the previous submission:")[1].split("</ul>")[0]
    assert ("Financial statements: re-uploaded statements-2025.png "
            "(replaced financial_statements.pdf)") in changes
    assert "(sha256)" not in changes and "(name)" not in changes
