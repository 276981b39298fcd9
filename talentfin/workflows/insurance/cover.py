"""What the pool reads of 人才险 on a covered loan: the insurer's payouts under the loan's
guarantee policy (they count against the public ceiling of the pool's compensation), and the
wait for the insurer's decision before the bank may claim on the pool."""

from flask_babel import get_locale
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models.base import sum_fen
from talentfin.pool.offsets import Offset
from talentfin.workflows.insurance.claims import OPEN
from talentfin.workflows.insurance.labels import CLAIM_STATES
from talentfin.workflows.insurance.labels import IN_FORCE
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.labels import state_label

# A policy that answers for the loan's loss: in force, or handling a claim.
ANSWERING = (*IN_FORCE, "subsidy_review", *CLAIM_STATES, "claim_agreed")


def _policies(loan: Application) -> list[InsuranceApplication]:
    return list(db.session.scalars(select(InsuranceApplication).where(
        InsuranceApplication.loan_id == loan.id,
        InsuranceApplication.cover == "loan_guarantee",
        InsuranceApplication.policy_no.is_not(None)).order_by(InsuranceApplication.id)))


def paid_on_loan(loan: Application) -> int:
    """What the loan's guarantee insurers paid on its loss (fen)."""
    return db.session.scalar(
        select(sum_fen(InsuranceClaim.paid_fen))
        .join(InsuranceApplication, InsuranceApplication.id == InsuranceClaim.application_id)
        .where(InsuranceApplication.loan_id == loan.id, InsuranceClaim.status == "paid"))


def claim_waits(loan: Application) -> str | None:
    """Why the bank's claim on the pool waits: a guarantee policy that answers for the loss
    has no decided claim yet (the insurer pays first)."""
    locale = str(get_locale() or "zh")
    for policy in _policies(loan):
        if policy.status not in ANSWERING:
            continue
        statuses = set(db.session.scalars(select(InsuranceClaim.status).where(
            InsuranceClaim.application_id == policy.id)))
        if statuses & {"paid", "denied"} and not statuses & set(OPEN):
            continue
        return _("The loan is guaranteed by policy %(policy)s of %(insurer)s: the insurer "
                 "decides and pays its share of the loss first, then the pool's claim counts "
                 "it.", policy=policy.policy_no, insurer=policy.partner.display_name(locale))
    return None


def lines(loan: Application) -> list[dict]:
    """The loan's guarantee policies, for its page."""
    locale = str(get_locale() or "zh")
    found = []
    for policy in _policies(loan):
        paid = db.session.scalar(select(sum_fen(InsuranceClaim.paid_fen)).where(
            InsuranceClaim.application_id == policy.id, InsuranceClaim.status == "paid"))
        found.append({"reference": policy.policy_no,
                      "institution": policy.partner.display_name(locale),
                      "status": state_label(policy.product, policy.status),
                      "sum_insured_fen": policy.sum_insured_fen, "starts_on": policy.starts_on,
                      "ends_on": policy.ends_on, "paid_fen": paid})
    return found


OFFSET = Offset(paid=paid_on_loan, pending=claim_waits, lines=lines)
