"""Guards of the pool filing: the bank's standing and the pool's leverage limit."""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.models.base import sum_fen
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.pool import ledger
from talentfin.pool.cover import cover_for
from talentfin.pool.cover import exposures
from talentfin.workflows.context import FireContext


def bank_in_good_standing(ctx: FireContext) -> str | None:
    """A suspended or terminated bank files no new loans."""
    bank = db.session.get(Organisation, ctx.application.partner_org_id)
    if bank is None or bank.standing != "active":
        return _("The bank is suspended from new filings until the committee reinstates it.")
    return None


def within_leverage(ctx: FireContext) -> str | None:
    """Covered outstanding, with this exposure, stays within the limit times the pool balance."""
    ex = exposures()
    covered = db.session.scalar(select(sum_fen(ex.c.outstanding_fen)).where(ex.c.covered))
    limit = int_parameter("leverage_limit", ctx.today) * ledger.pool_balance()
    after = covered + cover_for(ctx.application.product).outstanding_of(ctx.application)
    if after > limit:
        return _("Filing it would bring covered loans to %(after)s yuan, above the leverage "
                 "limit of %(limit)s yuan (the pool balance times the multiple).",
                 after=format_fen(after), limit=format_fen(limit))
    return None
