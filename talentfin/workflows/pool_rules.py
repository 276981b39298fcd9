"""Guards of the pool filing: the bank's standing and the pool's leverage limit."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models.base import sum_fen
from talentfin.money import format_fen
from talentfin.services import ledger
from talentfin.services import parameters
from talentfin.services.compensation import COVERED_STATES
from talentfin.workflows.context import FireContext


def bank_in_good_standing(ctx: FireContext) -> str | None:
    """A suspended or terminated bank files no new loans."""
    bank = db.session.get(Organisation, ctx.application.partner_org_id)
    if bank is None or bank.standing != "active":
        return _("The bank is suspended from new filings until the committee reinstates it.")
    return None


def within_leverage(ctx: FireContext) -> str | None:
    """Covered outstanding, with this loan, stays within the limit times the pool balance."""
    outstanding = func.coalesce(Application.outstanding_fen, Application.disbursed_amount_fen, 0)
    covered = db.session.scalar(select(sum_fen(outstanding)).where(
        Application.product == "loan", Application.status.in_(COVERED_STATES)))
    limit = parameters.int_parameter("leverage_limit", ctx.today) * ledger.pool_balance()
    after = covered + (ctx.application.disbursed_amount_fen or 0)
    if after > limit:
        return _("Filing it would bring covered loans to %(after)s yuan, above the leverage "
                 "limit of %(limit)s yuan (the pool balance times the multiple).",
                 after=format_fen(after), limit=format_fen(limit))
    return None


def caps_at_filing(ctx: FireContext) -> str | None:
    """The disbursed loan keeps the talent and the firm within their outstanding caps."""
    from talentfin.workflows.guards import outstanding_problem

    return outstanding_problem(ctx.application, ctx.application.disbursed_amount_fen or 0,
                               ctx.today)
