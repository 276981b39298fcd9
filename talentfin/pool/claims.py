"""The compensation claim on a non-performing covered exposure: lodged by the bank, assessed
by the pool administrator, decided by the committee.

Guards and effects of the covered products' claim transitions. The payout posts to the
ledger inside the firing transaction, so a state change and its ledger lines commit
together or not at all. A loss is never paid twice.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models.base import utcnow
from talentfin.money import format_fen
from talentfin.pool import compensation
from talentfin.pool import ledger
from talentfin.pool import offsets
from talentfin.pool.cover import cover_for
from talentfin.pool.models import Claim
from talentfin.pool.models import Funder
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused

OPEN_CLAIM = ("lodged", "committee")


def _outstanding(ctx: FireContext) -> int:
    return cover_for(ctx.application.product).outstanding_of(ctx.application)


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
    return offsets.pending(ctx.application)


def _paid_claim(application_id: int) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.application_id == application_id,
                                                 Claim.status == "paid"))


def _open_claim(ctx: FireContext) -> Claim:
    claim = db.session.scalar(select(Claim).where(Claim.application_id == ctx.application.id,
                                                  Claim.status.in_(OPEN_CLAIM)))
    if claim is None:
        raise Refused(_("There is no claim in progress on this loan."), "no_claim_in_progress")
    return claim


def lodge_claim(ctx: FireContext) -> None:
    """The bank's claim, with the loss and any other compensation of the same loss."""
    db.session.add(Claim(application_id=ctx.application.id, status="lodged",
                         lodged_by_id=ctx.user.id, principal_loss_fen=ctx.data["loss_fen"],
                         other_compensation_fen=ctx.data.get("other_fen", 0),
                         insured_fen=offsets.paid_fen(ctx.application)))
    db.session.flush()


def assess_claim(ctx: FireContext) -> None:
    """The pool administrator's assessment: the amount the rules allow, and why."""
    claim = _open_claim(ctx)
    _compute(claim, ctx, lambda reason: _(
        "Nothing can be paid on this claim: %(reason)s. Return it to the bank with this "
        "reason instead.", reason=reason))
    claim.status = "committee"


def _compute(claim: Claim, ctx: FireContext,
             nothing_payable: Callable[[str], str]) -> compensation.Payout:
    """The payout on the decision date, recorded on the claim; refused with
    ``nothing_payable(reason)`` when it would pay nothing."""
    claim.insured_fen = offsets.paid_fen(ctx.application)
    figures = compensation.gather(ctx.application, claim.principal_loss_fen,
                                  claim.other_compensation_fen, ctx.today, claim.insured_fen)
    payout = compensation.calculate(figures)
    if payout.payout_fen == 0:
        raise Refused(nothing_payable(compensation.why_nothing_is_payable(figures, payout)),
                      "nothing_payable")
    claim.ratio_bp = payout.ratio_bp
    claim.payout_fen = payout.payout_fen
    claim.calculation = json.dumps([[code, params] for code, params in payout.limits])
    # (the same form as PayoutPreview.calculation)
    claim.policy_on = ctx.today
    ctx.data["payout_fen"] = payout.payout_fen
    return payout


def return_claim(ctx: FireContext) -> None:
    """Back to the bank (documents or figures to fix)."""
    _open_claim(ctx).status = "returned"


def pay_compensation(ctx: FireContext) -> None:
    """Committee approval: recompute on the decision date, post the payout split by shares."""
    claim = _open_claim(ctx)
    # Lock first: the caps (annual, band) and the balances must see every earlier payout.
    ledger.lock_ledger()
    # Approving nothing would mark the loss compensated, close it to any later claim and
    # issue a payment voucher for nothing: the committee rejects it instead.
    payout = _compute(claim, ctx, lambda reason: _(
        "Nothing can be paid on this claim: %(reason)s. Reject it with this reason instead.",
        reason=reason))
    claim.status = "paid"
    claim.decided_by_id = ctx.user.id
    claim.decided_at = utcnow()
    try:
        entry = ledger.pay_out("compensation_payout", compensation.PAID_ACCOUNT,
                               payout.payout_fen, effective_on=ctx.today,
                               memo=f"{ctx.application.reference} claim {claim.id}",
                               maker=ctx.user, application_id=ctx.application.id,
                               org_id=ctx.application.partner_org_id)
    except ledger.LedgerError as exc:
        raise Refused(str(exc), "pool_funds_short") from exc
    claim.payout_entry_id = entry.id


def reject_claim(ctx: FireContext) -> None:
    """Committee rejection; the loan stays non-performing."""
    claim = _open_claim(ctx)
    claim.status = "rejected"
    claim.decided_by_id = ctx.user.id
    claim.decided_at = utcnow()


def claim_declined(ctx: FireContext) -> str | None:
    """The latest compensation claim was returned or rejected: only then may the bank close
    a non-performing loan without compensation (closing others would take bad loans out of
    the NPL ratio that decides suspension)."""
    status = db.session.scalar(select(Claim.status).where(
        Claim.application_id == ctx.application.id).order_by(Claim.id.desc()).limit(1))
    if status not in ("returned", "rejected"):
        return _("Only a loan whose compensation claim the pool returned or rejected can be "
                 "closed without compensation; lodge a claim first.")
    return None


def latest_claim(application_id: int) -> Claim | None:
    """An application's newest claim, if any."""
    return db.session.scalar(select(Claim).where(Claim.application_id == application_id)
                             .order_by(Claim.id.desc()).limit(1))


@dataclass(frozen=True)
class PayoutPreview:
    """What approving the open claim would pay today, the rule that bound it, and how the
    funders would share it (read only: nothing is stored)."""

    claim: Claim
    figures: compensation.Figures
    payout: compensation.Payout
    split: list[tuple[Funder, int]]
    nothing_payable: str | None

    @property
    def calculation(self) -> str:
        """The limits in the form a claim stores them (``pool.labels.calculation_text``)."""
        return json.dumps([[code, params] for code, params in self.payout.limits])


def payout_preview(application, on: date) -> PayoutPreview | None:
    """The payout of the application's claim in progress as the rules give it on ``on``."""
    claim = db.session.scalar(select(Claim).where(Claim.application_id == application.id,
                                                  Claim.status.in_(OPEN_CLAIM)))
    if claim is None:
        return None
    insured = offsets.paid_fen(application)
    figures = compensation.gather(application, claim.principal_loss_fen,
                                  claim.other_compensation_fen, on, insured)
    payout = compensation.calculate(figures)
    funders = list(db.session.scalars(select(Funder).order_by(Funder.id)))
    shares = ledger.split_by_shares(payout.payout_fen, funders) if funders else {}
    split = [(funder, shares.get(funder.id, 0)) for funder in funders]
    why = compensation.why_nothing_is_payable(figures, payout) if payout.payout_fen == 0 \
        else None
    return PayoutPreview(claim, figures, payout, split, why)
