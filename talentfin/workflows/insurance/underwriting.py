"""The insurer's side: the underwriter's proposal (accept, counter-terms or decline), the
approver's decision (never on their own proposal), the founder's answer to counter-terms,
and the policy issued with its number, period and premium."""

from collections.abc import Callable
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models.policy import int_parameter
from talentfin.money import format_rate_bp
from talentfin.workdays import add_working_days
from talentfin.workflows.context import FireContext
from talentfin.workflows.insurance.labels import PROPOSALS
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.premiums import open_payment
from talentfin.workflows.insurance.quote import PERIODS
from talentfin.workflows.insurance.quote import annual_premium
from talentfin.workflows.insurance.quote import guaranteed_loan
from talentfin.workflows.insurance.quote import offer_for
from talentfin.workflows.insurance.quote import premium_basis
from talentfin.workflows.insurance.quote import requested_terms

# How far ahead of the decision a policy may start (the founder pays, the bank lends).
MAX_START_DAYS = 90
# A guaranteed loan that is repaid ends its guarantee policy (nothing is left to guarantee).
LOAN_ENDED = ("repaid", "closed")
# How long after its end a policy waits for a premium's subsidy never asked for.
SUBSIDY_WINDOW = timedelta(days=90)


def proposal_valid(ctx: FireContext) -> str | None:
    """An acceptance offers exactly what was asked at the insurer's rate; counter-terms
    change something; a guarantee policy's sum and period follow its loan and its rate stays
    under the ceiling; a decline gives a reason."""
    kind = ctx.data.get("proposal")
    if kind not in PROPOSALS:
        return _("Choose accept, counter-terms or decline.")
    if kind == "decline":
        return None if ctx.comment.strip() else _("Please give a reason.")
    application = ctx.application
    asked = requested_terms(application)
    amount, rate, period = (ctx.data.get("sum_insured_fen"), ctx.data.get("rate_bp"),
                            ctx.data.get("period_months"))
    if not amount or amount <= 0 or not rate or rate <= 0:
        return _("Enter the sum insured and the premium rate.")
    if period not in PERIODS and not (application.cover == "loan_guarantee"
                                      and period == asked.period_months):
        return _("Choose a period of 12, 24 or 36 months.")
    if application.cover == "loan_guarantee":
        if (amount, period) != (asked.sum_insured_fen, asked.period_months):
            return _("A guarantee policy insures its loan's amount over the loan's term.")
        ceiling = int_parameter("guarantee_premium_cap_bp", ctx.today)
        if rate > ceiling:
            return _("The premium rate %(rate)s is over the loan-guarantee ceiling of "
                     "%(ceiling)s a year.", rate=format_rate_bp(rate),
                     ceiling=format_rate_bp(ceiling))
    offered = quoted_rate(application)
    as_asked = (amount == asked.sum_insured_fen and period == asked.period_months
                and rate == offered)
    if kind == "accept" and not as_asked:
        return _("An acceptance offers the sum and period asked for at your terms' rate "
                 "(%(rate)s); anything else is counter-terms.", rate=format_rate_bp(offered))
    if kind == "counter" and as_asked:
        return _("These are the terms asked for: propose an acceptance instead.")
    return None


def quoted_rate(application: InsuranceApplication) -> int | None:
    """The rate the insurer's terms gave when the quote was submitted (a later change of its
    terms does not reach a quote already made), else its terms now."""
    if application.offered_rate_bp is not None:
        return application.offered_rate_bp
    offer = offer_for(application.partner_org_id, application.cover)
    return offer.premium_rate_bp if offer else None


def record_offer(ctx: FireContext) -> None:
    """Keep the rate the insurer's terms give the quote now (its submission)."""
    offer = offer_for(ctx.application.partner_org_id, ctx.application.cover)
    ctx.application.offered_rate_bp = offer.premium_rate_bp if offer else None


def record_proposal(ctx: FireContext) -> None:
    """Keep the proposal for the approver (and, as counter-terms, for the founder)."""
    app = ctx.application
    app.proposal = ctx.data["proposal"]
    declined = app.proposal == "decline"
    app.proposed_sum_insured_fen = None if declined else ctx.data["sum_insured_fen"]
    app.proposed_rate_bp = None if declined else ctx.data["rate_bp"]
    app.proposed_period_months = None if declined else ctx.data["period_months"]
    app.proposed_by_id = ctx.user.id


def proposes(kind: str) -> Callable[..., bool]:
    """Whether the underwriter's proposal is of this kind (which approval is offered)."""
    return lambda application, _user=None: application.proposal == kind


def not_self_approval(ctx: FireContext) -> str | None:
    """The approver did not make the proposal they decide on."""
    if ctx.user is not None and ctx.application.proposed_by_id == ctx.user.id:
        return _("You proposed these terms; another approver must decide.")
    return None


def record_decision(ctx: FireContext) -> None:
    """Who decided the underwriting."""
    ctx.application.decided_by_id = ctx.user.id


def binding_valid(ctx: FireContext) -> str | None:
    """A policy number no other policy has, and a start between today and 90 days ahead
    (a policy is never dated back: it would cover losses already known)."""
    number = (ctx.data.get("policy_no") or "").strip()
    starts = ctx.data.get("starts_on")
    if not number or starts is None:
        return _("Enter the policy number and the date cover starts.")
    if db.session.scalar(select(InsuranceApplication.id).where(
            InsuranceApplication.policy_no == number,
            InsuranceApplication.id != ctx.application.id).limit(1)) is not None:
        return _("The policy number %(number)s is already used by another policy.",
                 number=number)
    if starts < ctx.today or starts > ctx.today + timedelta(days=MAX_START_DAYS):
        return _("Cover starts between today and %(days)s days from now; a policy is not "
                 "dated back.", days=MAX_START_DAYS)
    return None


def record_binding(ctx: FireContext) -> None:
    """The policy: its number, the agreed sum, rate and period, and a year's premium."""
    app = ctx.application
    app.policy_no = ctx.data["policy_no"].strip()
    app.sum_insured_fen = app.proposed_sum_insured_fen
    app.premium_rate_bp = app.proposed_rate_bp
    app.period_months = app.proposed_period_months
    app.annual_premium_fen = annual_premium(premium_basis(app, app.sum_insured_fen),
                                            app.premium_rate_bp)
    app.starts_on = ctx.data["starts_on"]
    app.ends_on = app.starts_on + relativedelta(months=app.period_months) - timedelta(days=1)
    ctx.data["annual_premium_fen"] = app.annual_premium_fen


def counter_offer_expired(ctx: FireContext) -> str | None:
    """Counter-terms not answered within their working days lapse (policy)."""
    days = int_parameter("counter_offer_working_days", ctx.today)
    if add_working_days(business_date(ctx.application.status_changed_at), days) < ctx.today:
        return None
    return _("The counter-terms are still open.")


def period_over(ctx: FireContext) -> str | None:
    """The policy's period has ended, or the loan a guarantee policy follows is repaid; and
    no premium's subsidy may still be asked for (a premium paid keeps its subsidy for
    ``SUBSIDY_WINDOW`` after the end: the policy ends once it is asked or that has passed)."""
    app = ctx.application
    loan = guaranteed_loan(app)
    if app.ends_on is not None and app.ends_on < ctx.today:
        ended = app.ends_on
    elif loan is not None and loan.status in LOAN_ENDED:
        ended = business_date(loan.status_changed_at)
    else:
        return _("The policy is still in its period.")
    waiting = open_payment(app)
    last_day = ended + SUBSIDY_WINDOW
    if waiting is not None and waiting.subsidy_status is None and ctx.today <= last_day:
        return _("The premium subsidy of policy year %(year)s may still be asked for until "
                 "%(day)s.", year=waiting.policy_year, day=last_day.isoformat())
    return None

