"""Per-object access for views: 404 for anyone not on the application's route."""

from flask import abort
from flask_login import current_user

from talentfin import policy
from talentfin.extensions import db
from talentfin.models import Application


def visible_application_or_404(application_id: int) -> Application:
    """The application if the current user may see it; 404 otherwise (no existence leak)."""
    application = db.session.get(Application, application_id)
    if application is None or not policy.can_view(current_user, application):
        abort(404)
    return application


def require(action: str, application: Application) -> None:
    """Abort with 403 and the reason when the user may not do the action."""
    allowed, reason = policy.can(current_user, action, application)
    if not allowed:
        abort(403, reason)


POOL_READERS = ("pool_admin", "pool_committee", "auditor")


def roles_required(*roles: str):
    """A logged-in user of one of ``roles`` reaches the view; anyone else gets 404."""
    from functools import wraps

    from flask_login import login_required

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def safe_local_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback`` (no open redirects).

    Browsers read a backslash like a slash, so "/\\evil.example" would leave the site.
    """
    from urllib.parse import urlsplit

    if not target or "\\" in target or not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
