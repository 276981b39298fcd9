"""Log in, log out and founder self-registration."""

import time

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

from talentfin.extensions import db
from talentfin.forms.account import CodeForm
from talentfin.forms.auth import LoginForm
from talentfin.forms.auth import RegisterForm
from talentfin.i18n import _
from talentfin.models import User
from talentfin.services import accounts
from talentfin.services import registration
from talentfin.services import second_factor
from talentfin.views.access import safe_local_path

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300  # between the password and the code


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
        if second_factor.enrolled(user):  # the password is half: the code next
            session["pending_user"], session["pending_at"] = user.id, time.time()
            session["pending_next"] = _safe_next(request.args.get("next"))
            return redirect(url_for("auth.code"))
        login_user(user)
        session["verified_at"] = time.time()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of a login with a second factor: the code (within five minutes of
    the password)."""
    user = db.session.get(User, session.get("pending_user") or 0)
    if user is None or not user.active \
            or time.time() - float(session.get("pending_at") or 0) > PENDING_SECONDS:
        session.pop("pending_user", None)
        flash(_("Log in again: the code is asked within five minutes of the password."),
              "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            second_factor.verify(user, form.code.data)
        except second_factor.SecondFactorError as exc:
            form.code.errors.append(str(exc))
        else:
            target = session.get("pending_next") or url_for("main.index")
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user)
            session["verified_at"] = time.time()
            return redirect(target)
    return render_template("auth/code.html", form=form), 422 if form.errors else 200


# What a user who must set up a second factor may still open before doing so.
SETUP_ENDPOINTS = {"account.second_factor", "account.second_factor_qr", "auth.logout",
                   "main.set_language", "static", "bootstrap.static"}


@bp.before_app_request
def _second_factor_set_up():
    """A user whose role requires a second factor sets it up before anything else."""
    if request.endpoint in SETUP_ENDPOINTS or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    if second_factor.required(user) and not second_factor.enrolled(user):
        flash(_("Your role signs in with a second factor: set it up now."), "warning")
        return redirect(url_for("account.second_factor"))
    return None


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


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link of the registration mail: a page with one button (opening the link, as a
    mail scanner does, changes nothing); pressed, the account is created and logged in."""
    try:
        if request.method == "GET":
            pending = registration.pending_registration(token[:100])
            return render_template("auth/register_confirm.html", pending=pending)
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
