"""The auditors' page: verify the chains and sign off."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import audit as chains
from talentfin.i18n import _
from talentfin.services import signoffs

bp = Blueprint("audit", __name__, url_prefix="/audit")
READERS = ("auditor", "pool_admin", "pool_committee")


@bp.get("/")
@login_required
def index():
    """The chains' state now and the sign-offs so far."""
    if current_user.role not in READERS:
        abort(404)
    return render_template("audit/index.html", breaks=chains.verify_all(),
                           stale=signoffs.broken_sign_offs(), history=signoffs.history(),
                           can_sign=current_user.role == "auditor")


@bp.post("/sign-off")
@login_required
def sign_off():
    """An auditor attests the chains as verified now."""
    if current_user.role not in READERS:
        abort(404)
    try:
        signoffs.sign_off(current_user, request.form.get("note", ""))
    except signoffs.SignOffError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Your sign-off is recorded."), "success")
    return redirect(url_for("audit.index"))
