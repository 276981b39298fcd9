"""The recommending institution a listing goes through: a partner of the board programme in
good standing."""

from flask_babel import get_locale

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.workflows.context import FireContext
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import partner_problem
from talentfin.workflows.partners import takes_applications


def partner_refusal(broker: Organisation, locale: str) -> str:
    """What a founder reads about a recommending institution that no longer takes firms."""
    return _("%(broker)s no longer recommends firms to the talent board; choose another "
             "recommending institution.", broker=broker.display_name(locale))


def broker_takes_applications(ctx: FireContext) -> str | None:
    """The chosen recommending institution is a partner in good standing."""
    app = ctx.application
    org = db.session.get(Organisation, app.partner_org_id) if app.partner_org_id else None
    if org is None:
        return _("Choose the recommending institution.")
    if takes_applications(app.product, org):
        return None
    if ctx.actor_role == "founder" and choice_open(app):
        return partner_problem(app, str(get_locale() or "zh"))
    return _("%(broker)s no longer recommends firms to the talent board.",
             broker=org.display_name(str(get_locale() or "zh")))
