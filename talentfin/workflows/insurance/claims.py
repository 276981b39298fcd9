"""Claims on a policy in force: notified (报案), adjusted (核定), then agreed and paid, or
denied with a notice, on the clocks of 保险法 Art. 23-24 (decide within 30 days, pay within
10 days of the agreement; the denial notice goes out with the decision).

On a loan-guarantee policy the loss is the guaranteed loan's principal loss once it is
non-performing, and the insurer's share of it (80 %, Guangzhou scheme) is what it agrees
to pay: the pool's compensation of the same loss reads it (``insurance.cover``).
"""

from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Attachment
from talentfin.models.base import sum_fen
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused
from talentfin.workflows.insurance.labels import CLAIM_DOCUMENTS
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.premiums import latest_payment
from talentfin.workflows.insurance.premiums import payments
from talentfin.workflows.insurance.premiums import policy_year_of
from talentfin.workflows.insurance.quote import guaranteed_loan
from talentfin.workflows.labels import document_label
from talentfin.workflows.labels import state_label

OPEN = ("notified", "adjusting", "agreed")
# A guaranteed loan's claim is made once the loan is non-performing (90 days overdue).
DEFAULTED = ("npl", "claim_review", "committee_review")


def claims_of(application: InsuranceApplication) -> list[InsuranceClaim]:
    """A policy's claims, oldest first."""
    return list(db.session.scalars(select(InsuranceClaim).where(
        InsuranceClaim.application_id == application.id).order_by(InsuranceClaim.id)))


def latest_claim(application: InsuranceApplication) -> InsuranceClaim | None:
    """A policy's newest claim, if any."""
    return db.session.scalar(select(InsuranceClaim).where(
        InsuranceClaim.application_id == application.id)
        .order_by(InsuranceClaim.id.desc()).limit(1))


def open_claim(application: InsuranceApplication) -> InsuranceClaim:
    """The claim being handled (the application's state says there is one)."""
    claim = db.session.scalar(select(InsuranceClaim).where(
        InsuranceClaim.application_id == application.id, InsuranceClaim.status.in_(OPEN)))
    if claim is None:
        raise Refused(_("There is no claim in progress on this policy."),
                      "no_claim_in_progress")
    return claim


def remaining_cover(application: InsuranceApplication) -> int:
    """The sum insured less what the policy has paid on claims."""
    paid = db.session.scalar(select(sum_fen(InsuranceClaim.paid_fen)).where(
        InsuranceClaim.application_id == application.id, InsuranceClaim.status == "paid"))
    return max(0, (application.sum_insured_fen or 0) - paid)


def guarantee_share(application: InsuranceApplication, loss_fen: int, today,
                    claimed_fen: int | None = None) -> int:
    """The insurer's share of a guaranteed loan's loss, within the cover left (and the
    amount claimed, when there is a claim)."""
    share = int_parameter("guarantee_insurer_share_bp", today)
    amount = min(loss_fen * share // 10_000, remaining_cover(application))
    return amount if claimed_fen is None else min(amount, claimed_fen)


def notice_valid(ctx: FireContext) -> str | None:
    """A loss inside the policy's period, after a premium was paid, for an amount the cover
    left can answer; on a guarantee policy, once its loan is non-performing."""
    app = ctx.application
    loss_on, claimed = ctx.data.get("loss_on"), ctx.data.get("claimed_fen")
    if loss_on is None or not claimed or claimed <= 0:
        return _("Enter the day of the loss and the amount claimed.")
    if latest_payment(app) is None:
        return _("No premium is paid on this policy: it does not cover a loss yet.")
    if loss_on < app.starts_on or loss_on > min(app.ends_on, ctx.today):
        return _("The loss must lie in the policy's period (%(start)s to %(end)s) and not "
                 "after today.", start=app.starts_on.isoformat(), end=app.ends_on.isoformat())
    year = policy_year_of(app, loss_on)
    if not any(p.policy_year == year for p in payments(app)):
        return _("The premium of policy year %(year)s, in which the loss fell, is not paid: "
                 "that year is not covered.", year=year)
    if claimed > remaining_cover(app):
        return _("The amount claimed is over the cover left (%(left)s yuan).",
                 left=format_fen(remaining_cover(app)))
    loan = guaranteed_loan(app)
    if loan is not None and loan.status not in DEFAULTED:
        return _("A guarantee claim is made once the loan is non-performing; the loan "
                 "%(reference)s is “%(state)s”.", reference=loan.reference,
                 state=state_label(loan.product, loan.status))
    return None


def record_notice(ctx: FireContext) -> None:
    """The claim as notified."""
    db.session.add(InsuranceClaim(
        application_id=ctx.application.id, status="notified", loss_on=ctx.data["loss_on"],
        description=ctx.comment, claimed_fen=ctx.data["claimed_fen"],
        notified_by_id=ctx.user.id, notified_at=utcnow()))


def papers_complete(ctx: FireContext) -> str | None:
    """The claim form and the evidence of the loss are on file, uploaded since the claim
    was notified (the insurer's clock to decide starts with complete papers)."""
    claim = open_claim(ctx.application)
    present = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == ctx.application.id, Attachment.kind.in_(CLAIM_DOCUMENTS),
        Attachment.superseded_at.is_(None), Attachment.uploaded_at >= claim.notified_at)))
    missing = [kind for kind in CLAIM_DOCUMENTS if kind not in present]
    if missing:
        return _("The claim's papers are not complete: %(names)s.",
                 names=", ".join(document_label(ctx.application.product, k) for k in missing))
    return None


def start_adjusting(ctx: FireContext) -> None:
    """The documents are complete: the insurer's clock to decide starts."""
    open_claim(ctx.application).status = "adjusting"


def agreement_valid(ctx: FireContext) -> str | None:
    """An agreed amount within the claim and the cover left; on a guarantee policy, the
    assessed loss within the loan's outstanding principal (the share follows from it)."""
    app = ctx.application
    claim = open_claim(app)
    loan = guaranteed_loan(app)
    if loan is not None:
        loss = ctx.data.get("assessed_loss_fen")
        if not loss or loss <= 0 or loss > loan.outstanding:
            return _("The assessed loss must be positive and at most the loan's outstanding "
                     "principal of %(amount)s yuan.", amount=format_fen(loan.outstanding))
        return None
    agreed = ctx.data.get("agreed_fen")
    limit = min(claim.claimed_fen, remaining_cover(app))
    if not agreed or agreed <= 0 or agreed > limit:
        return _("The amount agreed must be positive and at most %(limit)s yuan (the amount "
                 "claimed, within the cover left).", limit=format_fen(limit))
    return None


def record_agreement(ctx: FireContext) -> None:
    """The amount the insurer will pay: on a guarantee policy its share of the loss."""
    app = ctx.application
    claim = open_claim(app)
    if guaranteed_loan(app) is not None:
        claim.assessed_loss_fen = ctx.data["assessed_loss_fen"]
        claim.agreed_fen = guarantee_share(app, claim.assessed_loss_fen, ctx.today,
                                           claim.claimed_fen)
    else:
        claim.agreed_fen = ctx.data["agreed_fen"]
    claim.status = "agreed"
    claim.decided_by_id, claim.decided_at = ctx.user.id, utcnow()
    ctx.data["agreed_fen"] = claim.agreed_fen


def record_denial(ctx: FireContext) -> None:
    """Denied with the reason given; the notice is the decision's dossier."""
    claim = open_claim(ctx.application)
    claim.status = "denied"
    claim.decided_by_id, claim.decided_at = ctx.user.id, utcnow()


def payment_valid(ctx: FireContext) -> str | None:
    """The agreed amount, paid between the agreement and today."""
    claim = open_claim(ctx.application)
    paid_on = ctx.data.get("paid_on")
    if ctx.data.get("amount_fen") != claim.agreed_fen:
        return _("Pay the amount agreed: %(amount)s yuan.", amount=format_fen(claim.agreed_fen))
    if paid_on is None or paid_on > ctx.today or paid_on < business_date(claim.decided_at):
        return _("The payment is made between the agreement and today.")
    return None


def record_payment(ctx: FireContext) -> None:
    """The claim is paid."""
    claim = open_claim(ctx.application)
    claim.status = "paid"
    claim.paid_fen, claim.paid_on = ctx.data["amount_fen"], ctx.data["paid_on"]
