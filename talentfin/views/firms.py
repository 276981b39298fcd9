"""The firm's page across products (``services.firms``): for the park, the partners (what
their organisation sees), the pool and the auditor; the founder sees their own firm."""

from flask import Blueprint
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import navigation
from talentfin import policy
from talentfin.extensions import db
from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.models import Enterprise
from talentfin.services import firms as service
from talentfin.text import whole_number

bp = Blueprint("firms", __name__, url_prefix="/firms")
# The search box takes a name or a credit code; longer input is cut, not refused.
QUERY_LENGTH = 120

navigation.add(
    navigation.Entry("firms.own", _l("My firm at a glance"), lambda role: role == FOUNDER, 13),
    navigation.Entry("firms.index", _l("Firms"),
                     lambda role: role != FOUNDER and policy.can_list_firms(role), 35))


@bp.get("/")
@login_required
def index():
    """The firms of which the reader sees a file, by name; searchable by name or code."""
    if current_user.role == FOUNDER:
        return redirect(url_for("firms.own"))
    if not policy.allowed(current_user, "view_firm", Enterprise):
        abort(403)
    query = (request.args.get("q") or "")[:QUERY_LENGTH]
    page = whole_number(request.args.get("page"), 100_000) or 1
    rows, more = service.firms(current_user, query, page)
    return render_template("firms/index.html", rows=rows, query=query, page=page, more=more)


@bp.get("/mine")
@login_required
def own():
    """The founder's own firm."""
    if current_user.role != FOUNDER or current_user.enterprise is None:
        abort(404)
    return redirect(url_for("firms.detail", enterprise_id=current_user.enterprise_id))


@bp.get("/<int:enterprise_id>")
@login_required
def detail(enterprise_id: int):
    """One firm across products, as far as the reader may see it (404 otherwise)."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not policy.allowed(current_user, "view_firm", enterprise):
        abort(404)
    return render_template("firms/detail.html", firm=service.firm_page(current_user, enterprise))
