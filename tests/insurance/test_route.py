"""人才险 through the web client, as each role does it: the founder asks a quote, the park
recommends it, the underwriter proposes, the approver decides, the founder answers
counter-terms, the insurer issues the policy, the founder pays the premium and asks for the
subsidy, the pool pays it from both funders; then a claim is notified, adjusted and paid."""

import html
import io
import re

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.pool.models import LedgerEntry
from talentfin.services.outbox import run_pending
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.models import PremiumPayment
from tests import factories
from tests.insurance.factories import policy_in
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import text as raw_text
from tests.web import upload

QUOTE = {"cover": "rd_loss", "requested_amount": "5,000,000", "requested_period_months": "12",
         "project_name": "深海传感器样机", "purpose": "为研发样机试验提供损失保障。",
         "loan_id": "0"}


def text(response) -> str:
    """The page as the user reads it (entities decoded)."""
    return html.unescape(raw_text(response))


def _stage_upload(client, application_id: int, kind: str):
    return client.post(f"/applications/{application_id}/documents", data={
        "document-kind": kind, "document-file": (io.BytesIO(DEMO_PDF), f"{kind}.pdf")},
        content_type="multipart/form-data")


def _new_quote(client, insurer_id: int, **changes) -> int:
    page = text(client.get("/applications/"))
    token = re.search(r'value="insurance">\s*<input type="hidden" name="opened_with" '
                      r'value="([^"]+)"', page).group(1)
    response = client.post("/applications/new", data={"product": "insurance",
                                                      "opened_with": token})
    assert "/edit/company" in response.location
    application_id = int(response.location.split("/")[-3])
    response = client.post(f"/applications/{application_id}/edit/request",
                           data={**QUOTE, "partner_org_id": str(insurer_id), **changes})
    assert response.status_code == 302, text(response)
    for kind in ("business_licence", "talent_certificate"):
        assert upload(client, application_id, kind).status_code == 302
    return application_id


def test_a_quote_becomes_a_policy_whose_subsidy_the_pool_pays(client, auth, world, insurers):
    factories.fund_pool(world)
    login(auth, world.founder)
    application_id = _new_quote(client, insurers.insurer1.id)
    review = text(client.get(f"/applications/{application_id}/edit/review"))
    assert "R&D-loss insurance" in review and "5,000,000.00" in review
    assert fire(client, application_id, "submit").status_code == 302
    assert fresh(application_id).status == "park_review"

    switch_to(auth, world.park_reviewer)
    assert fire(client, application_id, "park_approve", comment="属实").status_code == 302

    switch_to(auth, insurers.underwriter1)
    page = text(client.get("/queue/"))
    assert fresh(application_id).reference in page
    page = text(client.get(f"/applications/{application_id}"))
    assert 'id="action-propose"' in page and "1.50%" in page  # the insurer's own rate
    refused = fire(client, application_id, "propose", proposal="accept",
                   sum_insured="5,000,000", rate="1.80", period_months="12")
    assert refused.status_code == 422
    assert "anything else is counter-terms" in text(refused)
    assert fire(client, application_id, "propose", proposal="accept",
                sum_insured="5,000,000", rate="1.50", period_months="12",
                comment="风险可控").status_code == 302
    assert fresh(application_id).status == "underwriting_approval"

    switch_to(auth, insurers.approver1)
    page = text(client.get(f"/applications/{application_id}"))
    assert 'id="action-approve_acceptance"' in page
    assert 'id="action-approve_counter"' not in page  # only the proposal's own approval
    assert fire(client, application_id, "approve_acceptance").status_code == 302

    switch_to(auth, insurers.underwriter1)
    assert fire(client, application_id, "bind", policy_no="KJ-2026-0001",
                starts_on=business_today().isoformat()).status_code == 302
    policy = fresh(application_id)
    assert (policy.status, policy.sum_insured_fen, policy.annual_premium_fen) == (
        "bound", 5_000_000_00, 75_000_00)  # 1.5 % of 5,000,000

    switch_to(auth, world.founder)
    refused = fire(client, application_id, "pay_premium", amount="75,000",
                   paid_on=business_today().isoformat(), invoice_no="FP001")
    assert "Upload the premium's invoice first" in text(refused)
    assert _stage_upload(client, application_id, "premium_invoice").status_code == 302
    wrong = fire(client, application_id, "pay_premium", amount="74,999.99",
                 paid_on=business_today().isoformat(), invoice_no="FP001")
    assert "differs from the policy's premium of 75,000.00 yuan" in text(wrong)
    assert fire(client, application_id, "pay_premium", amount="75,000",
                paid_on=business_today().isoformat(), invoice_no="FP001").status_code == 302
    page = text(client.get(f"/applications/{application_id}"))
    assert "would be 37,500.00 yuan (50.00% of the premium" in page
    refused = fire(client, application_id, "request_subsidy")
    assert "Upload the bank account the subsidy is paid to first" in text(refused)
    _stage_upload(client, application_id, "bank_account")
    assert fire(client, application_id, "request_subsidy").status_code == 302
    assert fresh(application_id).status == "subsidy_review"

    switch_to(auth, world.pool_admin)
    assert fresh(application_id).reference in text(client.get("/queue/"))
    assert fire(client, application_id, "pay_subsidy", comment="同意").status_code == 302
    payment = db.session.scalar(select(PremiumPayment))
    assert (payment.subsidy_status, payment.subsidy_fen) == ("paid", 37_500_00)
    entry = db.session.get(LedgerEntry, payment.subsidy_entry_id)
    shares = sorted(-line.amount_fen for line in entry.lines if line.funder_id)
    assert entry.kind == "premium_subsidy_payout" and shares == [15_000_00, 22_500_00]
    run_pending()
    stages = set(db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == application_id, Dossier.status == "ready")))
    assert stages == {"application_form", "park_opinion", "underwriting_decision",
                      "policy_summary", "subsidy_request", "subsidy_decision"}


def test_counter_terms_are_accepted_or_refused_by_the_founder(client, auth, world, insurers):
    for answer, state in (("accept_counter", "accepted"), ("refuse_counter", "refused")):
        application = factories_policy(world, insurers, "underwriting")
        login(auth, insurers.underwriter1)
        assert fire(client, application.id, "propose", proposal="counter",
                    sum_insured="5,000,000", rate="1.80", period_months="12",
                    comment="费率上调").status_code == 302
        switch_to(auth, insurers.approver1)
        page = text(client.get(f"/applications/{application.id}"))
        assert 'id="action-approve_counter"' in page
        assert 'id="action-approve_acceptance"' not in page
        assert fire(client, application.id, "approve_counter").status_code == 302
        switch_to(auth, world.founder)
        page = text(client.get(f"/applications/{application.id}"))
        assert "Counter-terms" in page and "90,000.00" in page  # 1.8 % of 5,000,000
        assert "Your turn next: Accept the counter-terms, or Refuse the counter-terms" in page
        assert fire(client, application.id, answer).status_code == 302
        assert fresh(application.id).status == state
        auth.logout()


def test_a_claim_is_notified_adjusted_agreed_and_paid(client, auth, world, insurers):
    application = factories_policy(world, insurers, "premium_paid")
    login(auth, world.founder)
    over = fire(client, application.id, "notify_claim", loss_on=business_today().isoformat(),
                claimed="5,000,000.01", comment="样机损毁")
    assert "over the cover left (5,000,000.00 yuan)" in text(over)
    assert fire(client, application.id, "notify_claim", loss_on=business_today().isoformat(),
                claimed="800,000", comment="样机损毁").status_code == 302
    _stage_upload(client, application.id, "claim_form")

    switch_to(auth, insurers.underwriter1)
    early = fire(client, application.id, "start_adjusting")
    assert "The claim's papers are not complete: Evidence of the loss." in text(early)
    _stage_upload(client, application.id, "loss_evidence")  # the insurer files what it got
    assert fire(client, application.id, "start_adjusting").status_code == 302
    switch_to(auth, insurers.approver1)
    over = fire(client, application.id, "agree_claim", agreed="800,000.01")
    assert "at most 800,000.00 yuan" in text(over)
    assert fire(client, application.id, "agree_claim", agreed="600,000").status_code == 302
    switch_to(auth, insurers.underwriter1)
    wrong = fire(client, application.id, "pay_claim", amount="500,000",
                 paid_on=business_today().isoformat())
    assert "Pay the amount agreed: 600,000.00 yuan." in text(wrong)
    assert fire(client, application.id, "pay_claim", amount="600,000",
                paid_on=business_today().isoformat()).status_code == 302
    claim = db.session.scalar(select(InsuranceClaim))
    assert (claim.status, claim.paid_fen, fresh(application.id).status) == (
        "paid", 600_000_00, "claim_paid")
    page = text(client.get(f"/applications/{application.id}"))
    assert "4,400,000.00" in page  # the cover left


def factories_policy(world, insurers, state, **kwargs):
    """A policy of the founder at insurer 1 in ``state`` (R&D-loss cover by default)."""
    return policy_in(world, insurers, state, **kwargs)
