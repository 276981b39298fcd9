"""The signed-in user's own account: the password, the second factor, and proving it again
before a sensitive action."""

import time

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user

from talentfin.forms.account import ChangePasswordForm
from talentfin.forms.account import CodeForm
from talentfin.i18n import _
from talentfin.services import accounts
from talentfin.services import sealing
from talentfin.services import second_factor as second_factor_service
from talentfin.services import security_log
from talentfin.views.access import CARRIED
from talentfin.views.access import carried_action
from talentfin.views.access import safe_local_path

bp = Blueprint("account", __name__, url_prefix="/account")
# The secret being enrolled waits in the session (a cookie signed, not encrypted: it goes in
# sealed with the app's keys) until the code confirms it.
ENROLLING = "totp_secret"  # the session key


def _enrolling_secret() -> str:
    """The secret being enrolled, from the session ("" when none, or it no longer opens)."""
    return sealing.unseal(session.get(ENROLLING))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (the current one is asked again)."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data)
        except accounts.WrongPassword as exc:
            form.current.errors.append(str(exc))
            status = 422
        except accounts.AccountError as exc:
            form.password.errors.append(str(exc))
            status = 422
        else:
            # The new password ended every session of the account; this one goes on.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed; your other sessions are logged out."),
                  "success")
            return redirect(url_for("main.index"))
    elif form.is_submitted():
        status = 422
    return render_template("account/password.html", form=form), status


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
def second_factor():
    """Turn the second factor on: scan the QR code, enter the code the app shows; the
    recovery codes are shown once. Enrolled: how many recovery codes are left."""
    user = current_user._get_current_object()
    if second_factor_service.enrolled(user):
        return render_template("account/second_factor.html", enrolled=True,
                               left=len(user.recovery_codes or []))
    secret = _enrolling_secret() or second_factor_service.new_secret()
    session[ENROLLING] = sealing.seal(secret)  # (one kept in clear by an older page: sealed)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = second_factor_service.enrol(user, secret, form.code.data)
        except second_factor_service.SecondFactorError as exc:
            form.code.errors.append(str(exc))
        else:
            session.pop(ENROLLING, None)
            session["verified_at"] = time.time()
            return render_template("account/recovery_codes.html", codes=codes)
    return render_template("account/second_factor.html", enrolled=False, form=form,
                           secret=secret, required=second_factor_service.required(user)), (
        422 if form.errors else 200)


@bp.get("/second-factor/qr.svg")
@login_required
def second_factor_qr():
    """The QR code of the secret being enrolled (an SVG the page shows as an image)."""
    secret = _enrolling_secret()
    if not secret or second_factor_service.enrolled(current_user):
        abort(404)
    svg = second_factor_service.qr_svg(
        second_factor_service.provisioning_uri(current_user, secret))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm():
    """Prove the second factor again before a sensitive action; back to the page."""
    form = CodeForm()
    back = safe_local_path(request.values.get("next"), url_for("main.index"))
    waiting = _waiting_action()
    if form.validate_on_submit():
        try:
            second_factor_service.verify(current_user._get_current_object(), form.code.data)
        except second_factor_service.SecondFactorError as exc:
            form.code.errors.append(str(exc))
        else:
            session["verified_at"] = time.time()
            security_log.record("reauthenticated", user=current_user._get_current_object(),
                                commit=True)
            if waiting["action"]:  # what was asked, ready to be carried out as typed
                return render_template("account/carry_out.html", back=back, **waiting)
            flash(_("Confirmed. Do the action again."), "success")
            return redirect(back)
    return render_template("account/confirm.html", form=form, back=back, **waiting), (
        422 if form.errors else 200)


def _waiting_action() -> dict:
    """The action the confirmation was asked for, as the confirmation page passed it on
    (its address a local path; anything else is not carried)."""
    action = request.form.get(CARRIED + "action") if request.method == "POST" else None
    path = safe_local_path(action, "") if action else ""
    items = [(name.removeprefix(CARRIED + "field:"), value)
             for name, value in request.form.items(multi=True)
             if name.startswith(CARRIED + "field:")]
    return carried_action(path, items) if path else {"typed": [], "action": None,
                                                      "carried": []}
