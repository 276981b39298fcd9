"""Guards: side-effect-free checks; each returns None or a reason the user can act on."""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import Integer
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import union

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import REQUIRED_LOAN_ATTACHMENTS
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import TalentProfile
from talentfin.models.base import sum_fen
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.services import parameters
from talentfin.services.parameters import PROGRAMME_START
from talentfin.workflows.context import FireContext

# Loans that count against the outstanding caps (decided for, not yet closed).
COMMITTED_STATES = ("approved", "contracted", "disbursed", "covered", "active", "overdue", "npl",
                    "claim_review", "committee_review")


def attachments_complete(ctx: FireContext) -> str | None:
    """Every required document is uploaded."""
    present = set(
        db.session.scalars(
            select(Attachment.kind).where(
                Attachment.application_id == ctx.application.id,
                Attachment.superseded_at.is_(None),
            )
        )
    )
    from talentfin.labels import attachment_label

    missing = [attachment_label(kind) for kind in REQUIRED_LOAN_ATTACHMENTS if kind not in present]
    if missing:
        return _("Please upload the required documents: %(names)s.", names=", ".join(missing))
    return None


def eligibility_problems(application: Application, on: date) -> list[str]:
    """Every eligibility rule the enterprise and its founder fail, as messages."""
    enterprise = application.enterprise
    talent = enterprise.talent
    problems = []
    if talent is None:
        return [_("Add the founder's talent certification to the company profile first.")]
    if enterprise.park_id is None:
        problems.append(_("Choose the firm's park in the company profile: the park reviews "
                          "the application first."))
    if enterprise.founded_on is None:
        problems.append(_("Enter the firm's founding date in the company profile."))
    if talent.tier not in ("A", "B", "C", "D"):
        problems.append(_("The founder's talent tier must be A, B, C or D."))
    if talent.valid_until < on:
        problems.append(
            _("The talent certificate expired on %(day)s; upload a valid one.",
              day=talent.valid_until.isoformat())
        )
    if not enterprise.registered_in_district:
        problems.append(_("The firm must be registered in the district."))
    max_age = parameters.int_parameter("firm_max_age_years", on)
    if talent.tier != "A" and enterprise.founded_on and (
        enterprise.founded_on + relativedelta(years=max_age) < on
    ):
        problems.append(
            _("The firm was founded more than %(years)s years ago "
              "(only tier A talents are exempt).",
              years=max_age)
        )
    min_equity = parameters.int_parameter("founder_min_equity_bp", on)
    if talent.equity_bp < min_equity:
        problems.append(
            _("The founder must hold at least %(share)s of the equity.",
              share=format_rate_bp(min_equity))
        )
    lookback = parameters.int_parameter("dishonesty_lookback_years", on)
    if enterprise.last_dishonesty_on and (
        enterprise.last_dishonesty_on + relativedelta(years=lookback) > on
    ):
        problems.append(
            _("A serious dishonesty record in the last %(years)s years makes the firm ineligible.",
              years=lookback)
        )
    return problems


def eligible(ctx: FireContext) -> str | None:
    """The domain's eligibility rules for a talent loan."""
    problems = eligibility_problems(ctx.application, ctx.today)
    return " ".join(problems) if problems else None


def _amount_over_tier_limit(application: Application, amount_fen: int, on: date, *,
                            profile_tier: bool = False) -> str | None:
    """The amount against the tier limit: the tier the park checked, or (for a submission
    to the park, which records it anew) the one the profile has now."""
    talent = application.enterprise.talent
    live = talent.tier if talent is not None else None
    tier = live if profile_tier else (application.talent_tier or live)
    if tier is None:
        return _("Add the founder's talent certification to the company profile first.")
    limit = parameters.tier_limit_fen(tier, on)
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
    return _amount_over_tier_limit(ctx.application, amount, ctx.today, profile_tier=True)


_AMOUNT = func.coalesce(Application.disbursed_amount_fen, Application.recommended_amount_fen, 0)
# Both caps in one query, built once (constructing it costs more than running it): the
# committed loans of this firm and of every firm the same person (by ID number) founded.
_OUTSTANDING = (
    select(sum_fen(case((Application.enterprise_id == bindparam("enterprise_id"), _AMOUNT),
                        else_=0)),
           sum_fen(_AMOUNT))
    .where(Application.product == "loan",
           Application.status.in_(COMMITTED_STATES),
           Application.id != bindparam("application_id"),
           # One IN list (not an OR), so that both databases use the enterprise index.
           Application.enterprise_id.in_(union(
               select(TalentProfile.enterprise_id)
               .where(TalentProfile.id_number == bindparam("id_number")),
               select(bindparam("enterprise_id", type_=Integer)))))
)


def outstanding_problem(application: Application, amount_fen: int, on: date) -> str | None:
    """Whether this amount breaks the per-talent or per-firm outstanding cap."""
    talent = application.enterprise.talent
    firm_total, talent_total = db.session.execute(_OUTSTANDING, {
        "enterprise_id": application.enterprise_id, "application_id": application.id,
        "id_number": talent.id_number if talent is not None else None,
    }).one()
    firm_cap = parameters.int_parameter("cap_per_firm_fen", on)
    if firm_total + amount_fen > firm_cap:
        return _("The firm's outstanding talent loans would exceed %(cap)s yuan.",
                 cap=format_fen(firm_cap))
    if talent is not None:
        talent_cap = parameters.int_parameter("cap_per_talent_fen", on)
        if talent_total + amount_fen > talent_cap:
            return _("The talent's outstanding loans across all banks would exceed %(cap)s yuan.",
                     cap=format_fen(talent_cap))
    return None


def within_caps(ctx: FireContext) -> str | None:
    """The request keeps the talent and the firm within their outstanding caps."""
    requested = ctx.application.requested_amount_fen or 0
    return outstanding_problem(ctx.application, requested, ctx.today)


def terms_problems(application: Application, amount_fen: int, rate_bp: int, term_months: int,
                   on: date) -> dict[str, str]:
    """Problems with proposed loan terms, keyed by the form field they concern."""
    problems = {}
    requested = application.requested_amount_fen
    over = None
    if requested is not None and amount_fen > requested:
        over = _("The amount %(amount)s yuan is more than the %(requested)s yuan the founder "
                 "applied for.", amount=format_fen(amount_fen), requested=format_fen(requested))
    over = over or _amount_over_tier_limit(application, amount_fen, on)
    over = over or outstanding_problem(application, amount_fen, on)
    if over:
        problems["amount"] = over
    cap = parameters.rate_cap_bp(on)
    if rate_bp > cap:
        problems["rate"] = _("The rate %(rate)s is above the cap of %(cap)s (1-year LPR + spread).",
                             rate=format_rate_bp(rate_bp), cap=format_rate_bp(cap))
    low = parameters.int_parameter("term_min_months", on)
    high = parameters.int_parameter("term_max_months", on)
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


def not_self_approval(ctx: FireContext) -> str | None:
    """The approver is not the officer who recommended."""
    if ctx.user is not None and ctx.application.recommended_by_id == ctx.user.id:
        return _("You recommended this loan; another approver must decide it.")
    return None


def comment_given(ctx: FireContext) -> str | None:
    """A reason is written down."""
    if not ctx.comment.strip():
        return _("Please give a reason.")
    return None


def names_what_to_fix(ctx: FireContext) -> str | None:
    """A request for information names at least one field or document, and only the
    application's own documents (the claim documents are the bank's, never the founder's)."""
    from talentfin.models import ATTACHMENT_KINDS

    documents = ctx.data.get("documents") or []
    if not ctx.data.get("fields") and not documents:
        return _("Name at least one field or document the founder must fix.")
    if any(kind not in ATTACHMENT_KINDS for kind in documents):
        return _("Ask only for the application's own documents (licence, certificate, "
                 "statements, plan or other).")
    return None


def contract_valid(ctx: FireContext) -> str | None:
    """A contract number and a signing date after the firm's founding, not in the future.

    The bound below is a date of the business record, not the approval's clock time, so
    that a bank can record a contract it signed before entering it here.
    """
    signed = ctx.data.get("signed_on")
    if not ctx.data.get("contract_no") or signed is None:
        return _("Enter the contract number and the signing date.")
    if signed > ctx.today:
        return _("The signing date cannot be in the future.")
    founded = ctx.application.enterprise.founded_on
    earliest = max(founded or PROGRAMME_START, PROGRAMME_START)
    if signed < earliest:
        return _("The signing date cannot be before %(day)s (the firm's founding or the "
                 "programme's start).", day=earliest.isoformat())
    return None


def claim_declined(ctx: FireContext) -> str | None:
    """The loan's latest compensation claim was returned or rejected: only then may the bank
    close a non-performing loan without compensation (closing others would take bad loans
    out of the NPL ratio that decides suspension)."""
    from talentfin.models import Claim

    status = db.session.scalar(select(Claim.status).where(
        Claim.application_id == ctx.application.id).order_by(Claim.id.desc()).limit(1))
    if status not in ("returned", "rejected"):
        return _("Only a loan whose compensation claim the pool returned or rejected can be "
                 "closed without compensation; lodge a claim first.")
    return None


def requested_documents_replaced(ctx: FireContext) -> str | None:
    """Each document the request for information named has a newer upload than the request."""
    from talentfin.services.applications import replacement_problem

    return replacement_problem(ctx.application)


def bank_takes_applications(ctx: FireContext) -> str | None:
    """The chosen bank is a partner in good standing (not suspended, not terminated)."""
    from flask_babel import get_locale

    from talentfin.models import Organisation
    from talentfin.services.applications import bank_choice_open
    from talentfin.services.applications import bank_problem
    from talentfin.services.applications import takes_applications

    bank = db.session.get(Organisation, ctx.application.partner_org_id) \
        if ctx.application.partner_org_id else None
    if bank is None:
        return _("Choose the bank you apply to.")
    if takes_applications(bank):
        return None
    locale = str(get_locale() or "zh")
    if ctx.actor_role == "founder" and bank_choice_open(ctx.application):
        return bank_problem(ctx.application, locale)  # the founder picks another bank
    name = bank.display_name(locale)
    if bank.standing == "suspended":
        reason = _("%(bank)s is suspended from the talent-loan programme until the pool "
                   "committee reinstates it.", bank=name)
    else:
        reason = _("%(bank)s is no longer a partner of the talent-loan programme.", bank=name)
    if ctx.actor_role == "park_reviewer":
        advice = _("Ask the founder, with a request for information, to choose another bank.")
    elif ctx.actor_role == "founder":
        advice = _("Withdraw the application and apply to another bank.")
    else:
        return reason
    return f"{reason} {advice}"


def disbursement_valid(ctx: FireContext) -> str | None:
    """Disbursed amount within the approved amount, on or after signing, not in the future."""
    app = ctx.application
    amount = ctx.data.get("amount_fen")
    day = ctx.data.get("disbursed_on")
    if amount is None or day is None:
        return _("Enter the disbursed amount and date.")
    if amount <= 0 or amount > (app.recommended_amount_fen or 0):
        return _("The disbursed amount must be positive and at most the approved %(amount)s yuan.",
                 amount=format_fen(app.recommended_amount_fen))
    if day > ctx.today:
        return _("The disbursement date cannot be in the future.")
    if app.contract_signed_on and day < app.contract_signed_on:
        return _("The loan cannot be disbursed before the contract was signed.")
    return None


def filing_deadline(application: Application) -> date | None:
    """Last day the pool may accept the filing of a disbursed loan."""
    if application.disbursed_on is None:
        return None
    window = parameters.int_parameter("filing_window_days", application.disbursed_on)
    return application.disbursed_on + relativedelta(days=window)


def within_filing_window(ctx: FireContext) -> str | None:
    """The pool files the loan within the window after disbursement."""
    deadline = filing_deadline(ctx.application)
    if deadline is None or ctx.today > deadline:
        return _("The filing window closed on %(day)s; an unfiled loan is never covered.",
                 day=deadline.isoformat() if deadline else "-")
    return None


def filing_window_passed(ctx: FireContext) -> str | None:
    """Only a loan whose filing window has closed lapses."""
    deadline = filing_deadline(ctx.application)
    if deadline is not None and ctx.today > deadline:
        return None
    return _("The filing window is still open.")


GUARDS = {
    name: globals()[name]
    for name in (
        "attachments_complete", "eligible", "within_tier_limit", "within_caps",
        "terms_within_rules", "not_self_approval", "comment_given", "names_what_to_fix",
        "contract_valid", "disbursement_valid", "within_filing_window", "filing_window_passed",
        "bank_takes_applications", "requested_documents_replaced", "claim_declined",
    )
}


def _servicing_guards() -> dict:
    from talentfin.workflows import recovery_rules
    from talentfin.workflows import servicing_rules

    names = ("repayment_valid", "overdue_valid", "npl_reached", "fully_repaid",
             "claim_documents_complete", "claim_amounts_valid")
    found = {name: getattr(servicing_rules, name) for name in names}
    found["recovery_valid"] = recovery_rules.recovery_valid
    from talentfin.workflows import pool_rules

    found["bank_in_good_standing"] = pool_rules.bank_in_good_standing
    found["within_leverage"] = pool_rules.within_leverage
    found["caps_at_filing"] = pool_rules.caps_at_filing
    return found


GUARDS.update(_servicing_guards())
