"""The 人才贷 route state by state, through the web client, as each role uses it.

Refusals (withdrawal, rejection, eligibility, the filing window) are in
test_loan_route_refusals.py.
"""

from datetime import timedelta

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services.applications import current_attachments
from talentfin.workflows.loan.labels import REQUIRED_DOCUMENTS as REQUIRED_LOAN_ATTACHMENTS
from tests import factories
from tests.web import LOAN_REQUEST
from tests.web import fire
from tests.web import founder_applies
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import status_label
from tests.web import switch_to
from tests.web import text
from tests.web import upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _detail(client, application_id):
    response = client.get(f"/applications/{application_id}")
    assert response.status_code == 200
    return response


def _last_log(application_id):
    return logs(application_id)[-1]


def _assert_log(application_id, trigger, actor, source, dest, comment=""):
    row = _last_log(application_id)
    assert (row.trigger, row.from_state, row.to_state) == (trigger, source, dest)
    assert row.actor_id == (actor.id if actor else None)
    assert row.comment == comment


def _request_data(world):
    return {**LOAN_REQUEST, "partner_org_id": str(world.bank1.id)}


def test_founder_drafts_and_submits(client, auth, world):
    login(auth, world.founder)
    application_id = founder_applies(client, world.bank1.id)
    application = fresh(application_id)
    assert application.status == "draft"
    assert application.requested_amount_fen == 100_000_000
    assert application.partner_org_id == world.bank1.id
    assert application.details["annual_revenue_fen"] == 500_000_000

    review = client.get(f"/applications/{application_id}/edit/review")
    assert review.status_code == 200
    assert "meet the eligibility rules" in text(review)
    assert 'id="submit-application"' in text(review)

    response = fire(client, application_id, "submit", follow=True)
    assert response.status_code == 200
    assert "Done: Submit application." in text(response)
    assert status_label(response) == "Park review"
    application = fresh(application_id)
    assert application.status == "park_review"
    assert application.submitted_at is not None
    assert application.park_id == world.park.id
    _assert_log(application_id, "submit", world.founder, "draft", "park_review")
    # The submission schedules its application form dossier (rendered later by the worker).
    assert db.session.query(Dossier).filter_by(application_id=application_id,
                                               stage="application_form").count() == 1


def test_draft_cannot_be_submitted_without_the_documents(client, auth, world):
    login(auth, world.founder)
    response = client.post("/applications/new", data={"product": "loan"})
    application_id = int(response.headers["Location"].split("/")[-3])
    client.post(f"/applications/{application_id}/edit/request",
                data={**_request_data(world), "requested_amount": "500000"})
    upload(client, application_id, "business_licence")

    response = fire(client, application_id, "submit", follow=True)
    assert "Please upload the required documents" in text(response)
    assert "Business plan" in text(response)
    assert fresh(application_id).status == "draft"
    assert logs(application_id) == []


def test_information_request_resubmission_shows_what_changed(client, auth, world):
    login(auth, world.founder)
    application_id = founder_applies(client, world.bank1.id)
    fire(client, application_id, "submit")

    switch_to(auth, world.park_reviewer)
    queue = client.get("/queue/")
    assert fresh(application_id).reference in text(queue)
    response = fire(client, application_id, "park_request_info", follow=True,
                    fields=["requested_amount"], documents=["financial_statements"],
                    comment="请核实申请金额并补充最新财务报表。")
    assert status_label(response) == "Information requested"
    application = fresh(application_id)
    assert application.status == "info_requested"
    assert application.info_request["fields"] == ["requested_amount"]
    assert application.info_request["documents"] == ["financial_statements"]
    _assert_log(application_id, "park_request_info", world.park_reviewer, "park_review",
                "info_requested", "请核实申请金额并补充最新财务报表。")

    switch_to(auth, world.founder)
    page = text(_detail(client, application_id))
    assert "Please fix:" in page
    assert "Requested amount" in page and "Financial statements" in page
    assert "请核实申请金额并补充最新财务报表。" in page
    response = client.post(f"/applications/{application_id}/edit/request",
                           data={**_request_data(world), "requested_amount": "1,200,000"})
    assert response.status_code == 302
    assert upload(client, application_id, "financial_statements", PNG,
                  "statements-2025.png").status_code == 302
    review = text(client.get(f"/applications/{application_id}/edit/review"))
    assert f'action="/applications/{application_id}/fire/resubmit"' in review
    response = fire(client, application_id, "resubmit", follow=True)
    assert status_label(response) == "Park review"
    assert fresh(application_id).requested_amount_fen == 120_000_000
    _assert_log(application_id, "resubmit", world.founder, "info_requested", "park_review")

    switch_to(auth, world.park_reviewer)
    page = text(_detail(client, application_id))
    assert "Changed since the previous submission:" in page
    changes = page.split("Changed since the previous submission:")[1].split("</ul>")[0]
    assert "Requested amount (yuan)" in changes
    assert "1,000,000.00" in changes and "1,200,000.00" in changes
    assert "statements-2025.png" in changes
    assert "Business licence" not in changes  # unchanged documents are not listed

    response = fire(client, application_id, "park_approve", follow=True,
                    comment="企业在园区正常经营，同意推荐。")
    assert status_label(response) == "Bank review"
    _assert_log(application_id, "park_approve", world.park_reviewer, "park_review",
                "partner_review", "企业在园区正常经营，同意推荐。")
    assert fresh(application_id).partner_routed_at is not None


def test_bank_decides_contracts_disburses_and_pool_files(client, auth, world):
    factories.fund_pool(world)  # filing checks the pool's leverage limit
    application_id = factories.loan_in(world, "partner_review").id
    login(auth, world.officer1)
    assert fresh(application_id).reference in text(client.get("/queue/"))
    response = fire(client, application_id, "recommend", follow=True, amount="900,000",
                    rate="3.65", term_months="24", security="guarantee",
                    comment="经营稳定，建议授信。")
    assert status_label(response) == "Awaiting bank approval"
    application = fresh(application_id)
    assert (application.recommended_amount_fen, application.recommended_rate_bp,
            application.recommended_term_months) == (90_000_000, 365, 24)
    assert application.recommended_by_id == world.officer1.id
    _assert_log(application_id, "recommend", world.officer1, "partner_review",
                "bank_approval", "经营稳定，建议授信。")
    assert _last_log(application_id).payload == {"amount_fen": 90_000_000, "rate_bp": 365,
                                                 "term_months": 24, "security": "guarantee",
                                                 "policy_on": business_today().isoformat()}
    assert application.security == "guarantee" and not application.pure_credit

    switch_to(auth, world.approver1)
    page = text(_detail(client, application_id))
    assert "900,000.00" in page and "3.65%" in page
    assert "Guarantee" in page  # the security shows with the terms
    response = fire(client, application_id, "bank_approve", follow=True, comment="同意。")
    assert status_label(response) == "Approved"
    assert fresh(application_id).decided_by_id == world.approver1.id
    _assert_log(application_id, "bank_approve", world.approver1, "bank_approval", "approved",
                "同意。")

    switch_to(auth, world.officer1)
    signed = business_today() - timedelta(days=3)
    response = fire(client, application_id, "contract", follow=True, contract_no="HT-2026-001",
                    signed_on=signed.isoformat())
    assert status_label(response) == "Contract signed"
    assert "HT-2026-001" in text(response)
    response = fire(client, application_id, "disburse", follow=True, amount="900000",
                    disbursed_on=business_today().isoformat())
    assert status_label(response) == "Disbursed"
    application = fresh(application_id)
    assert (application.disbursed_amount_fen, application.disbursed_on) == (
        90_000_000, business_today())
    _assert_log(application_id, "disburse", world.officer1, "contracted", "disbursed")

    switch_to(auth, world.pool_admin)
    response = fire(client, application_id, "file_with_pool", follow=True,
                    comment="备案材料齐全。")
    assert status_label(response) == "Filed with the pool (covered)"
    application = fresh(application_id)
    assert application.status == "covered"
    assert application.filing_no and application.filing_no in text(response)
    _assert_log(application_id, "file_with_pool", world.pool_admin, "disbursed", "covered",
                "备案材料齐全。")
    triggers = [row.trigger for row in logs(application_id)]
    assert triggers == ["submit", "park_approve", "recommend", "bank_approve", "contract",
                        "disburse", "file_with_pool"]


def test_approver_who_recommended_cannot_approve(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    # An officer who recommends and is later given the approver role at the same bank.
    dual = factories.user("dual@t.cn", "bank_officer", world.bank1)
    login(auth, dual)
    fire(client, application.id, "recommend", amount="1000000", rate="3.50", term_months="24",
         security="pure_credit")
    assert fresh(application.id).recommended_by_id == dual.id
    dual.role = "bank_approver"
    db.session.commit()

    switch_to(auth, dual)
    response = fire(client, application.id, "bank_approve", comment="同意")
    assert response.status_code == 422
    assert "You recommended this loan; another approver must decide it." in text(response)
    assert fresh(application.id).status == "bank_approval"
    assert _last_log(application.id).trigger == "recommend"

    switch_to(auth, world.approver1)  # a colleague who did not recommend may decide
    assert fire(client, application.id, "bank_approve", comment="同意").status_code == 302
    assert fresh(application.id).status == "approved"
    _assert_log(application.id, "bank_approve", world.approver1, "bank_approval", "approved",
                "同意")


def test_documents_listed_and_downloadable_by_the_reviewer(client, auth, world):
    application = factories.loan_in(world, "park_review")
    login(auth, world.park_reviewer)
    page = text(_detail(client, application.id))
    for kind in REQUIRED_LOAN_ATTACHMENTS:
        assert f"{kind}.pdf" in page
    attachment_id = application_attachment_id(application.id)
    response = client.get(f"/applications/{application.id}/files/{attachment_id}")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def application_attachment_id(application_id: int) -> int:
    """The id of one current attachment of the application."""

    return current_attachments(fresh(application_id))[0].id


def test_bank_request_for_information_and_resubmission(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = fire(client, application.id, "bank_request_info", follow=True,
                    documents=["business_plan"], comment="请补充商业计划书中的市场数据。")
    assert status_label(response) == "Information requested by the bank"

    switch_to(auth, world.founder)
    assert "请补充商业计划书中的市场数据。" in text(_detail(client, application.id))
    # Answering the bank cannot move the application to another bank.
    response = client.post(f"/applications/{application.id}/edit/request",
                           data={**_request_data(world), "partner_org_id": str(world.bank2.id)})
    assert response.status_code == 422
    assert "Choose one of" in text(response)
    assert upload(client, application.id, "business_plan", PNG, "plan-v2.png").status_code == 302
    response = fire(client, application.id, "bank_resubmit", follow=True)
    assert status_label(response) == "Bank review"
    application = fresh(application.id)
    assert application.partner_org_id == world.bank1.id
    _assert_log(application.id, "bank_resubmit", world.founder, "bank_info_requested",
                "partner_review")

    switch_to(auth, world.officer1)
    page = text(_detail(client, application.id))
    assert "Changed since the previous submission:" in page and "plan-v2.png" in page


def test_officers_internal_note_is_hidden_from_the_founder(client, auth, world):
    application = factories.loan_in(world, "bank_approval")
    log_comment = "good"  # the officer's note to the approver (see tests/factories.py)
    switch_to(auth, world.approver1)
    assert f"“{log_comment}”" in text(_detail(client, application.id))
    switch_to(auth, world.founder)
    page = text(_detail(client, application.id))
    assert f"“{log_comment}”" not in page
    assert "“ok”" in page  # the park's opinion is addressed to the founder too


def test_an_internal_note_is_read_in_its_institution_and_by_the_auditor(client, auth, world):
    """The officer's note to the approver is the bank's: the park does not read it, the
    auditor does."""
    application = factories.loan_in(world, "covered")
    switch_to(auth, world.park_reviewer)
    page = text(_detail(client, application.id))
    assert "“good”" not in page and "“ok”" in page
    switch_to(auth, world.auditor)
    assert "“good”" in text(_detail(client, application.id))


def test_a_form_from_a_stale_tab_is_not_fired_on_a_state_its_page_did_not_show(
        client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert 'name="seen_state" value="partner_review"' in client.get(
        f"/applications/{application.id}").get_data(as_text=True)
    # Another tab recommends: the loan now awaits the approver.
    fire(client, application.id, "recommend", amount="900,000", rate="3.65",
         term_months="24", security="guarantee", comment="建议授信。")
    assert fresh(application.id).status == "bank_approval"
    # The first tab still shows the bank's review and asks the founder for documents.
    response = client.post(f"/applications/{application.id}/fire/bank_request_info", data={
        "bank_request_info-documents": ["business_plan"],
        "bank_request_info-comment": "请补充商业计划书。", "seen_state": "partner_review"})
    assert response.status_code == 409
    assert ("Your page showed this application as “Bank review”; it is now “Awaiting bank "
            "approval”.") in text(response)
    # The page as it is now, with the typed comment kept for a decision on what it shows.
    assert "请补充商业计划书。" in text(response)
    assert 'name="seen_state" value="bank_approval"' in response.get_data(as_text=True)
    assert fresh(application.id).status == "bank_approval"
    assert _last_log(application.id).trigger == "recommend"
    # The page as it is now carries the state it shows, and the request goes through.
    response = client.post(f"/applications/{application.id}/fire/bank_request_info", data={
        "bank_request_info-documents": ["business_plan"],
        "bank_request_info-comment": "请补充商业计划书。", "seen_state": "bank_approval"})
    assert response.status_code == 302
    assert fresh(application.id).status == "bank_info_requested"
