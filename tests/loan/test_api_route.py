"""The loan's whole route after the founder's submission through the partner API alone:
the park's system recommends it, the bank's recommends, approves, records the contract
and the disbursement, the pool's files it as covered, the bank's reports a repayment,
arrears and the non-performing grade, uploads the claim papers and lodges the claim, the
pool's administrator passes it to the committee, which approves the compensation; each
step for the person On-Behalf-Of names, each one logged as through its client, and the
pool paid from the ledger once."""

import io

from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.pool.models import Claim
from talentfin.services import api_clients
from talentfin.workflows.loan.servicing import CLAIM_DOCUMENTS
from tests import factories
from tests.web import api_decide
from tests.web import api_token
from tests.web import fresh


def _client(client, world, org, scopes):
    row, secret = api_clients.register(org, "系统", scopes, world.admin)
    return row.client_id, api_token(client, row.client_id, secret)


def test_a_loan_goes_its_whole_route_through_the_api(client, world):
    factories.fund_pool(world)
    application = factories.loan_in(world, "park_review")
    today = business_today().isoformat()
    park_id, park = _client(client, world, world.park, ["read", "decide"])
    bank_id, bank = _client(client, world, world.bank1, ["read", "decide", "report"])
    pool_id, pool = _client(client, world, world.pool, ["read", "decide"])
    steps = [
        (park, world.park_reviewer, "park_approve", {"comment": "企业在园区正常经营，同意推荐。"}),
        (bank, world.officer1, "recommend", {"amount": "900,000", "rate": "3.65",
                                             "term_months": "24", "security": "guarantee",
                                             "comment": "经营稳定，建议授信。"}),
        (bank, world.approver1, "bank_approve", {"comment": "同意。"}),
        (bank, world.officer1, "contract", {"contract_no": "HT-API-001", "signed_on": today}),
        (bank, world.officer1, "disburse", {"amount": "900000", "disbursed_on": today}),
        (pool, world.pool_admin, "file_with_pool", {"comment": "备案材料齐全。"}),
    ]
    for token, person, trigger, body in steps:
        done = api_decide(client, token, person.email, application.id, trigger, body)
        assert done.status_code == 200, (trigger, done.get_json())
    assert fresh(application.id).status == "covered"

    reported = client.post("/api/v1/loans/repayments", json={"repayments": [{
        "reference": application.reference, "due_on": today, "paid_on": today,
        "principal_yuan": "100000", "interest_yuan": "2737.50"}]},
        headers={"Authorization": f"Bearer {bank}", "On-Behalf-Of": world.officer1.email})
    assert reported.status_code == 200, reported.get_json()
    assert fresh(application.id).outstanding_fen == 80_000_000
    for trigger, body in (("report_overdue", {"overdue_since": today,
                                              "classification": "special_mention"}),
                          ("classify_npl", {"classification": "substandard"})):
        done = api_decide(client, bank, world.officer1.email, application.id, trigger, body)
        assert done.status_code == 200, (trigger, done.get_json())
    for kind in CLAIM_DOCUMENTS:
        uploaded = client.post(f"/api/v1/applications/{application.id}/documents",
                               data={"kind": kind, "file": (io.BytesIO(DEMO_PDF), f"{kind}.pdf")},
                               content_type="multipart/form-data",
                               headers={"Authorization": f"Bearer {bank}",
                                        "On-Behalf-Of": world.officer1.email})
        assert uploaded.status_code == 201, (kind, uploaded.get_json())
    for token, person, trigger, body in [
            (bank, world.officer1, "lodge_claim", {"loss": "800,000", "comment": "申请代偿。"}),
            (pool, world.pool_admin, "assess_claim", {"comment": "材料齐全。"}),
            (pool, world.committee, "approve_compensation", {"comment": "同意代偿。"})]:
        done = api_decide(client, token, person.email, application.id, trigger, body)
        assert done.status_code == 200, (trigger, done.get_json())
    assert fresh(application.id).status == "compensated"
    claim = db.session.scalar(select(Claim).where(Claim.application_id == application.id))
    assert claim.payout_fen > 0
    assert db.session.scalar(select(func.count(Claim.id))) == 1
    # Every step after the founder's is the API's, each through the client of its maker.
    vias = {log.trigger: log.payload.get("via") for log in db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == application.id))}
    assert vias["park_approve"] == f"api:{park_id}"
    assert {vias[t] for t in ("recommend", "bank_approve", "contract", "disburse",
                              "report_repayment", "report_overdue", "classify_npl",
                              "lodge_claim")} == {f"api:{bank_id}"}
    assert {vias[t] for t in ("file_with_pool", "assess_claim", "approve_compensation")} \
        == {f"api:{pool_id}"}


def test_a_payout_the_pool_cannot_fund_is_refused_with_its_own_code(client, world):
    """A refusal raised while the decision is carried out (not by a guard) names its rule:
    the pool's committee approves a compensation its funders' cash cannot pay."""
    factories.fund_pool(world, amount_fen=30_000_000)  # 300,000 yuan: enough to file a loan
    application = factories.loan_in(world, "committee_review")
    _pool_id, pool = _client(client, world, world.pool, ["read", "decide"])
    refused = api_decide(client, pool, world.committee.email, application.id,
                         "approve_compensation", {"comment": "同意代偿。"})
    body = refused.get_json()
    assert refused.status_code == 422, body
    assert body["code"] == "pool_funds_short"
    assert body["type"].endswith("/problems/422/pool_funds_short")
    assert "市级财政在资金池中的余额不足" in body["detail"]  # the ledger's reason, named
    assert fresh(application.id).status == "committee_review"
    assert db.session.scalar(select(func.count(Claim.id)).where(
        Claim.application_id == application.id, Claim.payout_entry_id.is_not(None))) == 0
