"""Administration: staff accounts, institutions and the partner API's clients."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import format_datetime
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.forms.account import ResetPasswordForm
from talentfin.forms.admin import ApiClientForm
from talentfin.forms.admin import OrganisationForm
from talentfin.forms.admin import StaffUserForm
from talentfin.i18n import _
from talentfin.institutions import kind_label
from talentfin.models import ApiClient
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.policy import ACCOUNTS
from talentfin.services import accounts
from talentfin.services import api_clients
from talentfin.services import sealing
from talentfin.services import second_factor
from talentfin.services import security_log
from talentfin.views.access import permitted
from talentfin.views.access import sensitive

bp = Blueprint("admin", __name__, url_prefix="/admin")
# A secret just made waits here for the page that shows it once (POST-redirect-GET).
SHOWN_ONCE = "api_client_new"  # the session key
# The choice of organisation that is none: the programme's own client (no organisation's
# code has brackets).
PROGRAMME_CLIENT = "(programme)"


admin_required = permitted("manage", ACCOUNTS)


def offer_organisations(field, *, active_only: bool = True) -> list[Organisation]:
    """Offer the organisations (by kind, then name; the active ones only unless told) as the
    field's choices, each with its kind; returned, for the view to find the one chosen."""
    query = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if active_only:
        query = query.where(Organisation.active.is_(True))
    orgs = db.session.scalars(query).all()
    locale = str(get_locale() or "zh")
    field.choices = [(o.code, _("%(name)s (%(kind)s)", name=o.display_name(locale),
                                kind=kind_label(o.kind))) for o in orgs]
    return orgs


@bp.route("/users", methods=["GET", "POST"])
@admin_required
@sensitive
def users():
    """List accounts and create staff accounts."""
    form = StaffUserForm()
    offer_organisations(form.org_code, active_only=False)
    form.org_code.choices.insert(0, ("", _("(none)")))
    status = 200
    if form.validate_on_submit():
        try:
            accounts.create_user(form.email.data, form.password.data, form.name.data,
                                 form.role.data, org_code=form.org_code.data or None,
                                 actor=current_user)
        except accounts.AccountError as exc:
            flash(str(exc), "danger")
            status = 422
        else:
            flash(_("The account is created."), "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 422
    people = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", form=form, users=people), status


def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/active")
@admin_required
@sensitive
def set_active(user_id: int):
    """Deactivate (or reactivate) an account."""
    user = _account_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        accounts.set_active(user, active, current_user)
    except accounts.AccountError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("%(name)s can log in again.", name=user.name) if active else
              _("%(name)s can no longer log in.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/second-factor/reset")
@admin_required
@sensitive
def reset_second_factor(user_id: int):
    """Remove someone's second factor (a lost phone): they set it up again at the next
    login. Recorded in the security log."""
    user = _account_or_404(user_id)
    try:
        second_factor.reset(user, current_user)
    except second_factor.SecondFactorError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("%(name)s's second factor is removed; they set it up again at the next "
                "login.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
@sensitive
def reset_password(user_id: int):
    """Set a temporary password for someone who lost theirs."""
    user = _account_or_404(user_id)
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data, current_user)
        except accounts.AccountError as exc:
            form.password.errors.append(str(exc))
            status = 422
        else:
            flash(_("A temporary password is set for %(name)s; hand it over in person and ask "
                    "them to change it after logging in.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 422
    return render_template("admin/reset_password.html", form=form, person=user), status


@bp.route("/organisations", methods=["GET", "POST"])
@admin_required
@sensitive
def organisations():
    """List and add institutions."""
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        if db.session.scalar(select(Organisation.id).where(Organisation.code == form.code.data)):
            flash(_("An institution with this code exists already."), "danger")
            status = 422
        else:
            db.session.add(Organisation(kind=form.kind.data, code=form.code.data,
                                        name=form.name.data, name_en=form.name_en.data or ""))
            security_log.record("organisation_created", actor=current_user._get_current_object(),
                                detail=f"{form.code.data}: {form.name.data}")
            db.session.commit()
            flash(_("The institution is added."), "success")
            return redirect(url_for("admin.organisations"))
    elif form.is_submitted():
        status = 422
    orgs = db.session.scalars(
        select(Organisation).order_by(Organisation.kind, Organisation.name)).all()
    return render_template("admin/organisations.html", form=form, orgs=orgs,
                           kind_label=kind_label), status


@bp.route("/api-clients", methods=["GET", "POST"])
@admin_required
@sensitive
def clients():
    """The partner API's clients; register one (its secret is shown this once)."""
    form = ApiClientForm()
    orgs = offer_organisations(form.org_code)
    # Nothing is chosen until the administrator chooses: a client meant for a bank must not
    # become the programme's (or the first organisation's) by an oversight.
    form.org_code.choices[:0] = [("", _("Choose…")),
                                 (PROGRAMME_CLIENT, _("The programme: auditors and "
                                                      "administrators (read only)"))]
    status = 200
    if form.validate_on_submit():
        org = next((o for o in orgs if o.code == form.org_code.data), None)
        try:
            client, secret = api_clients.register(org, form.name.data, form.scopes.data,
                                                  current_user._get_current_object())
        except api_clients.ClientRefused as exc:
            flash(str(exc), "danger")
            status = 422
        else:
            return _show_once(client, secret)
    elif form.is_submitted():
        status = 422
    listed = db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None),
                                                           ApiClient.created_at.desc())).all()
    return render_template("admin/api_clients.html", form=form, clients=listed), status


def _client_or_404(client_pk: int) -> ApiClient:
    client = db.session.get(ApiClient, client_pk)
    if client is None:
        abort(404)
    return client


@bp.post("/api-clients/<int:client_pk>/rotate")
@admin_required
@sensitive
def rotate_client(client_pk: int):
    """A new secret for a client (shown this once); the old one and its tokens end."""
    client = _client_or_404(client_pk)
    if client.revoked_at is not None:
        abort(409, _("This client is revoked; register a new one."))
    secret = api_clients.rotate(client, current_user._get_current_object())
    return _show_once(client, secret)


def _show_once(client: ApiClient, secret: str):
    """Redirect to the page that shows the new secret: a reload of that page neither
    registers nor rotates again. The secret waits in the session (the administrator's
    cookie: signed, not encrypted, so the secret goes in sealed with the app's keys) until
    that page takes it out."""
    session[SHOWN_ONCE] = {"client": client.id, "secret": sealing.seal(secret)}
    return redirect(url_for("admin.client_secret", client_pk=client.id))


@bp.get("/api-clients/<int:client_pk>/secret")
@admin_required
@sensitive
def client_secret(client_pk: int):
    """A client's new secret, this once; afterwards the list, saying it is not kept."""
    client = _client_or_404(client_pk)
    shown = session.get(SHOWN_ONCE)
    if not shown or shown.get("client") != client.id:
        flash(_("The secret was shown once and is not kept. If it was not copied, make "
                "a new one with \"New secret\"."), "info")
        return redirect(url_for("admin.clients"))
    session.pop(SHOWN_ONCE)
    return render_template("admin/api_client_secret.html", client=client,
                           secret=sealing.unseal(shown["secret"]))


@bp.post("/api-clients/<int:client_pk>/revoke")
@admin_required
@sensitive
def revoke_client(client_pk: int):
    """Revoke a client: no new tokens, its tokens end now (said so once: a second click
    is told it was revoked already)."""
    client = _client_or_404(client_pk)
    if api_clients.revoke(client, current_user._get_current_object()):
        flash(_("The client %(client)s is revoked.", client=client.client_id), "success")
    else:
        revoked_on = format_datetime(client.revoked_at, "yyyy-MM-dd HH:mm")
        flash(_("The client %(client)s was already revoked on %(at)s.",
                client=client.client_id, at=revoked_on), "info")
    return redirect(url_for("admin.clients"))
