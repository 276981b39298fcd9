"""The signed-in user's own account: changing the password."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user

from talentfin.forms.account import ChangePasswordForm
from talentfin.i18n import _
from talentfin.services import accounts

bp = Blueprint("account", __name__, url_prefix="/account")


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
