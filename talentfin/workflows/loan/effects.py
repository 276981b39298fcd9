"""The bank's decision, the contract, the disbursement and the pool filing: guards and effects.

Effects set the loan's fields from the validated form data inside the firing transaction;
anything that reaches outside (PDFs, mail) goes through the outbox after the commit.
"""

from datetime import date

from dateutil.relativedelta import relativedelta

from talentfin.i18n import _
from talentfin.models.policy import PROGRAMME_START
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.workflows.context import FireContext
from talentfin.workflows.loan.models import LoanApplication


def record_recommendation(ctx: FireContext) -> None:
    """The credit officer's proposed amount, rate, term and the loan's security."""
    app = ctx.application
    app.recommended_amount_fen = ctx.data["amount_fen"]
    app.recommended_rate_bp = ctx.data["rate_bp"]
    app.recommended_term_months = ctx.data["term_months"]
    app.security = ctx.data["security"]
    app.recommended_by_id = ctx.user.id


def record_approval(ctx: FireContext) -> None:
    """Who decided at the bank."""
    ctx.application.decided_by_id = ctx.user.id


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


def record_contract(ctx: FireContext) -> None:
    """Contract number and signing date."""
    ctx.application.contract_no = ctx.data["contract_no"]
    ctx.application.contract_signed_on = ctx.data["signed_on"]


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


def record_disbursement(ctx: FireContext) -> None:
    """Disbursed amount and date; the pool filing window starts."""
    ctx.application.disbursed_amount_fen = ctx.data["amount_fen"]
    ctx.application.disbursed_on = ctx.data["disbursed_on"]


def filing_deadline(application: LoanApplication) -> date | None:
    """Last day the pool may accept the filing of a disbursed loan."""
    if application.disbursed_on is None:
        return None
    window = int_parameter("filing_window_days", application.disbursed_on)
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


def record_filing(ctx: FireContext) -> None:
    """The pool's filing number and date."""
    app = ctx.application
    app.filed_on = ctx.today
    app.filing_no = f"BA{ctx.today:%Y}{app.id:07d}"
