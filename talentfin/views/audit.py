"""The auditors' page: verify the chains and sign off."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from talentfin import navigation
from talentfin import policy
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import AuditSignOff
from talentfin.services import signoffs
from talentfin.services.audit_chains import verify_all
from talentfin.views.access import permitted
from talentfin.views.access import require

bp = Blueprint("audit", __name__, url_prefix="/audit")
navigation.add(navigation.Entry("audit.index", _l("Audit"), navigation.permission("pool.read"), 63))


@bp.get("/")
@permitted("read", AuditSignOff)
def index():
    """The chains' state now and the sign-offs so far."""
    return render_template("audit/index.html", breaks=verify_all(),
                           stale=signoffs.broken_sign_offs(), history=signoffs.history(),
                           can_sign=policy.allowed(current_user, "sign", AuditSignOff))


@bp.post("/sign-off")
@permitted("read", AuditSignOff)
def sign_off():
    """An auditor attests the chains as verified now."""
    require("sign", AuditSignOff)
    try:
        signoffs.sign_off(current_user, request.form.get("note", ""))
    except signoffs.SignOffError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Your sign-off is recorded."), "success")
    return redirect(url_for("audit.index"))
