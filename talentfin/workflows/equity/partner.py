"""The fund an application goes to: a partner of the equity programme in good standing,
when the founder submits and the park routes; each is told what to do when it is not."""

from flask_babel import get_locale

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.workflows.context import FireContext
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import partner_problem
from talentfin.workflows.partners import takes_applications


def partner_refusal(fund: Organisation, locale: str) -> str:
    """What a founder reads about a fund that no longer takes applications."""
    return _("%(fund)s no longer takes talent-equity applications; choose another fund.",
             fund=fund.display_name(locale))


def fund_takes_applications(ctx: FireContext) -> str | None:
    """The chosen fund is a partner in good standing."""
    app = ctx.application
    fund = db.session.get(Organisation, app.partner_org_id) if app.partner_org_id else None
    if fund is None:
        return _("Choose the fund you apply to.")
    if takes_applications(app.product, fund):
        return None
    locale = str(get_locale() or "zh")
    if ctx.actor_role == "founder" and choice_open(app):
        return partner_problem(app, locale)
    reason = _("%(fund)s is no longer a partner of the talent-equity programme.",
               fund=fund.display_name(locale))
    if ctx.actor_role == "park_reviewer":
        return f"{reason} " + _("Ask the founder, with a request for information, to choose "
                                "another fund.")
    return reason
