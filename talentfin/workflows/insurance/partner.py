"""The insurer a quote goes to: a partner in good standing that offers the cover, when the
founder submits, the park routes and the underwriter proposes; each is told what to do when
it is not."""

from flask_babel import get_locale

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.workflows.context import FireContext
from talentfin.workflows.insurance.labels import cover_label
from talentfin.workflows.insurance.quote import offer_for
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import partner_problem
from talentfin.workflows.partners import takes_applications


def partner_refusal(insurer: Organisation, locale: str) -> str:
    """What a founder reads about an insurer that no longer takes quote requests."""
    return _("%(insurer)s no longer takes talent-insurance quote requests; choose another "
             "insurer.", insurer=insurer.display_name(locale))


def insurer_takes_quotes(ctx: FireContext) -> str | None:
    """The chosen insurer is a partner in good standing and still offers the cover (until
    the park routes the quote to it); an underwriter may always decline."""
    app = ctx.application
    if ctx.data.get("proposal") == "decline":
        return None
    insurer = db.session.get(Organisation, app.partner_org_id) if app.partner_org_id else None
    if insurer is None:
        return _("Choose the insurer you ask.")
    locale = str(get_locale() or "zh")
    if not takes_applications(app.product, insurer):
        if ctx.actor_role == "founder" and choice_open(app):
            return partner_problem(app, locale)
        reason = _("%(insurer)s is no longer a partner of the talent-insurance programme.",
                   insurer=insurer.display_name(locale))
    elif app.partner_routed_at is None and offer_for(insurer.id, app.cover) is None:
        # Once the park routed the quote, the insurer's terms of that day hold for it.
        reason = _("%(insurer)s no longer offers %(cover)s.",
                   insurer=insurer.display_name(locale), cover=cover_label(app.cover))
    else:
        return None
    if ctx.actor_role == "park_reviewer":
        return f"{reason} " + _("Ask the founder, with a request for information, to choose "
                                "another insurer.")
    if ctx.actor_role == "founder":
        return f"{reason} " + _("Withdraw the request and ask another insurer.")
    return reason
