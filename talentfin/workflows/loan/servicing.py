"""A covered loan's life as the bank reports it: repayments, arrears, non-performance.

The claim on a non-performing loan is the pool's (``talentfin.pool.claims``); the loan
says only which papers a claim needs.
"""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Attachment
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.workflows.context import FireContext
from talentfin.workflows.labels import document_label
from talentfin.workflows.loan.models import Repayment

# The bank's papers a compensation claim needs (uploaded while the loan is non-performing).
CLAIM_DOCUMENTS = ("loan_contract", "disbursement_proof", "repayment_history",
                   "collection_records", "classification_evidence", "litigation_papers",
                   "diligence_statement")


def repayment_valid(ctx: FireContext) -> str | None:
    """Dates between the disbursement and today, amounts not negative, principal within the
    outstanding, and not a repayment already recorded."""
    d = ctx.data
    if d.get("paid_on") is None or d.get("due_on") is None:
        return _("Enter the due date and the payment date.")
    if d["paid_on"] > ctx.today:
        return _("The payment date cannot be in the future.")
    disbursed = ctx.application.disbursed_on
    if disbursed and d["paid_on"] < disbursed:
        return _("The payment date cannot be before the loan was disbursed on %(day)s.",
                 day=disbursed.isoformat())
    if disbursed and d["due_on"] < disbursed:
        return _("The due date cannot be before the loan was disbursed on %(day)s.",
                 day=disbursed.isoformat())
    if d.get("principal_fen", 0) < 0 or d.get("interest_fen", 0) < 0:
        return _("Amounts cannot be negative.")
    if d.get("principal_fen", 0) + d.get("interest_fen", 0) == 0:
        return _("Enter the principal or the interest paid.")
    if d.get("principal_fen", 0) > ctx.application.outstanding:
        return _("The principal repaid is more than the outstanding %(amount)s yuan.",
                 amount=format_fen(ctx.application.outstanding))
    return _already_recorded(ctx)


def _already_recorded(ctx: FireContext) -> str | None:
    """A repayment is one event: the same loan, due date, payment date, principal and
    interest twice is the same report made twice (a file uploaded again, a form sent twice).

    Two requests reporting it at once cannot both pass: each firing updates the loan under
    its version column, so the second one's UPDATE fails and it is rolled back (Conflict).
    """
    d = ctx.data
    found = db.session.scalar(select(Repayment.id).where(
        Repayment.application_id == ctx.application.id, Repayment.paid_on == d["paid_on"],
        Repayment.due_on == d["due_on"], Repayment.principal_fen == d.get("principal_fen", 0),
        Repayment.interest_fen == d.get("interest_fen", 0)).limit(1))
    if found is None:
        return None
    return _("This repayment (due %(due)s, paid %(paid)s, principal %(principal)s yuan, "
             "interest %(interest)s yuan) is already recorded for this loan.",
             due=d["due_on"].isoformat(), paid=d["paid_on"].isoformat(),
             principal=format_fen(d.get("principal_fen", 0)),
             interest=format_fen(d.get("interest_fen", 0)))


def record_repayment(ctx: FireContext) -> None:
    """Store the repayment; the outstanding principal falls; arrears are cured."""
    app = ctx.application
    d = ctx.data
    db.session.add(Repayment(application_id=app.id, due_on=d["due_on"], paid_on=d["paid_on"],
                             principal_fen=d["principal_fen"], interest_fen=d["interest_fen"],
                             reported_by_id=ctx.user.id if ctx.user else None,
                             batch=d.get("batch")))
    app.outstanding_fen = app.outstanding - d["principal_fen"]
    app.overdue_since = None
    app.classification = "normal"


def overdue_valid(ctx: FireContext) -> str | None:
    """Arrears start between the disbursement and today (a backdated start would make a
    fresh loan non-performing at once)."""
    since = ctx.data.get("overdue_since")
    if since is None or since > ctx.today:
        return _("Enter the date since which the loan is overdue (not in the future).")
    disbursed = ctx.application.disbursed_on
    if disbursed and since < disbursed:
        return _("A loan cannot be overdue before it was disbursed on %(day)s.",
                 day=disbursed.isoformat())
    return None


def record_overdue(ctx: FireContext) -> None:
    """Arrears date and the bank's five-grade classification."""
    app = ctx.application
    app.overdue_since = ctx.data["overdue_since"]
    app.classification = ctx.data.get("classification") or "special_mention"
    app.outstanding_fen = app.outstanding


def npl_reached(ctx: FireContext) -> str | None:
    """Overdue for 90 days or more, or classified substandard or worse."""
    app = ctx.application
    grade = ctx.data.get("classification") or app.classification
    days = int_parameter("npl_days_overdue", ctx.today)
    if grade in ("substandard", "doubtful", "loss"):
        return None
    if app.overdue_since and (ctx.today - app.overdue_since).days >= days:
        return None
    return _("A loan becomes non-performing after %(days)s days overdue or when classified "
             "substandard or worse.", days=days)


def record_npl(ctx: FireContext) -> None:
    """Keep the classification that made the loan non-performing."""
    grade = ctx.data.get("classification")
    if grade:
        ctx.application.classification = grade
    elif ctx.application.classification in (None, "normal", "special_mention"):
        ctx.application.classification = "substandard"


def fully_repaid(ctx: FireContext) -> str | None:
    """Nothing outstanding."""
    if ctx.application.outstanding != 0:
        return _("%(amount)s yuan of principal is still outstanding.",
                 amount=format_fen(ctx.application.outstanding))
    return None


def claim_documents_complete(ctx: FireContext) -> str | None:
    """Every document a compensation claim needs is uploaded."""
    present = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == ctx.application.id, Attachment.superseded_at.is_(None))))
    missing = [document_label("loan", k) for k in CLAIM_DOCUMENTS if k not in present]
    if missing:
        return _("Upload the claim documents first: %(names)s.", names=", ".join(missing))
    return None
