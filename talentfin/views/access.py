"""Per-object access for views, through ``talentfin.policy``: 404 for what a user may not
see (its existence is not disclosed), 403 with the reason for what they may not do."""

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import policy
from talentfin.extensions import db
from talentfin.forms.account import CodeForm
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.services import second_factor
from talentfin.workflows.errors import TransitionError


def visible_application_or_404(application_id: int) -> Application:
    """The application if the current user may see it; 404 otherwise (no existence leak)."""
    application = db.session.get(Application, application_id)
    if application is None or not policy.allowed(current_user, "view", application):
        abort(404)
    return application


def product_application_or_404(application_id: int, product: str) -> Application:
    """The application of that product if the current user may see it; 404 otherwise."""
    application = visible_application_or_404(application_id)
    if application.product != product:
        abort(404)
    return application


def form_errors(form) -> str:
    """A form's errors as one message, each naming its field (a message flashed above the
    page, away from the field it is about)."""
    parts = []
    for name, errors in form.errors.items():
        field = form._fields.get(name)
        for error in errors:
            if field is None or name == "csrf_token" or not field.label.text:
                parts.append(str(error))
            else:
                parts.append(_("%(field)s: %(message)s", field=field.label.text,
                               message=error))
    return " ".join(parts)


def act_on_page(application: Application, form, anchor: str, action, done: str,
                errors: tuple[type, ...] = ()):
    """A form on a product's part of the application page: validated, its ``action`` done
    (a refusal, ``TransitionError`` or one of ``errors``, said as a message), back to its
    card."""
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
    else:
        try:
            action()
        except (TransitionError, *errors) as exc:
            flash(getattr(exc, "message", str(exc)), "danger")
        else:
            flash(done, "success")
    return redirect(url_for("applications.detail", application_id=application.id) + anchor)


def require(action: str, obj) -> None:
    """Abort with 403 and the reason when the user may not do the action."""
    allowed, reason = policy.can(current_user, action, obj)
    if not allowed:
        abort(403, reason)


def require_or_404(action: str, obj) -> None:
    """Abort with 404 when the user may not do the action (a page they cannot know of)."""
    if not policy.allowed(current_user, action, obj):
        abort(404)


def permitted(action: str, obj):
    """A logged-in user the policy allows ``action`` on ``obj`` reaches the view; anyone
    else gets 404."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            require_or_404(action, obj)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def safe_local_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback`` (no open redirects).

    Browsers read a backslash like a slash, so "/\\evil.example" would leave the site; a
    control character (a CR/LF splitting the Location header) makes it no path at all.
    """
    if not target or "\\" in target or not target.startswith("/") or target.startswith("//") \
            or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def confirmation_needed():
    """A sensitive action (approving money, changing the policy or an account) by a user
    with a second factor proved more than ``REAUTH_MINUTES`` ago: the page that asks for a
    code again (what they typed is shown, to copy), else None."""
    user = current_user._get_current_object()
    if not second_factor.enrolled(user):
        return None
    if time.time() - float(session.get("verified_at") or 0) < \
            second_factor.REAUTH_MINUTES * 60:
        return None
    back = safe_local_path(urlsplit(request.referrer or "").path or None,
                           url_for("main.index"))
    # What was posted goes through the confirmation with the code (not the session: a
    # long comment does not fit a cookie), so that, confirmed, it is carried out as typed.
    return render_template("account/confirm.html", form=CodeForm(), back=back,
                           **carried_action(request.path, request.form.items(multi=True),
                                            has_files=bool(request.files))), 401


CARRIED = "carried:"  # the prefix of a posted field carried through the confirmation
TYPED_TEXT = ("comment", "reason", "note")  # fields shown as typed, to read and copy


def carried_action(path: str, items, has_files: bool = False) -> dict:
    """The action waiting for the confirmation: where it posts and what (the CSRF token left
    out), and the texts typed in it, shown. A form with files is not carried (files do not
    pass through a page): it is done again once confirmed."""
    fields = [(name, value) for name, value in items if name != "csrf_token"]
    typed = [(name, value) for name, value in fields
             if name.rsplit("-", 1)[-1] in TYPED_TEXT and value.strip()]
    if has_files:
        return {"typed": typed, "action": None, "carried": []}
    return {"typed": typed, "action": path, "carried": fields}


def sensitive(view):
    """A view whose POST is a sensitive action (``confirmation_needed``)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST" and current_user.is_authenticated:
            asked = confirmation_needed()
            if asked is not None:
                return asked
        return view(*args, **kwargs)

    return wrapped
