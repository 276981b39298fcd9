"""What the pages tell people: who acts next and what they do, that the documents are
complete, what a claim would pay before anyone decides it, and why its rate is 70 or 75 %."""

import pytest

from talentfin.extensions import db
from talentfin.pool.models import Claim
from talentfin.workflows import engine
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import text
from tests.web import upload


def _next_step(page: str) -> str:
    start = page.index('id="next-step">') + len('id="next-step">')
    return page[start:page.index("</span>", start)]


@pytest.mark.parametrize(("state", "reader", "says"), [
    ("park_review", "founder", "Next: Park reviewer of park-1: Recommend to the bank, or "
                               "Request information, or Reject."),
    ("park_review", "park_reviewer", "Your turn next: Recommend to the bank, or Request "
                                     "information, or Reject."),
    ("partner_review", "founder", "Next: Bank credit officer of bank-1: Recommend terms, or "
                                  "Request information."),
    ("bank_approval", "officer1", "Next: Bank approver of bank-1: Request information, or "
                                  "Return to the credit officer, or Approve loan, or Reject "
                                  "loan."),
    ("disbursed", "officer1", "Next: Pool administrator: File with the pool."),
    ("covered", "officer1", "Your turn next: Report a repayment, or Report arrears."),
    ("in_recovery", "founder", "Next: Bank credit officer of bank-1, or Bank approver of "
                               "bank-1: Report a recovery, or Recovery finished; Pool "
                               "committee: Write off, or Claw back for fraud."),
    ("info_requested", "park_reviewer", "Next: waiting for the founder to answer."),
])
def test_the_timeline_names_who_acts_next_and_what_they_do(client, auth, world, state, reader,
                                                            says):
    factories.fund_pool(world)
    application = factories.loan_in(world, state)
    login(auth, getattr(world, reader))
    page = text(client.get(f"/applications/{application.id}"))
    assert _next_step(page) == says


def test_after_the_last_required_document_the_founder_is_told_they_are_complete(
        client, auth, world):
    application = factories.draft(world, documents=False)
    login(auth, world.founder)
    for kind in ("business_licence", "talent_certificate", "financial_statements"):
        response = upload(client, application.id, kind, follow=True)
        assert "Every required document is uploaded" not in text(response)
    response = upload(client, application.id, "business_plan", follow=True)
    assert "Every required document is uploaded." in text(response)
    assert "Still required:" not in text(response)


def test_the_pool_sees_what_a_claim_would_pay_before_passing_it_on(client, auth, world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "claim_review")  # a first loan, pure credit: 75 %
    loss = db.session.query(Claim).filter_by(application_id=loan.id).one().principal_loss_fen
    payout = loss * 7500 // 10_000
    login(auth, world.pool_admin)
    page = text(client.get(f"/applications/{loan.id}"))
    preview = page[page.index('id="payout-preview"'):]
    assert f"{payout / 100:,.2f}" in preview
    assert ("75.00% of the loss (70.00% + 5.00%: the firm&#39;s first loan, a pure credit "
            "loan)") in preview
    # The funders' split, 6 : 4.
    assert f"{payout * 6 // 10 / 100:,.2f}" in preview
    assert f"{(payout - payout * 6 // 10) / 100:,.2f}" in preview

    switch_to(auth, world.officer1)  # the bank sees its claim, not the pool's working
    assert 'id="payout-preview"' not in text(client.get(f"/applications/{loan.id}"))


def test_a_secured_second_loan_is_compensated_at_the_base_ratio(client, auth, world):
    factories.fund_pool(world)
    factories.loan_in(world, "covered")  # the firm's first loan
    second = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert fire(client, second.id, "recommend", amount="1,000,000", rate="3.60",
                term_months="24", security="collateral", comment="抵押").status_code == 302
    assert fresh(second.id).security == "collateral"
    # On to a claim, then the pool's assessment.
    for trigger in ("bank_approve", "contract", "disburse", "file_with_pool",
                    "report_overdue", "classify_npl", "lodge_claim"):
        factories.advance(world, fresh(second.id), trigger)
    engine.fire(fresh(second.id), "assess_claim", world.pool_admin, comment="材料齐全")
    claim = db.session.query(Claim).filter_by(application_id=second.id).one()
    assert claim.ratio_bp == 7000
    switch_to(auth, world.committee)
    page = text(client.get(f"/applications/{second.id}"))
    assert ("70.00% of the loss (the base ratio; neither the firm&#39;s first loan nor a pure "
            "credit loan)") in page
    assert "Collateral (mortgage)" in page


def test_a_recommendation_must_say_how_the_loan_is_secured(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = fire(client, application.id, "recommend", amount="1,000,000", rate="3.60",
                    term_months="24", comment="好")
    assert response.status_code == 422
    assert fresh(application.id).status == "partner_review"
    with pytest.raises(engine.Refused, match="pure credit or secured"):
        engine.fire(fresh(application.id), "recommend", world.officer1, data={
            "amount_fen": 100_000_000, "rate_bp": 360, "term_months": 24})
