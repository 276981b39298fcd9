"""The user's notifications: the list, marking read, e-mail preferences, the navbar count."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import has_request_context
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from sqlalchemy.exc import SQLAlchemyError

from talentfin.i18n import _
from talentfin.services import inbox
from talentfin.services import notifications as service
from talentfin.services.mail import mail_enabled
from talentfin.text import whole_number

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PAGE_SIZE = 20


@bp.app_context_processor
def unread_notifications() -> dict:
    """Templates get ``unread_notification_count()``, queried only when a page calls it."""

    def count() -> int:
        if not has_request_context() or not current_user.is_authenticated:
            return 0
        try:
            return inbox.unread_count(current_user)
        except SQLAlchemyError:  # an error page after a failed transaction still renders
            return 0

    return {"unread_notification_count": count}


def _page_number() -> int:
    return whole_number(request.values.get("page"), 100_000) or 1


@bp.get("/")
@login_required
def index():
    """The user's notifications, newest first, unread ones highlighted."""
    items, page, pages = inbox.page_of(current_user, _page_number(), PAGE_SIZE)
    entries = [(n, service.notification_text(n, current_user)) for n in items]
    return render_template("notifications/index.html", entries=entries, page=page,
                           pages=pages)


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark one notification read; with ``open`` go on to its application."""
    notification = inbox.notification_for(current_user, notification_id)
    if notification is None:
        abort(404)
    inbox.mark_read(current_user, notification.id)
    target = service.notification_text(notification, current_user)["application_id"]
    if request.form.get("open") and target:
        return redirect(url_for("applications.detail", application_id=target))
    return redirect(url_for("notifications.index", page=_page_number()))


@bp.post("/read-all")
@login_required
def mark_all_read():
    """Mark every notification of the user read."""
    count = inbox.mark_read(current_user)
    if count:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Turn e-mail on or off per kind of notification (in-app ones always arrive)."""
    if request.method == "POST":
        inbox.set_email_preferences(current_user, set(request.form.getlist("email")))
        flash(_("Your e-mail settings are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html",
                           choices=inbox.email_preferences(current_user),
                           labels=service.KIND_LABELS, mail_enabled=mail_enabled())
