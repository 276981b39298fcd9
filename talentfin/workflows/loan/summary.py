"""The loan's part of its dossiers' frozen summary, and of the resubmission snapshot."""

from talentfin.pool.summary import claim_summary
from talentfin.workflows.dossiers import iso
from talentfin.workflows.dossiers import present
from talentfin.workflows.loan.models import LoanApplication


def summary(application: LoanApplication) -> dict:
    """Term asked for, the bank's terms, contract, disbursement, filing, claim, recoveries."""
    extra = {
        "request": {"term_months": application.requested_term_months},
        "terms": present(amount_fen=application.recommended_amount_fen,
                         rate_bp=application.recommended_rate_bp,
                         term_months=application.recommended_term_months,
                         security=application.security),
        "contract": present(no=application.contract_no,
                            signed_on=iso(application.contract_signed_on)),
        "disbursement": present(amount_fen=application.disbursed_amount_fen,
                                on=iso(application.disbursed_on)),
        "filing": present(no=application.filing_no, on=iso(application.filed_on)),
    }
    if application.disbursed_on is not None:  # no money lent, so no claim: skip the queries
        claimed = claim_summary(application)
        if claimed:
            claimed["claim"]["classification"] = application.classification
        extra.update(claimed)
    return extra


def snapshot(application: LoanApplication) -> dict:
    """The loan's founder-editable fields (beside the common ones)."""
    return {"requested_term_months": application.requested_term_months}
