"""The loan's terms: outstanding caps per talent and firm, the rate cap, the term, who decides."""

from datetime import date

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import TalentProfile
from talentfin.models.base import sum_fen
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.workflows import registry
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused
from talentfin.workflows.loan.eligibility import amount_over_tier_limit
from talentfin.workflows.loan.models import SECURITY

# Loans that count against the outstanding caps (decided for, not yet closed).
COMMITTED_STATES = ("approved", "contracted", "disbursed", "covered", "active", "overdue", "npl",
                    "claim_review", "committee_review")

# Another product whose amounts count against the loan caps names its states under this key
# in its ``Product.extensions`` (a bond allocation decided for and not yet repaid).
OUTSTANDING = "outstanding"

_AMOUNT = Application.amount_fen  # in these states: disbursed, else the approved amount
_statements: dict[int, object] = {}


def _outstanding():
    """Both caps in one query, built once per set of registered products (constructing it
    costs more than running it): what the firm, and every firm the same person (by ID
    number) founded, owes in loans and in the products counted with them."""
    key = registry.generation()
    if key not in _statements:
        counted = [(p.key, p.extensions[OUTSTANDING]) for p in registry.products()
                   if OUTSTANDING in p.extensions]
        # The person's firms as a list of values (read first, ``_firms``): inside each
        # product's branch below, both databases then read the enterprise index by (firm,
        # product, status). As a subquery, PostgreSQL could not pull it out of the OR and
        # filtered every committed loan of the programme by it instead: 385 ms a loan
        # approval at 1,000,000 applications.
        firms = Application.enterprise_id.in_(bindparam("firms", expanding=True))
        # The firms' list inside each product's branch: each branch is then one range of
        # (enterprise, product, status). With it outside, SQLite (no statistics: the app
        # runs no ANALYZE) read every committed loan of the programme by (product, status)
        # on each firing: 360 ms a loan approval at 100,000 applications.
        owed = or_(and_(firms, Application.product == "loan",
                        Application.status.in_(COMMITTED_STATES)),
                   *(and_(firms, Application.product == product, Application.status.in_(states))
                     for product, states in counted))
        _statements.clear()
        _statements[key] = (
            select(sum_fen(case((Application.enterprise_id == bindparam("enterprise_id"),
                                 _AMOUNT), else_=0)),
                   sum_fen(_AMOUNT))
            .where(owed, Application.id != bindparam("application_id"))
        )
    return _statements[key]


def rate_cap_bp(on: date | None = None) -> int:
    """The highest annual rate a bank may charge: 1-year LPR plus the allowed spread."""
    return int_parameter("lpr_1y_bp", on) + int_parameter("rate_cap_spread_bp", on)


_FIRMS = select(TalentProfile.enterprise_id).where(
    TalentProfile.id_number == bindparam("id_number"))


def _firms(enterprise: Enterprise) -> list[int]:
    """The firm and every other firm the same person (by ID number) founded."""
    talent = enterprise.talent
    found = {enterprise.id}
    if talent is not None:
        found.update(db.session.scalars(_FIRMS, {"id_number": talent.id_number}))
    return sorted(found)


def _totals(enterprise: Enterprise, leaving_out: int | None) -> tuple[int, int]:
    firm_total, talent_total = db.session.execute(_outstanding(), {
        "enterprise_id": enterprise.id, "application_id": leaving_out or 0,
        "firms": _firms(enterprise),
    }).one()
    return firm_total, talent_total


def caps_used(enterprise: Enterprise) -> tuple[int, int]:
    """What the outstanding caps count today: the firm's, and the talent's (every firm the
    same person founded), as the caps' own check counts them."""
    return _totals(enterprise, None)


def caps_room_problems(application, on: date) -> list[str]:
    """The pre-screener's check before any amount is typed: the firm's or its founder's
    outstanding cap is used up already (loans and bond allocations, as the caps count),
    said as reached when the total is the cap and as exceeded when it is more."""
    firm_total, talent_total = caps_used(application.enterprise)
    problems = []
    firm_cap = int_parameter("cap_per_firm_fen", on)
    if firm_total > firm_cap:
        problems.append(_("The firm's talent loans and bond allocations outstanding are "
                          "%(used)s yuan, exceeding the cap of %(cap)s yuan per firm: a new "
                          "one can be asked for once enough is repaid to bring it under the cap.",
                          used=format_fen(firm_total), cap=format_fen(firm_cap)))
    elif firm_total == firm_cap:
        problems.append(_("The firm's talent loans and bond allocations outstanding are "
                          "%(used)s yuan, at the cap of %(cap)s yuan per firm: a new one can "
                          "be asked for once some is repaid.", used=format_fen(firm_total),
                          cap=format_fen(firm_cap)))
    talent_cap = int_parameter("cap_per_talent_fen", on)
    if application.enterprise.talent is None or talent_total < talent_cap:
        return problems
    if talent_total > talent_cap:
        problems.append(_("The founder's loans outstanding across all banks and firms are "
                          "%(used)s yuan, exceeding the cap of %(cap)s yuan per talent: a new "
                          "one can be asked for once enough is repaid to bring it under the cap.",
                          used=format_fen(talent_total), cap=format_fen(talent_cap)))
    else:
        problems.append(_("The founder's loans outstanding across all banks and firms are "
                          "%(used)s yuan, at the cap of %(cap)s yuan per talent: a new one "
                          "can be asked for once some is repaid.", used=format_fen(talent_total),
                          cap=format_fen(talent_cap)))
    return problems


def outstanding_problem(application: Application, amount_fen: int, on: date) -> str | None:
    """Whether this amount breaks the per-talent or per-firm outstanding cap."""
    talent = application.enterprise.talent
    firm_total, talent_total = _totals(application.enterprise, application.id)
    firm_cap = int_parameter("cap_per_firm_fen", on)
    if firm_total + amount_fen > firm_cap:
        return _("The firm's outstanding talent loans would exceed %(cap)s yuan.",
                 cap=format_fen(firm_cap))
    if talent is not None:
        talent_cap = int_parameter("cap_per_talent_fen", on)
        if talent_total + amount_fen > talent_cap:
            return _("The talent's outstanding loans across all banks would exceed %(cap)s yuan.",
                     cap=format_fen(talent_cap))
    return None


# Built once: no-op UPDATEs that take the caps' locks (row locks on PostgreSQL, the write
# lock on SQLite).
_LOCK_TALENT = (update(TalentProfile).where(TalentProfile.id_number == bindparam("id_number"))
                .values(id_number=TalentProfile.id_number)
                .execution_options(synchronize_session=False))
_LOCK_FIRM = (update(Enterprise).where(Enterprise.id == bindparam("enterprise_id"))
              .values(id=Enterprise.id).execution_options(synchronize_session=False))


def _lock_caps(application: Application) -> None:
    """Lock the talent's profiles (every firm the person founded) and then the firm, so
    that of two firings at the same moment that commit money against one person's caps, of
    any products counted together, the second waits for the first and counts it."""
    talent = application.enterprise.talent
    # No autoflush: the sum that follows leaves this application out, so its pending move
    # need not reach the database yet; flushing it here would make the firing UPDATE it twice.
    with db.session.no_autoflush:
        if talent is not None:
            db.session.execute(_LOCK_TALENT, {"id_number": talent.id_number})
        db.session.execute(_LOCK_FIRM, {"enterprise_id": application.enterprise_id})


def lock_caps(ctx: FireContext) -> None:
    """Lock (a transition's ``locks``): the caps the guards then check behind the locks."""
    _lock_caps(ctx.application)


def hold_caps(application: Application, amount_fen: int, on: date) -> None:
    """Check the caps behind their locks, in the firing that commits the money (an effect
    of a transition whose guards do not check them). Refused when they do not hold."""
    _lock_caps(application)
    with db.session.no_autoflush:
        problem = outstanding_problem(application, amount_fen, on)
    if problem is not None:
        raise Refused(problem, "within_caps")


def within_caps(ctx: FireContext) -> str | None:
    """The request keeps the talent and the firm within their outstanding caps."""
    requested = ctx.application.requested_amount_fen or 0
    return outstanding_problem(ctx.application, requested, ctx.today)


def caps_at_filing(ctx: FireContext) -> str | None:
    """The disbursed loan keeps the talent and the firm within their outstanding caps."""
    return outstanding_problem(ctx.application, ctx.application.disbursed_amount_fen or 0,
                               ctx.today)


def terms_problems(application: Application, amount_fen: int, rate_bp: int, term_months: int,
                   on: date) -> dict[str, str]:
    """Problems with proposed loan terms, keyed by the form field they concern."""
    problems = {}
    requested = application.requested_amount_fen
    over = None
    if requested is not None and amount_fen > requested:
        over = _("The amount %(amount)s yuan is more than the %(requested)s yuan the founder "
                 "applied for.", amount=format_fen(amount_fen), requested=format_fen(requested))
    over = over or amount_over_tier_limit(application, amount_fen, on)
    over = over or outstanding_problem(application, amount_fen, on)
    if over:
        problems["amount"] = over
    cap = rate_cap_bp(on)
    if rate_bp > cap:
        problems["rate"] = _("The rate %(rate)s is above the cap of %(cap)s (1-year LPR + spread).",
                             rate=format_rate_bp(rate_bp), cap=format_rate_bp(cap))
    low = int_parameter("term_min_months", on)
    high = int_parameter("term_max_months", on)
    if not low <= term_months <= high:
        problems["term"] = _("The term must be between %(low)s and %(high)s months.",
                             low=low, high=high)
    return problems


def terms_within_rules(ctx: FireContext) -> str | None:
    """Recommended (or submitted) terms respect the tier limit, caps, rate cap and term."""
    app = ctx.application
    amount = ctx.data.get("amount_fen", app.recommended_amount_fen)
    rate = ctx.data.get("rate_bp", app.recommended_rate_bp)
    term = ctx.data.get("term_months", app.recommended_term_months)
    if amount is None or rate is None or term is None:
        return _("The credit officer's recommendation is missing.")
    problems = terms_problems(app, amount, rate, term, ctx.today)
    return " ".join(problems.values()) if problems else None


def security_recorded(ctx: FireContext) -> str | None:
    """The recommendation says how the loan is secured (the pool's bonus depends on it)."""
    if ctx.data.get("security") not in SECURITY:
        return _("Say whether the loan is pure credit or secured by a guarantee, a pledge or "
                 "collateral.")
    return None


def not_self_approval(ctx: FireContext) -> str | None:
    """The approver is not the officer who recommended."""
    if ctx.user is not None and ctx.application.recommended_by_id == ctx.user.id:
        return _("You recommended this loan; another approver must decide it.")
    return None
