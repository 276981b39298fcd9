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
