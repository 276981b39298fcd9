"""The underwriter an allocation goes to: a partner of the bond programme in good standing
with a bond open for allocations."""

from flask_babel import get_locale

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.workflows.bond.allocation import bond_problem
from talentfin.workflows.context import FireContext
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import partner_problem
from talentfin.workflows.partners import takes_applications


def partner_refusal(underwriter: Organisation, locale: str) -> str:
    """What a founder reads about an underwriter that no longer takes applications."""
    return _("%(underwriter)s no longer takes talent-bond applications; choose another "
             "underwriter.", underwriter=underwriter.display_name(locale))


def underwriter_takes_applications(ctx: FireContext) -> str | None:
    """The chosen underwriter is a partner in good standing and the bond is still open."""
    app = ctx.application
    org = db.session.get(Organisation, app.partner_org_id) if app.partner_org_id else None
    if org is None:
        return _("Choose the underwriter of the bond you ask an allocation of.")
    if not takes_applications(app.product, org):
        if ctx.actor_role == "founder" and choice_open(app):
            return partner_problem(app, str(get_locale() or "zh"))
        return _("%(underwriter)s is no longer a partner of the talent-bond programme.",
                 underwriter=org.display_name(str(get_locale() or "zh")))
    return bond_problem(app)
