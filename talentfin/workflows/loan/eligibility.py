"""Who may borrow: the loan's eligibility rules and the tier limits, read from the policy table."""

from datetime import date

from dateutil.relativedelta import relativedelta

from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.workflows.context import FireContext
from talentfin.workflows.eligibility import programme_problems


def tier_limit_fen(tier: str, on: date | None = None) -> int:
    """The loan limit of a talent tier, in fen."""
    return int_parameter(f"tier_limit_{tier}_fen", on)


def eligibility_problems(application: Application, on: date) -> list[str]:
    """Every eligibility rule the enterprise and its founder fail, as messages."""
    problems = programme_problems(application, on)
    enterprise = application.enterprise
    talent = enterprise.talent
    if talent is None:
        return problems
    max_age = int_parameter("firm_max_age_years", on)
    if talent.tier != "A" and enterprise.founded_on and (
        enterprise.founded_on + relativedelta(years=max_age) < on
    ):
        problems.append(
            _("The firm was founded on %(founded)s; a talent loan takes firms founded on or "
              "after %(earliest)s (at most %(years)s years ago; only tier A talents are "
              "exempt).", founded=enterprise.founded_on.isoformat(),
              earliest=(on - relativedelta(years=max_age)).isoformat(), years=max_age)
        )
    min_equity = int_parameter("founder_min_equity_bp", on)
    if talent.equity_bp < min_equity:
        problems.append(
            _("The founder holds %(held)s of the equity; at least %(share)s is required.",
              held=format_rate_bp(talent.equity_bp), share=format_rate_bp(min_equity))
        )
    lookback = int_parameter("dishonesty_lookback_years", on)
    if enterprise.last_dishonesty_on and (
        enterprise.last_dishonesty_on + relativedelta(years=lookback) > on
    ):
        problems.append(
            _("The firm has a serious dishonesty record of %(on)s; such a record counts for "
              "%(years)s years, so the firm may apply from %(until)s.",
              on=enterprise.last_dishonesty_on.isoformat(), years=lookback,
              until=(enterprise.last_dishonesty_on + relativedelta(years=lookback)).isoformat())
        )
    return problems


def eligible(ctx: FireContext) -> str | None:
    """The domain's eligibility rules for a talent loan."""
    problems = eligibility_problems(ctx.application, ctx.today)
    return " ".join(problems) if problems else None


def amount_over_tier_limit(application: Application, amount_fen: int, on: date, *,
                           profile_tier: bool = False) -> str | None:
    """The amount against the tier limit: the tier the park checked, or (for a submission
    to the park, which records it anew) the one the profile has now."""
    talent = application.enterprise.talent
    live = talent.tier if talent is not None else None
    tier = live if profile_tier else (application.talent_tier or live)
    if tier is None:
        return _("Add the founder's talent certification to the company profile first.")
    limit = tier_limit_fen(tier, on)
    if amount_fen > limit:
        return _(
            "The amount %(amount)s yuan is over the tier %(tier)s limit of %(limit)s yuan.",
            amount=format_fen(amount_fen), tier=tier, limit=format_fen(limit),
        )
    return None


def within_tier_limit(ctx: FireContext) -> str | None:
    """The requested amount is within the founder's tier limit."""
    amount = ctx.application.requested_amount_fen
    if not amount or amount <= 0:
        return _("Enter the amount you apply for.")
    return amount_over_tier_limit(ctx.application, amount, ctx.today, profile_tier=True)


def tier_limit(application: Application, on: date) -> tuple[str, int] | None:
    """The tier whose limit the next submission is checked against, and that limit (fen)."""
    talent = application.enterprise.talent
    tier = application.talent_tier
    if application.partner_routed_at is None or tier is None:
        # A submission to the park records the tier the profile has then.
        tier = talent.tier if talent is not None else tier
    if tier is None:
        return None
    return tier, tier_limit_fen(tier, on)
