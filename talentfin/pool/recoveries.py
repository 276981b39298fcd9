"""After compensation: recoveries returned to the funders pro rata, and clawback on fraud."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.models.base import sum_fen
from talentfin.pool import ledger
from talentfin.pool.models import Claim
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.pool.models import Recovery
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused

RECOVERED_ACCOUNT = "compensation_recovered"
CLAWED_BACK_ACCOUNT = "compensation_clawed_back"


def _paid_claim(ctx: FireContext) -> Claim:
    claim = db.session.scalar(select(Claim).where(Claim.application_id == ctx.application.id,
                                                  Claim.status == "paid"))
    if claim is None:
        raise Refused(_("This loan has no paid claim."), "no_paid_claim")
    return claim


def funder_net_paid(application_id: int) -> dict[int, int]:
    """What each funder is still out on this loan: payouts minus returns so far (fen)."""
    rows = db.session.execute(
        select(LedgerLine.funder_id, func.sum(LedgerLine.amount_fen))
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .where(LedgerEntry.application_id == application_id, LedgerLine.account == ledger.CASH)
        .group_by(LedgerLine.funder_id)
    ).all()
    return {funder_id: -int(total) for funder_id, total in rows if total}


def recovery_valid(ctx: FireContext) -> str | None:
    """A received amount, costs not above it, a date between the claim's lodging and today.

    Money collected before the claim was lodged lowers the loss claimed; only what comes in
    afterwards is a recovery the pool shares in.
    """
    gross = ctx.data.get("gross_fen") or 0
    costs = ctx.data.get("costs_fen") or 0
    day = ctx.data.get("received_on")
    if day is None or day > ctx.today:
        return _("Enter the date the money was received (not in the future).")
    lodged_at = db.session.scalar(select(Claim.lodged_at).where(
        Claim.application_id == ctx.application.id, Claim.status == "paid"))
    if lodged_at is not None and day < business_date(lodged_at):
        return _("A recovery cannot be dated before the claim was lodged on %(day)s.",
                 day=business_date(lodged_at).isoformat())
    disbursed = ctx.application.disbursed_on
    if disbursed and day < disbursed:
        return _("A recovery cannot be dated before the loan was disbursed on %(day)s.",
                 day=disbursed.isoformat())
    if gross <= 0 or costs < 0 or costs > gross:
        return _("The amount received must be positive and the costs at most that amount.")
    return None


def record_recovery(ctx: FireContext) -> None:
    """Return the pool's share of the net recovery to the funders, as they paid."""
    claim = _paid_claim(ctx)
    net = ctx.data["gross_fen"] - ctx.data.get("costs_fen", 0)
    returned_so_far = db.session.scalar(
        select(sum_fen(Recovery.returned_fen))
        .where(Recovery.claim_id == claim.id))
    share = net * (claim.payout_fen or 0) // claim.principal_loss_fen
    returned = max(0, min(share, (claim.payout_fen or 0) - returned_so_far))
    recovery = Recovery(application_id=ctx.application.id, claim_id=claim.id,
                        received_on=ctx.data["received_on"], gross_fen=ctx.data["gross_fen"],
                        costs_fen=ctx.data.get("costs_fen", 0), returned_fen=returned,
                        reported_by_id=ctx.user.id)
    if returned:
        owed = funder_net_paid(ctx.application.id)
        parts = ledger.split_pro_rata(returned, owed)
        lines = [ledger.Line(ledger.CASH, amount, funder_id=fid)
                 for fid, amount in parts.items() if amount]
        lines.append(ledger.Line(RECOVERED_ACCOUNT, -returned,
                                 org_id=ctx.application.partner_org_id))
        entry = ledger.post_entry("recovery_receipt", lines, effective_on=ctx.data["received_on"],
                                  memo=f"{ctx.application.reference} recovery", maker=ctx.user,
                                  application_id=ctx.application.id)
        recovery.entry_id = entry.id
    db.session.add(recovery)
    ctx.data["returned_fen"] = returned


def claw_back(ctx: FireContext) -> None:
    """Fraud: every funder gets back what it is still out; the bank loses partner status."""
    claim = _paid_claim(ctx)
    owed = {fid: amount for fid, amount in funder_net_paid(ctx.application.id).items() if amount}
    total = sum(owed.values())
    if total > 0:
        lines = [ledger.Line(ledger.CASH, amount, funder_id=fid) for fid, amount in owed.items()]
        lines.append(ledger.Line(CLAWED_BACK_ACCOUNT, -total,
                                 org_id=ctx.application.partner_org_id))
        ledger.post_entry("clawback", lines, effective_on=ctx.today, memo=ctx.comment,
                          maker=ctx.user, application_id=ctx.application.id)
    claim.status = "clawed_back"
    bank = db.session.get(Organisation, ctx.application.partner_org_id)
    bank.standing = "terminated"
    ctx.data["clawed_back_fen"] = total
