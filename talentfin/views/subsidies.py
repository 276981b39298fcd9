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
from talentfin.text import whole_number
from talentfin.views.access import permitted
from talentfin.views.access import require
from talentfin.views.access import sensitive
from talentfin.views.access import visible_application_or_404

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")
navigation.add(navigation.Entry("subsidies.index", _l("Interest subsidy requests"),
                                navigation.permission("pool.subsidies"), 70))


@bp.post("/applications/<int:application_id>")
@login_required
def request_subsidy(application_id: int):
    """The founder asks for a year's subsidy on an application being repaid."""
    application = visible_application_or_404(application_id)
    require("request_subsidy", application)
    year = request.form.get("year", "")
    try:
        subsidies.request(application, whole_number(year, 9999) or 0, current_user)
    except subsidies.SubsidyError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The interest subsidy is requested; the pool administrator decides."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.get("/")
@permitted("list", SubsidyClaim)
def index():
    """Subsidy requests waiting for the pool administrator."""
    return render_template("pool/subsidies.html", claims=subsidies.waiting())


@bp.post("/<int:claim_id>/decide")
@permitted("decide", SubsidyClaim)
@sensitive
def decide(claim_id: int):
    """Pay (the amount is computed again today) or refuse with a reason."""
    claim = db.session.get(SubsidyClaim, claim_id) or abort(404)
    try:
        subsidies.decide(claim, request.form.get("decision") == "approve", current_user,
                         clean_text(request.form.get("note", "")))
    except subsidies.SubsidyError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The decision is recorded."), "success")
    return redirect(url_for("subsidies.index"))
