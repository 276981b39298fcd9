"""Log in, log out and founder self-registration."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user

from talentfin.forms.auth import LoginForm
from talentfin.forms.auth import RegisterForm
from talentfin.i18n import _
from talentfin.services import accounts
from talentfin.services import registration
from talentfin.views.access import safe_local_path

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_local_path(target, url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """E-mail and password; failures are throttled per account and per address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data,
                                         request.remote_addr or "-")
        except accounts.AccountError as exc:
            flash(str(exc), "danger")
            return render_template("auth/login.html", form=form), 401
        lang = session.get("lang")
        session.clear()  # no session fixation
        if lang:
            session["lang"] = lang
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """End the session, and with it every copy of its cookie (``accounts.end_sessions``)."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """A founder asks for an account and names the enterprise; the account is created when
    the link mailed to the address is followed (``services.registration``)."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            registration.request_registration(
                name=form.name.data, email=form.email.data, password=form.password.data,
                company_name=form.company_name.data, uscc=form.uscc.data,
                address=request.remote_addr or "-")
        except accounts.AccountError as exc:
            flash(str(exc), "danger")
            return render_template("auth/register.html", form=form), 422
        return render_template("auth/register_sent.html",
                               email=accounts.normalise_email(form.email.data),
                               hours=registration.LINK_HOURS)
    return render_template("auth/register.html", form=form), (422 if form.errors else 200)


@bp.get("/register/confirm/<token>")
def confirm(token: str):
    """The link of the registration mail: the account is created and logged in."""
    try:
        user = registration.confirm_registration(token[:100])
    except accounts.AccountError as exc:
        return render_template("auth/register_failed.html", message=str(exc)), 410
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    flash(_("Welcome! Complete the company profile and the talent certification next."),
          "success")
    return redirect(url_for("profile.company"))
