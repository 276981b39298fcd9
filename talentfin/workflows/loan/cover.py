"""How the pool reads a loan: covered and non-performing states, the exposure's columns and
the interest subsidy it pays on loans repaid on time."""

from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models.base import sum_fen
from talentfin.pool.cover import Cover
from talentfin.pool.cover import SubsidyRule
from talentfin.workflows.loan.models import LoanApplication
from talentfin.workflows.loan.models import Repayment

COVERED_STATES = ("covered", "active", "overdue", "npl", "claim_review", "committee_review")
NPL_STATES = ("npl", "claim_review", "committee_review")


def _columns() -> dict:
    loan = LoanApplication
    return {
        "outstanding_fen": func.coalesce(loan.outstanding_fen, loan.disbursed_amount_fen, 0),
        "principal_fen": loan.disbursed_amount_fen, "started_on": loan.disbursed_on,
        "covered_on": loan.filed_on, "filing_no": loan.filing_no,
        "contract_no": loan.contract_no, "overdue_since": loan.overdue_since,
        "classification": loan.classification,
    }


def interest_on_time(application: LoanApplication, year: int) -> int:
    """Interest the firm paid on time on this loan in a calendar year (fen)."""
    return db.session.scalar(select(sum_fen(Repayment.interest_fen)).where(
        Repayment.application_id == application.id,
        extract("year", Repayment.paid_on) == year,
        Repayment.paid_on <= Repayment.due_on))


COVER = Cover(
    covered_states=COVERED_STATES,
    npl_states=NPL_STATES,
    columns=_columns,
    outstanding_of=lambda application: application.outstanding,
    pure_credit=lambda application: application.pure_credit,
    subsidy=SubsidyRule(kind="interest_subsidy_payout", account="interest_subsidy_paid",
                        rate_key="interest_subsidy_bp", cap_key="interest_subsidy_cap_fen",
                        states=("active", "repaid", "closed"), basis=interest_on_time),
)
