"""人才险's partner steps through the partner API alone (the founder's in the pages): the
park's system recommends the quote, the insurer's proposes, approves and binds, the pool's
pays the premium subsidy; then the insurer's starts the claim's adjustment (its loss
evidence uploaded through the API), agrees it and records its payment. Each refusal is the
page's, in the caller's language; each step is logged as through its client."""

import io

from flask_babel import refresh
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.services import api_clients
from talentfin.text import mask_id_number
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.models import PremiumPayment
from tests import factories
from tests.insurance.factories import policy_in
from tests.web import api_decide
from tests.web import api_token
from tests.web import fire
from tests.web import fresh
from tests.web import login


def _client(client, world, org):
    row, secret = api_clients.register(org, "系统", ["read", "decide"], world.admin)
    return row.client_id, api_token(client, row.client_id, secret)


def _step(client, token, person, application_id, trigger, body=None):
    done = api_decide(client, token, person.email, application_id, trigger, body or {})
    assert done.status_code == 200, (trigger, done.get_json())


def _page_upload(client, application_id: int, kind: str) -> None:
    """The founder's upload of a document of this stage, on the application page."""
    response = client.post(f"/applications/{application_id}/documents", data={
        "document-kind": kind, "document-file": (io.BytesIO(DEMO_PDF), f"{kind}.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302


def _api_upload(client, token, person, application_id, kind):
    made = client.post(f"/api/v1/applications/{application_id}/documents",
                       data={"kind": kind, "file": (io.BytesIO(DEMO_PDF), f"{kind}.pdf")},
                       content_type="multipart/form-data",
                       headers={"Authorization": f"Bearer {token}",
                                "On-Behalf-Of": person.email})
    assert made.status_code == 201, (kind, made.get_json())


def test_a_policy_and_its_claim_through_the_api(client, auth, world, insurers):
    factories.fund_pool(world)
    application = policy_in(world, insurers, "park_review")
    today = business_today().isoformat()
    park_id, park = _client(client, world, world.park)
    insurer_id, insurer = _client(client, world, insurers.insurer1)
    pool_id, pool = _client(client, world, world.pool)

    _step(client, park, world.park_reviewer, application.id, "park_approve",
          {"comment": "属实"})
    refresh()
    refused = api_decide(client, insurer, insurers.underwriter1.email, application.id,
                         "propose", {"proposal": "accept", "sum_insured": "5,000,000",
                                     "rate": "1.80", "period_months": "12"},
                         **{"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "anything else is counter-terms" in str(refused.get_json())
    _step(client, insurer, insurers.underwriter1, application.id, "propose",
          {"proposal": "accept", "sum_insured": "5,000,000", "rate": "1.50",
           "period_months": "12", "comment": "风险可控"})
    _step(client, insurer, insurers.approver1, application.id, "approve_acceptance")
    _step(client, insurer, insurers.underwriter1, application.id, "bind",
          {"policy_no": "KJ-API-0001", "starts_on": today})
    assert fresh(application.id).status == "bound"

    # The founder pays the premium and asks for the subsidy in the pages.
    login(auth, world.founder)
    _page_upload(client, application.id, "premium_invoice")
    assert fire(client, application.id, "pay_premium", amount="75,000", paid_on=today,
                invoice_no="FP001").status_code == 302
    _page_upload(client, application.id, "bank_account")
    assert fire(client, application.id, "request_subsidy").status_code == 302
    auth.logout()

    _step(client, pool, world.pool_admin, application.id, "pay_subsidy", {"comment": "同意"})
    payment = db.session.scalar(select(PremiumPayment))
    assert (payment.subsidy_status, payment.subsidy_fen) == ("paid", 37_500_00)

    # A claim: the founder notifies it in the pages, the insurer's system does the rest.
    login(auth, world.founder)
    assert fire(client, application.id, "notify_claim", loss_on=today, claimed="800,000",
                comment="样机损毁").status_code == 302
    _page_upload(client, application.id, "claim_form")
    auth.logout()
    _api_upload(client, insurer, insurers.underwriter1, application.id, "loss_evidence")
    _step(client, insurer, insurers.underwriter1, application.id, "start_adjusting")
    _step(client, insurer, insurers.approver1, application.id, "agree_claim",
          {"agreed": "600,000"})
    _step(client, insurer, insurers.underwriter1, application.id, "pay_claim",
          {"amount": "600,000", "paid_on": today})
    claim = db.session.scalar(select(InsuranceClaim))
    assert (claim.status, claim.paid_fen) == ("paid", 600_000_00)
    vias = {log.trigger: log.payload.get("via") for log in db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == application.id))}
    assert vias["park_approve"] == f"api:{park_id}" and vias["pay_subsidy"] == f"api:{pool_id}"
    assert {vias[t] for t in ("propose", "approve_acceptance", "bind", "start_adjusting",
                              "agree_claim", "pay_claim")} == {f"api:{insurer_id}"}
    assert vias["pay_premium"] is None  # the founder's, in the page


def test_the_insurer_reads_the_quote_with_the_key_persons_id_masked(client, world, insurers):
    """The quote as asked, through the API: the key person's ID number masked as on the
    page (the whole number is shown there on request, and logged)."""
    application = policy_in(world, insurers, "underwriting", cover="key_person")
    _insurer_id, insurer = _client(client, world, insurers.insurer1)
    asked = client.get(f"/api/v1/applications/{application.id}", headers={
        "Authorization": f"Bearer {insurer}",
        "On-Behalf-Of": insurers.underwriter1.email}).get_json()["request"]
    whole = fresh(application.id).insured_id_number
    assert asked["cover"] == "key_person" and asked["insured_name"] == "刘首席"
    assert asked["insured_id_number"] == mask_id_number(whole) != whole
