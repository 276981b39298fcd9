"""Subsidies the pool pays on covered products: the founder asks, the pool administrator
decides."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import navigation
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.pool import subsidies
from talentfin.pool.models import SubsidyClaim
from talentfin.text import clean_text
from talentfin.views.access import permitted
from talentfin.views.access import require
from talentfin.views.access import sensitive
from talentfin.views.access import visible_application_or_404
from talentfin.views.application_page import actions_for
from talentfin.views.application_page import page_context

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")
navigation.add(navigation.Entry("subsidies.index", _l("Interest subsidy requests"),
                                navigation.permission("pool.subsidies"), 70))


@bp.post("/applications/<int:application_id>")
@login_required
def request_subsidy(application_id: int):
    """The founder asks for a year's subsidy on an application being repaid; a refused year
    gets the application page again with the year as typed and why (422)."""
    application = visible_application_or_404(application_id)
    require("request_subsidy", application)
    typed = request.form.get("year", "")
    try:
        subsidies.request(application, subsidies.read_year(typed), current_user)
    except subsidies.SubsidyError as exc:
        if exc.field != "year":
            flash(str(exc), "danger")
            return redirect(url_for("applications.detail", application_id=application.id))
        flash(_("Please correct the marked fields."), "danger")  # the year says why
        context = page_context(application, actions_for(application))
        context.update(subsidy_year=clean_text(typed), subsidy_year_errors=[str(exc)])
        return render_template("applications/detail.html", **context), 422
    flash(_("The interest subsidy is requested; the pool administrator decides."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.get("/")
@permitted("list", SubsidyClaim)
def index():
    """Subsidy requests waiting for the pool administrator."""
    return render_template("pool/subsidies.html", claims=subsidies.waiting(), refused=None)


@bp.post("/<int:claim_id>/decide")
@permitted("decide", SubsidyClaim)
@sensitive
def decide(claim_id: int):
    """Pay (the amount is computed again today) or refuse with a reason; a refused note
    gets the list again with the note as typed and why, beside it (422)."""
    claim = db.session.get(SubsidyClaim, claim_id) or abort(404)
    note = clean_text(request.form.get("note", ""))
    try:
        subsidies.decide(claim, request.form.get("decision") == "approve", current_user, note)
    except subsidies.SubsidyError as exc:
        if exc.field != "note":
            flash(str(exc), "danger")
            return redirect(url_for("subsidies.index"))
        flash(_("Please correct the marked fields."), "danger")
        refused = {"id": claim.id, "note": note, "error": str(exc)}
        return render_template("pool/subsidies.html", claims=subsidies.waiting(),
                               refused=refused), 422
    flash(_("The decision is recorded."), "success")
    return redirect(url_for("subsidies.index"))
