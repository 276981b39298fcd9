"""The auditors' page: verify the chains and sign off."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from talentfin import audit as chains
from talentfin.i18n import _
from talentfin.services import signoffs
from talentfin.views.access import POOL_READERS
from talentfin.views.access import roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@roles_required(*POOL_READERS)
def index():
    """The chains' state now and the sign-offs so far."""
    return render_template("audit/index.html", breaks=chains.verify_all(),
                           stale=signoffs.broken_sign_offs(), history=signoffs.history(),
                           can_sign=current_user.role == "auditor")


@bp.post("/sign-off")
@roles_required(*POOL_READERS)
def sign_off():
    """An auditor attests the chains as verified now."""
    try:
        signoffs.sign_off(current_user, request.form.get("note", ""))
    except signoffs.SignOffError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Your sign-off is recorded."), "success")
    return redirect(url_for("audit.index"))
