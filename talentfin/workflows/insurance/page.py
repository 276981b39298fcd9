"""What 人才险's part of the application page shows: the quote's terms, the proposal, the
policy, its premiums with their subsidies (and what asking now would pay), its claims."""

from talentfin.clock import business_today
from talentfin.models import User
from talentfin.workflows.insurance import labels
from talentfin.workflows.insurance.claims import claims_of
from talentfin.workflows.insurance.claims import guarantee_share
from talentfin.workflows.insurance.claims import remaining_cover
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.premiums import next_policy_year
from talentfin.workflows.insurance.premiums import open_payment
from talentfin.workflows.insurance.premiums import payments
from talentfin.workflows.insurance.premiums import subsidy_on
from talentfin.workflows.insurance.premiums import year_starts
from talentfin.workflows.insurance.quote import annual_premium
from talentfin.workflows.insurance.quote import guaranteed_loan
from talentfin.workflows.insurance.quote import premium_basis
from talentfin.workflows.insurance.quote import requested_terms
from talentfin.workflows.insurance.underwriting import quoted_rate


def page(application: InsuranceApplication, user: User) -> dict:
    """Everything the policy's card shows, computed once for the template."""
    today = business_today()
    rate = quoted_rate(application)
    terms = requested_terms(application)
    loan = guaranteed_loan(application)
    proposal_premium = None
    if application.proposed_sum_insured_fen and application.proposed_rate_bp:
        proposal_premium = annual_premium(
            premium_basis(application, application.proposed_sum_insured_fen),
            application.proposed_rate_bp)
    found = claims_of(application)
    subsidy = None
    if application.policy_no and (payment := open_payment(application)) is not None:
        subsidy = subsidy_on(payment, today)
    next_year = next_policy_year(application) if application.starts_on else None
    share = None
    if loan is not None and application.status == "claim_adjusting":
        share = guarantee_share(application, loan.outstanding, today,
                                found[-1].claimed_fen if found else None)
    return {
        "labels": labels, "quoted_rate": rate, "terms": terms, "loan": loan,
        "proposal_premium": proposal_premium, "payments": payments(application),
        "claims": found, "subsidy": subsidy,
        "next_year": next_year,
        "next_due": year_starts(application, next_year) if next_year else None,
        "cover_left": remaining_cover(application) if application.policy_no else None,
        "guarantee_share": share,
        "premium_basis": premium_basis(application, application.sum_insured_fen)
        if loan is not None and application.sum_insured_fen else None,
    }
