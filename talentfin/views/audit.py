"""The auditors' page: verify the chains and sign off."""

import csv
import io

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import navigation
from talentfin import policy
from talentfin.forms.audit import SignOffForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import AuditSignOff
from talentfin.models import SecurityEvent
from talentfin.services import checkpoints
from talentfin.services import security_log
from talentfin.services import signoffs
from talentfin.services.audit_chains import verify_all
from talentfin.views.access import permitted
from talentfin.views.access import require

bp = Blueprint("audit", __name__, url_prefix="/audit")
navigation.add(navigation.Entry("audit.index", _l("Audit"), navigation.permission("pool.read"), 63))
navigation.add(navigation.Entry("audit.security", _l("Security log"),
                                navigation.permission("security_log.read"), 64))


@bp.get("/")
@permitted("read", AuditSignOff)
def index():
    """The chains' state now and the sign-offs so far."""
    return _page(SignOffForm())


def _page(form: SignOffForm, status: int = 200):
    return render_template("audit/index.html", breaks=verify_all(),
                           stale=signoffs.broken_sign_offs(), history=signoffs.history(),
                           checkpoint=checkpoints.latest(), unsealed=checkpoints.unsealed(),
                           can_sign=policy.allowed(current_user, "sign", AuditSignOff),
                           form=form), status


@bp.post("/sign-off")
@permitted("read", AuditSignOff)
def sign_off():
    """An auditor attests the chains as verified now."""
    require("sign", AuditSignOff)
    form = SignOffForm()
    if not form.validate_on_submit():
        return _page(form, 422)  # the note as typed, with what to change
    try:
        signoffs.sign_off(current_user, form.note.data)
    except signoffs.SignOffError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("Your sign-off is recorded."), "success")
    return redirect(url_for("audit.index"))


def _may_read_security_log(action: str) -> None:
    """The auditors and the administrators read and export the security log; others get
    404."""
    if not policy.allowed(current_user, action, SecurityEvent):
        abort(404)


@bp.get("/security")
@login_required
def security():
    """The security log, latest first, of one kind or one address if asked."""
    _may_read_security_log("read")
    kind = request.args.get("kind", "")
    kind = kind if kind in security_log.KINDS else ""
    email = request.args.get("email", "").strip()[:254]
    return render_template("audit/security.html", kinds=security_log.KINDS, kind=kind,
                           email=email, events=security_log.events(kind, email))


@bp.get("/security.csv")
@login_required
def security_csv():
    """The security log as CSV (UTF-8 with BOM for spreadsheets; no cell read as a
    formula)."""
    _may_read_security_log("export")
    kind = request.args.get("kind", "")
    kind = kind if kind in security_log.KINDS else ""
    out = io.StringIO()
    writer = csv.writer(out)
    # Headers and event names in the reader's language; the event's code stays beside its
    # name, for filters and scripts.
    writer.writerow([_("Time (UTC)"), _("Event"), _("Event code"), _("Account (e-mail)"),
                     _("User id"), _("Address"), _("By (user id)"), _("Detail")])
    for event in security_log.events(kind, request.args.get("email", ""), limit=100_000):
        writer.writerow([event.created_at.isoformat(timespec="seconds"),
                         str(security_log.KINDS.get(event.kind, event.kind)), event.kind,
                         _cell(event.email), event.user_id or "", event.address,
                         event.actor_id or "", _cell(event.detail)])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=security-log.csv"})


def _cell(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
