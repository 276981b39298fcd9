"""人才险's part of its dossiers' frozen summary, and of the resubmission snapshot."""

from talentfin.pool.summary import payout_split
from talentfin.workflows.dossiers import iso
from talentfin.workflows.dossiers import present
from talentfin.workflows.insurance.claims import claims_of
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.premiums import latest_payment
from talentfin.workflows.insurance.quote import annual_premium
from talentfin.workflows.insurance.quote import guaranteed_loan
from talentfin.workflows.insurance.quote import premium_basis
from talentfin.workflows.insurance.quote import requested_terms
from talentfin.workflows.insurance.underwriting import quoted_rate


def summary(app: InsuranceApplication) -> dict:
    """The quote, the proposal, the policy, the latest premium and its subsidy, the latest
    claim."""
    terms = requested_terms(app)
    loan = guaranteed_loan(app)
    extra = {
        "request": {
            "cover": app.cover, "sum_insured_fen": terms.sum_insured_fen,
            "period_months": terms.period_months,
            "offer_rate_bp": quoted_rate(app),
            "loan": {"reference": loan.reference, "amount_fen": loan.current_amount(),
                     "term_months": terms.period_months, "rate_bp": loan.recommended_rate_bp,
                     "bank": loan.partner.name if loan.partner else ""} if loan else None,
            "insured": present(name=app.insured_name, position=app.insured_position),
            "project": app.project_name,
        },
        "proposal": _proposal(app),
        "policy": present(no=app.policy_no, sum_insured_fen=app.sum_insured_fen,
                          rate_bp=app.premium_rate_bp, premium_fen=app.annual_premium_fen,
                          starts_on=iso(app.starts_on), ends_on=iso(app.ends_on)),
        "premium": _premium(app),
        "claim": _claim(app),
    }
    return extra


def _proposal(app: InsuranceApplication) -> dict | None:
    if app.proposal is None:
        return None
    premium = None
    if app.proposed_sum_insured_fen and app.proposed_rate_bp:
        premium = annual_premium(premium_basis(app, app.proposed_sum_insured_fen),
                                 app.proposed_rate_bp)
    return {"kind": app.proposal, "sum_insured_fen": app.proposed_sum_insured_fen,
            "rate_bp": app.proposed_rate_bp, "period_months": app.proposed_period_months,
            "premium_fen": premium}


def _premium(app: InsuranceApplication) -> dict | None:
    payment = latest_payment(app)
    if payment is None:
        return None
    return {"policy_year": payment.policy_year, "amount_fen": payment.amount_fen,
            "paid_on": iso(payment.paid_on), "invoice_no": payment.invoice_no,
            "subsidy_status": payment.subsidy_status, "subsidy_rate_bp": payment.subsidy_rate_bp,
            "subsidy_fen": payment.subsidy_fen, "subsidy_note": payment.subsidy_note,
            "split": payout_split(payment.subsidy_entry_id) if payment.subsidy_entry_id else []}


def _claim(app: InsuranceApplication) -> dict | None:
    found = claims_of(app)
    if not found:
        return None
    claim = found[-1]
    return {"number": len(found), "status": claim.status, "loss_on": iso(claim.loss_on),
            "description": claim.description, "claimed_fen": claim.claimed_fen,
            "assessed_loss_fen": claim.assessed_loss_fen, "agreed_fen": claim.agreed_fen,
            "paid_fen": claim.paid_fen, "paid_on": iso(claim.paid_on),
            "decided_at": iso(claim.decided_at)}


def snapshot(app: InsuranceApplication) -> dict:
    """The quote's founder-editable fields (beside the common ones)."""
    return {"cover": app.cover, "loan_id": app.loan_id,
            "requested_period_months": app.requested_period_months,
            "insured_name": app.insured_name, "insured_id_number": app.insured_id_number,
            "insured_position": app.insured_position, "project_name": app.project_name}
