"""Premiums and their subsidy: a policy year's premium, paid as the policy says (its
invoice uploaded), and the pool's premium subsidy (鲁科保: 50 % in a policy's first year,
30 % after, at most 300,000 per firm and year across all its policies; paid after the
premium, never twice for one premium), posted to the ledger split between the funders.
"""

from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Attachment
from talentfin.models.base import sum_fen
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.pool import ledger
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.models import PremiumPayment

KIND, ACCOUNT = "premium_subsidy_payout", "premium_subsidy_paid"
# A year's premium may be paid from a month before that policy year starts.
EARLY_DAYS = 30


@dataclass(frozen=True)
class Subsidy:
    """What a premium's subsidy comes to on a day: the rate of its policy year, the firm's
    room under the yearly cap, and the amount (the smaller of the two)."""

    payment: PremiumPayment
    rate_bp: int
    room_fen: int
    amount_fen: int


def payments(application: InsuranceApplication) -> list[PremiumPayment]:
    """The policy's premiums, first policy year first."""
    return list(db.session.scalars(select(PremiumPayment).where(
        PremiumPayment.application_id == application.id).order_by(PremiumPayment.policy_year)))


def latest_payment(application: InsuranceApplication) -> PremiumPayment | None:
    """The premium of the latest policy year paid."""
    return db.session.scalar(select(PremiumPayment).where(
        PremiumPayment.application_id == application.id)
        .order_by(PremiumPayment.policy_year.desc()).limit(1))


def year_starts(application: InsuranceApplication, policy_year: int) -> date:
    """The first day of a policy year."""
    return application.starts_on + relativedelta(years=policy_year - 1)


def next_policy_year(application: InsuranceApplication) -> int | None:
    """The policy year whose premium is due next, or None after the last one."""
    latest = latest_payment(application)
    year = (latest.policy_year if latest else 0) + 1
    return year if year_starts(application, year) <= application.ends_on else None


def policy_year_of(application: InsuranceApplication, day: date) -> int:
    """The policy year a day falls in (1 from the start of cover)."""
    year = 1
    while year_starts(application, year + 1) <= day:
        year += 1
    return year


def lapses_on(application: InsuranceApplication, year: int, today: date) -> date:
    """The day a policy lapses when the premium of ``year`` stays unpaid: its days of grace
    count from the day it fell due, or from the day a claim in hand then was settled (a
    premium cannot be recorded while a claim is handled)."""
    grace = int_parameter("premium_grace_days", today)
    start = year_starts(application, year)
    settled = [day for claim in db.session.scalars(select(InsuranceClaim).where(
        InsuranceClaim.application_id == application.id,
        InsuranceClaim.status.in_(("paid", "denied"))))
        for day in (claim.paid_on or (claim.decided_at and business_date(claim.decided_at)),)
        if day is not None]
    return max([start, *settled]) + timedelta(days=grace + 1)


def premium_valid(ctx: FireContext) -> str | None:
    """The premium of the next policy year, as the policy says, paid when it is due and
    before the policy lapses, with its invoice uploaded since the last premium."""
    app = ctx.application
    year = next_policy_year(app)
    if year is None:
        return _("Every premium of this policy is paid.")
    starts = year_starts(app, year)
    if ctx.today < starts - timedelta(days=EARLY_DAYS):
        return _("The premium of policy year %(year)s is due from %(day)s.", year=year,
                 day=(starts - timedelta(days=EARLY_DAYS)).isoformat())
    if ctx.today >= lapses_on(app, year, ctx.today):
        return _("The premium of policy year %(year)s fell due on %(day)s and was not paid "
                 "within its days of grace: the policy has lapsed.", year=year,
                 day=starts.isoformat())
    amount, paid_on = ctx.data.get("amount_fen"), ctx.data.get("paid_on")
    if not (ctx.data.get("invoice_no") or "").strip() or paid_on is None:
        return _("Enter the invoice number and the day the premium was paid.")
    if amount != app.annual_premium_fen:
        return _("The premium paid (%(paid)s yuan) differs from the policy's premium of "
                 "%(due)s yuan a year.", paid=format_fen(amount or 0),
                 due=format_fen(app.annual_premium_fen))
    if paid_on > ctx.today or paid_on < starts - timedelta(days=EARLY_DAYS):
        return _("The premium is paid between %(start)s and today.",
                 start=(starts - timedelta(days=EARLY_DAYS)).isoformat())
    if _new_invoice(app) is None:
        return _("Upload the premium's invoice first.")
    return None


def _new_invoice(application: InsuranceApplication) -> Attachment | None:
    """The premium invoice uploaded since the last premium was recorded."""
    latest = latest_payment(application)
    query = select(Attachment).where(Attachment.application_id == application.id,
                                     Attachment.kind == "premium_invoice",
                                     Attachment.superseded_at.is_(None))
    if latest is not None:
        query = query.where(Attachment.uploaded_at > latest.created_at)
    return db.session.scalar(query.order_by(Attachment.id.desc()).limit(1))


def record_premium(ctx: FireContext) -> None:
    """The premium of the next policy year, with its invoice."""
    app = ctx.application
    year = next_policy_year(app)
    db.session.add(PremiumPayment(
        application_id=app.id, enterprise_id=app.enterprise_id, policy_year=year,
        amount_fen=ctx.data["amount_fen"], paid_on=ctx.data["paid_on"],
        invoice_no=ctx.data["invoice_no"].strip(), invoice_id=_new_invoice(app).id,
        recorded_by_id=ctx.user.id, created_at=utcnow()))
    ctx.data["policy_year"] = year


def subsidies_paid_in_year(enterprise_id: int, year: int) -> int:
    """The premium subsidies paid the firm on premiums paid in a calendar year, every
    policy (what its yearly cap counts)."""
    return db.session.scalar(select(sum_fen(PremiumPayment.subsidy_fen)).where(
        PremiumPayment.enterprise_id == enterprise_id, PremiumPayment.subsidy_status == "paid",
        extract("year", PremiumPayment.paid_on) == year))


def subsidy_on(payment: PremiumPayment, on: date) -> Subsidy:
    """A premium's subsidy as the rules give it on ``on`` (the firm's cap counts the
    subsidies already paid on premiums paid in the same calendar year, every policy)."""
    key = "premium_subsidy_first_year_bp" if payment.policy_year == 1 \
        else "premium_subsidy_later_bp"
    rate = int_parameter(key, on)
    paid = subsidies_paid_in_year(payment.enterprise_id, payment.paid_on.year)
    room = max(0, int_parameter("premium_subsidy_cap_fen", on) - paid)
    return Subsidy(payment, rate, room, min(payment.amount_fen * rate // 10_000, room))


def open_payment(application: InsuranceApplication) -> PremiumPayment | None:
    """The oldest premium whose subsidy may still be asked for (never asked, or declined
    and asked again)."""
    return db.session.scalar(select(PremiumPayment).where(
        PremiumPayment.application_id == application.id,
        or_(PremiumPayment.subsidy_status.is_(None),
            PremiumPayment.subsidy_status == "declined"))
        .order_by(PremiumPayment.policy_year).limit(1))


def subsidy_requestable(ctx: FireContext) -> str | None:
    """A premium is paid whose subsidy was not asked for (or was declined, and something
    was uploaded since), and it would pay something."""
    payment = open_payment(ctx.application)
    if payment is None:
        return _("Every premium's subsidy was asked for already; it is asked once a premium.")
    if not _has_current(ctx.application, "bank_account"):
        return _("Upload the bank account the subsidy is paid to first.")
    if payment.subsidy_status == "declined" and not _uploaded_since(
            ctx.application, payment.subsidy_decided_at):
        return _("The pool administrator declined this subsidy: %(reason)s Upload what is "
                 "asked for, then ask again.", reason=payment.subsidy_note)
    if subsidy_on(payment, ctx.today).amount_fen <= 0:
        return _("The firm's premium subsidy cap for %(year)s is used up.",
                 year=payment.paid_on.year)
    return None


def _uploaded_since(application: InsuranceApplication, moment) -> bool:
    return db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.application_id == application.id, Attachment.superseded_at.is_(None),
        Attachment.uploaded_at > moment)) > 0


def _has_current(application: InsuranceApplication, kind: str) -> bool:
    return db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.application_id == application.id, Attachment.kind == kind,
        Attachment.superseded_at.is_(None))) > 0


def record_subsidy_request(ctx: FireContext) -> None:
    """Ask for the latest premium's subsidy; the pool sees the policy from now on."""
    app = ctx.application
    payment = open_payment(app)
    due = subsidy_on(payment, ctx.today)
    payment.subsidy_status, payment.subsidy_note = "requested", ""
    payment.subsidy_rate_bp, payment.subsidy_fen = due.rate_bp, due.amount_fen
    app.subsidy_requested_at = app.subsidy_requested_at or utcnow()
    ctx.data.update(policy_year=payment.policy_year, subsidy_fen=due.amount_fen)


def requested_payment(application: InsuranceApplication) -> PremiumPayment | None:
    """The premium whose subsidy is asked for and not decided yet."""
    return db.session.scalar(select(PremiumPayment).where(
        PremiumPayment.application_id == application.id,
        PremiumPayment.subsidy_status == "requested").limit(1))


def _requested(application: InsuranceApplication) -> PremiumPayment:
    payment = requested_payment(application)
    if payment is None:
        raise Refused(_("There is no premium subsidy asked for on this policy."),
                      "no_subsidy_asked")
    return payment


def withdraw_pending_subsidy(ctx: FireContext) -> None:
    """A claim notified, or the next premium recorded, while the pool reviews a subsidy
    takes the policy out of the pool's review: the request is withdrawn, to be asked again
    (the claim's clock and the premium cannot wait for the pool)."""
    payment = requested_payment(ctx.application)
    if payment is not None:
        payment.subsidy_status, payment.subsidy_fen = None, None
        payment.subsidy_note = _("Withdrawn when the policy moved on; ask again.")


def pay_subsidy(ctx: FireContext) -> None:
    """Recompute on the decision date within the firm's cap, and pay it from the pool."""
    payment = _requested(ctx.application)
    ledger.lock_ledger()  # the firm's cap and the balances must see every earlier payout
    due = subsidy_on(payment, ctx.today)
    if due.amount_fen <= 0:
        raise Refused(_("Nothing can be paid: the firm's premium subsidy cap for %(year)s is "
                        "used up. Decline it with this reason instead.",
                        year=payment.paid_on.year), "subsidy_cap_used_up")
    try:
        entry = ledger.pay_out(
            KIND, ACCOUNT, due.amount_fen, effective_on=ctx.today,
            memo=f"{ctx.application.policy_no} 第{payment.policy_year}保单年度保费补贴",
            maker=ctx.user, application_id=ctx.application.id)
    except ledger.LedgerError as exc:
        raise Refused(str(exc), "pool_funds_short") from exc
    payment.subsidy_status = "paid"
    payment.subsidy_rate_bp, payment.subsidy_fen = due.rate_bp, due.amount_fen
    payment.subsidy_entry_id = entry.id
    payment.subsidy_decided_by_id, payment.subsidy_decided_at = ctx.user.id, utcnow()
    ctx.data.update(policy_year=payment.policy_year, subsidy_fen=due.amount_fen,
                    rate_bp=due.rate_bp)


def decline_subsidy(ctx: FireContext) -> None:
    """Decline with the reason given (the founder may ask again once it is fixed)."""
    payment = _requested(ctx.application)
    payment.subsidy_status = "declined"
    payment.subsidy_fen = 0
    payment.subsidy_note = ctx.comment
    payment.subsidy_decided_by_id, payment.subsidy_decided_at = ctx.user.id, utcnow()
    ctx.data["policy_year"] = payment.policy_year


def premium_overdue(ctx: FireContext) -> str | None:
    """The premium of the policy year under way is unpaid past its days of grace."""
    app = ctx.application
    year = next_policy_year(app)
    if year is None:
        return _("Every premium of this policy is paid.")
    if ctx.today >= lapses_on(app, year, ctx.today):
        return None
    return _("The premium is not overdue.")
