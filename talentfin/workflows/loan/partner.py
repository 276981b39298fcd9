"""The bank a loan goes to: in good standing when the founder submits, the park routes, the
bank recommends and approves; each role is told what to do when it is not."""

from flask_babel import get_locale

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.workflows.context import FireContext
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import partner_problem
from talentfin.workflows.partners import takes_applications


def partner_refusal(bank: Organisation, locale: str) -> str:
    """What a founder reads about a bank that no longer takes loan applications."""
    return _("%(bank)s no longer takes talent-loan applications; choose another bank.",
             bank=bank.display_name(locale))


def bank_takes_applications(ctx: FireContext) -> str | None:
    """The chosen bank is a partner in good standing (not suspended, not terminated)."""
    bank = db.session.get(Organisation, ctx.application.partner_org_id) \
        if ctx.application.partner_org_id else None
    if bank is None:
        return _("Choose the bank you apply to.")
    if takes_applications("loan", bank):
        return None
    locale = str(get_locale() or "zh")
    if ctx.actor_role == "founder" and choice_open(ctx.application):
        return partner_problem(ctx.application, locale)  # the founder picks another bank
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
