"""Guards and effects of a covered loan's life: repayments, arrears, claims, recoveries.

Money effects post to the ledger inside the firing transaction (talentfin.services.ledger),
so a state change and its ledger lines commit together or not at all.
"""

import json

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import CLAIM_DOCUMENTS
from talentfin.models import Attachment
from talentfin.models import Claim
from talentfin.models import Funder
from talentfin.models import Repayment
from talentfin.models.base import utcnow
from talentfin.money import format_fen
from talentfin.services import compensation
from talentfin.services import ledger
from talentfin.services import parameters
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused

OPEN_CLAIM = ("lodged", "committee")


def _outstanding(ctx: FireContext) -> int:
    app = ctx.application
    if app.outstanding_fen is not None:
        return app.outstanding_fen
    return app.disbursed_amount_fen or 0


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
    if d.get("principal_fen", 0) > _outstanding(ctx):
        return _("The principal repaid is more than the outstanding %(amount)s yuan.",
                 amount=format_fen(_outstanding(ctx)))
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
    app.outstanding_fen = _outstanding(ctx) - d["principal_fen"]
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
    app.outstanding_fen = _outstanding(ctx)


def npl_reached(ctx: FireContext) -> str | None:
    """Overdue for 90 days or more, or classified substandard or worse."""
    app = ctx.application
    grade = ctx.data.get("classification") or app.classification
    days = parameters.int_parameter("npl_days_overdue", ctx.today)
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
    if _outstanding(ctx) != 0:
        return _("%(amount)s yuan of principal is still outstanding.",
                 amount=format_fen(_outstanding(ctx)))
    return None


def claim_documents_complete(ctx: FireContext) -> str | None:
    """Every document a compensation claim needs is uploaded."""
    from talentfin.labels import attachment_label

    present = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == ctx.application.id, Attachment.superseded_at.is_(None))))
    missing = [attachment_label(k) for k in CLAIM_DOCUMENTS if k not in present]
    if missing:
        return _("Upload the claim documents first: %(names)s.", names=", ".join(missing))
    return None


def claim_amounts_valid(ctx: FireContext) -> str | None:
    """The loss is positive and not more than the outstanding principal; never paid twice."""
    loss = ctx.data.get("loss_fen") or 0
    if loss <= 0 or loss > _outstanding(ctx):
        return _("The principal loss must be positive and at most the outstanding %(amount)s yuan.",
                 amount=format_fen(_outstanding(ctx)))
    if ctx.data.get("other_fen", 0) < 0:
        return _("Amounts cannot be negative.")
    if _paid_claim(ctx.application.id):
        return _("This loss has been compensated already; a loss is never paid twice.")
    return None


def _paid_claim(application_id: int) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.application_id == application_id,
                                                 Claim.status == "paid"))


def _open_claim(ctx: FireContext) -> Claim:
    claim = db.session.scalar(select(Claim).where(Claim.application_id == ctx.application.id,
                                                  Claim.status.in_(OPEN_CLAIM)))
    if claim is None:
        raise Refused(_("There is no claim in progress on this loan."))
    return claim


def lodge_claim(ctx: FireContext) -> None:
    """The bank's claim, with the loss and any other compensation of the same loss."""
    db.session.add(Claim(application_id=ctx.application.id, status="lodged",
                         lodged_by_id=ctx.user.id, principal_loss_fen=ctx.data["loss_fen"],
                         other_compensation_fen=ctx.data.get("other_fen", 0)))
    db.session.flush()


def assess_claim(ctx: FireContext) -> None:
    """The pool administrator's assessment: the amount the rules allow, and why."""
    claim = _open_claim(ctx)
    figures, payout = _compute(claim, ctx)
    if payout.payout_fen == 0:
        raise Refused(_("Nothing can be paid on this claim: %(reason)s. Return it to the bank "
                        "with this reason instead.",
                        reason=compensation.why_nothing_is_payable(figures, payout)))
    claim.status = "committee"


def _compute(claim: Claim, ctx: FireContext) -> tuple[compensation.Figures,
                                                     compensation.Payout]:
    figures = compensation.gather(ctx.application, claim.principal_loss_fen,
                                  claim.other_compensation_fen, ctx.today)
    payout = compensation.calculate(figures)
    claim.ratio_bp = payout.ratio_bp
    claim.payout_fen = payout.payout_fen
    claim.calculation = json.dumps([[code, params] for code, params in payout.limits])
    claim.policy_on = ctx.today
    ctx.data["payout_fen"] = payout.payout_fen
    return figures, payout


def return_claim(ctx: FireContext) -> None:
    """Back to the bank (documents or figures to fix)."""
    _open_claim(ctx).status = "returned"


def pay_compensation(ctx: FireContext) -> None:
    """Committee approval: recompute on the decision date, post the payout split by shares."""
    claim = _open_claim(ctx)
    # Lock first: the caps (annual, band) and the balances must see every earlier payout.
    ledger.lock_ledger()
    figures, payout = _compute(claim, ctx)
    if payout.payout_fen == 0:
        # Approving would mark the loss compensated, close it to any later claim and issue
        # a payment voucher for nothing: the committee rejects it instead.
        raise Refused(_("Nothing can be paid on this claim: %(reason)s. Reject it with this "
                        "reason instead.",
                        reason=compensation.why_nothing_is_payable(figures, payout)))
    claim.status = "paid"
    claim.decided_by_id = ctx.user.id
    claim.decided_at = utcnow()
    funders = list(db.session.scalars(select(Funder).order_by(Funder.id)))
    if not funders:
        raise Refused(_("The pool has no funders yet."))
    shares = ledger.split_by_shares(payout.payout_fen, funders)
    lines = [ledger.Line(ledger.CASH, -amount, funder_id=fid) for fid, amount in shares.items()
             if amount]
    lines.append(ledger.Line(compensation.PAID_ACCOUNT, payout.payout_fen,
                             org_id=ctx.application.partner_org_id))
    try:
        entry = ledger.post_entry("compensation_payout", lines, effective_on=ctx.today,
                                  memo=f"{ctx.application.reference} claim {claim.id}",
                                  maker=ctx.user, application_id=ctx.application.id)
    except ledger.LedgerError as exc:
        raise Refused(str(exc)) from exc
    claim.payout_entry_id = entry.id


def reject_claim(ctx: FireContext) -> None:
    """Committee rejection; the loan stays non-performing."""
    claim = _open_claim(ctx)
    claim.status = "rejected"
    claim.decided_by_id = ctx.user.id
    claim.decided_at = utcnow()
