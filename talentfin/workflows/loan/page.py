"""What the loan's part of the application page shows: the servicing record after the filing,
the claims with the payout the rules would give now, and the subsidy requests."""

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.institutions import may
from talentfin.models import User
from talentfin.pool import offsets
from talentfin.pool.claims import payout_preview
from talentfin.pool.models import Claim
from talentfin.pool.models import Recovery
from talentfin.pool.subsidies import for_application
from talentfin.workflows.loan.labels import classification_label
from talentfin.workflows.loan.labels import security_label
from talentfin.workflows.loan.models import LoanApplication
from talentfin.workflows.loan.models import Repayment


def _rows(model, application_id: int, order) -> list:
    return list(db.session.scalars(select(model).where(
        model.application_id == application_id).order_by(order)))


def page(application: LoanApplication, user: User) -> dict:
    """The loan's repayments, claims, recoveries and subsidies; for the pool's readers, what
    the claim in progress would pay today."""
    preview = None
    if application.status in ("claim_review", "committee_review") \
            and may(user.role, "pool.read"):
        preview = payout_preview(application, business_today())
    return {
        "repayments": _rows(Repayment, application.id, Repayment.paid_on),
        "claims": _rows(Claim, application.id, Claim.id),
        "recoveries": _rows(Recovery, application.id, Recovery.id),
        "subsidies": for_application(application),
        "cover": offsets.lines(application),
        "preview": preview,
        "classification_label": classification_label,
        "security_label": security_label,
    }
