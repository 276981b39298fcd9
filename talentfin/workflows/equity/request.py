"""What the founder asks for: the investment, the valuation they propose, the firm's size
and its cap table before the round; what a request still lacks, and the 初创期 firm rules
(age, staff, R&D share, assets, revenue) with their figures."""

from datetime import date

from dateutil.relativedelta import relativedelta

from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.workflows.context import FireContext
from talentfin.workflows.eligibility import programme_problems

FULL = 10_000  # basis points of the whole


def cap_table_problem(rows: list[dict]) -> str | None:
    """The cap table names each holder once with a positive stake, and adds up to 100 %."""
    if not rows:
        return _("Enter the cap table: every holder before this round with their stake.")
    names = [row["name"] for row in rows]
    if len(set(names)) != len(names):
        return _("Name each holder of the cap table once.")
    if any(row["stake_bp"] <= 0 for row in rows):
        return _("Every holder of the cap table holds more than 0%.")
    total = sum(row["stake_bp"] for row in rows)
    if total != FULL:
        return _("The cap table's stakes add up to %(total)s; they must add up to 100%%.",
                 total=format_rate_bp(total))
    return None


def request_problems(application: Application) -> list[str]:
    """What the request still lacks before it can be submitted."""
    problems = []
    if not application.requested_amount_fen:
        problems.append(_("Enter the investment you ask for."))
    if not application.asked_pre_money_fen:
        problems.append(_("Enter the pre-money valuation you propose."))
    if application.staff is None or application.rd_staff is None:
        problems.append(_("Enter the firm's staff and its R&D staff."))
    elif application.rd_staff > application.staff:
        problems.append(_("The R&D staff cannot be more than the whole staff."))
    if application.total_assets_fen is None or application.revenue_fen is None:
        problems.append(_("Enter the firm's total assets and last year's revenue."))
    if (problem := cap_table_problem(application.cap_table or [])) is not None:
        problems.append(problem)
    return problems


def request_complete(ctx: FireContext) -> str | None:
    """Guard: the request is whole."""
    problems = request_problems(ctx.application)
    return " ".join(problems) if problems else None


def eligibility_problems(application: Application, on: date) -> list[str]:
    """The programme's rules, then the fund's start-up rules, each with its figures."""
    problems = programme_problems(application, on)
    enterprise = application.enterprise
    max_age = int_parameter("equity_max_firm_age_years", on)
    if enterprise.founded_on and enterprise.founded_on + relativedelta(years=max_age) < on:
        # The founding day, not the whole years: a firm a day past the limit is not "5 years
        # old" beside a limit of 5.
        problems.append(_("The firm was founded on %(day)s, more than %(years)s years ago; "
                          "the fund invests in firms at most %(years)s years old.",
                          day=enterprise.founded_on.isoformat(), years=max_age))
    if application.staff is not None:
        max_staff = int_parameter("equity_max_staff", on)
        if application.staff > max_staff:
            problems.append(_("The firm has %(staff)s staff; the fund invests in firms of at "
                              "most %(max)s.", staff=application.staff, max=max_staff))
        min_rd = int_parameter("equity_min_rd_staff_bp", on)
        if application.rd_staff is not None and application.staff and (
                application.rd_staff * FULL < min_rd * application.staff):
            share = application.rd_staff * FULL // application.staff
            problems.append(_("R&D staff are %(share)s of the staff; the fund asks for at "
                              "least %(min)s.", share=format_rate_bp(share),
                              min=format_rate_bp(min_rd)))
    max_assets = int_parameter("equity_max_assets_fen", on)
    if application.total_assets_fen is not None and application.total_assets_fen > max_assets:
        problems.append(_("The firm's total assets are %(value)s yuan; the fund invests in "
                          "firms with at most %(max)s yuan.",
                          value=format_fen(application.total_assets_fen),
                          max=format_fen(max_assets)))
    max_revenue = int_parameter("equity_max_revenue_fen", on)
    if application.revenue_fen is not None and application.revenue_fen > max_revenue:
        problems.append(_("The firm's revenue last year was %(value)s yuan; the fund invests "
                          "in firms with at most %(max)s yuan.",
                          value=format_fen(application.revenue_fen),
                          max=format_fen(max_revenue)))
    return problems


def eligible(ctx: FireContext) -> str | None:
    """Guard: the programme's and the fund's rules."""
    problems = eligibility_problems(ctx.application, ctx.today)
    return " ".join(problems) if problems else None
