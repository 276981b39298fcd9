"""Notifications: who a status change concerns, their text and e-mail (preferences and the
reader's side: ``talentfin.services.inbox``).

A status change (``notify_transition``, an outbox task the engine queues in the transaction
of the change) concerns:

- the founder who applied, on every change, their own included (it is their receipt);
- the staff of the organisation whose queue the application enters: the role the product's
  definition names for the new state (``State.actor``), in the organisation the
  application names for that role's kind (for a loan: the park's reviewers on park review,
  the bank's officers on bank review, its approvers on approval, the pool administrators
  once disbursed ...);
- the member of staff who had claimed it.

Staff never hear of their own action, and inactive accounts hear of nothing. Reminders
and escalations come from ``talentfin.services.sla``. A notification's text is rendered
when it is shown or mailed, in the reader's language.
"""


import smtplib

from flask import current_app
from flask_babel import force_locale
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.i18n import ngettext
from talentfin.models import Application
from talentfin.models import Notification
from talentfin.models import Organisation
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services import webhooks
from talentfin.services.inbox import wants_email
from talentfin.services.mail import mail_enabled
from talentfin.services.mail import send_mail
from talentfin.services.mail import smtp_connection
from talentfin.services.notification_texts import calendar_text
from talentfin.services.notification_texts import due_text
from talentfin.workflows.access import can_view
from talentfin.workflows.access import named_organisation
from talentfin.workflows.labels import state_label
from talentfin.workflows.labels import trigger_label
from talentfin.workflows.registry import workflow_for

KIND_LABELS = {
    "status_change": _l("Status changes of applications"),
    "reminder": _l("Reminders about items waiting in my queue"),
    "escalation": _l("Escalations of items overdue in a queue I supervise"),
}


def staff_of(application: Application, role: str) -> list[User]:
    """Active users of ``role`` in the organisation the application names for that role
    (every active user of the role where its kind has one organisation, like the pool)."""
    query = select(User).where(User.role == role, User.active.is_(True))
    named, org_id = named_organisation(application, role)
    if named:
        if org_id is None:
            return []
        query = query.where(User.org_id == org_id)
    return list(db.session.scalars(query.order_by(User.id)))


def queue_role(application: Application, state: str) -> str | None:
    """The role whose queue a state of the application's product is (``State.actor``)."""
    named = workflow_for(application.product).state(state)
    return named.actor if named else None


def transition_recipients(application: Application, log: TransitionLog,
                          claimed_by_id: int | None) -> list[User]:
    """Everyone a status change concerns (see the module docstring)."""
    actor = queue_role(application, log.to_state)
    staff = staff_of(application, actor) if actor else []
    if claimed_by_id is not None:
        staff.append(db.session.get(User, claimed_by_id))
    people = {u.id: u for u in staff if u is not None and u.id != log.actor_id and u.active}
    founder = application.applicant
    if founder is not None and founder.active:
        people[founder.id] = founder
    return sorted(people.values(), key=lambda u: u.id)


def notify_transition(payload: dict) -> None:
    """Outbox handler: record a status change's notifications, then mail them (rerunnable)."""
    log = db.session.get(TransitionLog, payload["log_id"])
    if log is None:
        return
    application = db.session.get(Application, log.application_id)
    users = transition_recipients(application, log, payload.get("claimed_by_id"))
    params = {"trigger": log.trigger, "from": log.from_state, "to": log.to_state}
    notifications = record(users, "status_change", application, f"log:{log.id}", params,
                           log_id=log.id)
    # The organisations' systems hear of it too (each delivery made once, sent by its task).
    webhooks.transition_events(application, log)
    deliver_email([n.id for n in notifications])


def mail_notifications(payload: dict) -> None:
    """Outbox handler: mail notifications recorded elsewhere (reminders, escalations)."""
    deliver_email(payload["notification_ids"])


def record(users: list[User], kind: str, application: Application, key: str, params: dict,
           *, log_id: int | None = None, queue_mail: bool = False) -> list[Notification]:
    """Add the event's notification for each user who lacks it and commit; return them all.

    With ``queue_mail`` the new ones' e-mail is queued for the worker in the same commit.
    """
    ids = [u.id for u in users]
    if not ids:
        return []
    had = set(db.session.scalars(select(Notification.user_id).where(
        Notification.dedupe_key == key, Notification.user_id.in_(ids))))
    new = [Notification(user_id=uid, kind=kind, application_id=application.id,
                        transition_log_id=log_id, params=params, dedupe_key=key)
           for uid in ids if uid not in had]
    db.session.add_all(new)
    try:
        db.session.flush()
        if queue_mail and new and mail_enabled():
            db.session.add(OutboxTask(kind="mail_notifications",
                                      payload={"notification_ids": [n.id for n in new]}))
        db.session.commit()
    except IntegrityError:  # a concurrent run recorded the same event first
        db.session.rollback()
    return list(db.session.scalars(select(Notification).where(
        Notification.dedupe_key == key, Notification.user_id.in_(ids))))


def deliver_email(notification_ids: list[int]) -> int:
    """Mail the given notifications not mailed yet to users who want that kind by e-mail."""
    if not mail_enabled() or not notification_ids:
        return 0
    pending = db.session.scalars(select(Notification).where(
        Notification.id.in_(notification_ids), Notification.emailed_at.is_(None))
        .order_by(Notification.id)).all()
    wanted = [n for n in pending if n.user.active and wants_email(n.user, n.kind)]
    if not wanted:
        return 0
    refused = []
    with smtp_connection() as connection:
        for notification in wanted:
            subject, body = email_text(notification)
            try:
                send_mail(notification.user.email, subject, body, connection=connection)
            except smtplib.SMTPRecipientsRefused as exc:
                if any(code == 421 for code, _text in exc.recipients.values()):
                    raise  # the server closes the connection: it refuses everyone for now
                # One address refused must not hold back the others' mail; the task is
                # retried for it afterwards (and fails visibly once its attempts are used).
                refused.append(f"{notification.id}: {exc.recipients}")
                continue
            notification.emailed_at = utcnow()
            db.session.commit()  # mailed is mailed: a later failure must not resend it
    if refused:
        raise RecipientsRefused("the mail server refused " + "; ".join(refused))
    return len(wanted)


class RecipientsRefused(RuntimeError):
    """Some notifications' addresses were refused; the others were mailed."""


def notification_text(notification: Notification, user: User | None = None) -> dict:
    """Title, body and link of a notification in the current locale (link only if visible)."""
    p = notification.params or {}
    application = notification.application
    reference = (application.reference or f"#{application.id}") if application else ""
    company = application.company_name if application else ""
    product = application.product if application else None
    state = state_label(product, p.get("to") or p.get("state"))
    if notification.kind == "status_change":
        title = _("%(reference)s · %(state)s", reference=reference, state=state)
        body = _("%(action)s: the application of %(company)s moved from “%(source)s” to "
                 "“%(target)s”.", action=trigger_label(product, p.get("trigger")),
                 company=company, source=state_label(product, p.get("from")), target=state)
    else:
        org = db.session.get(Organisation, p["org_id"]) if p.get("org_id") else None
        org_name = org.display_name(_locale()) if org else ""
        if p.get("document"):
            title, body = due_text(notification.kind, p, reference, company, product)
        elif p.get("calendar"):
            title, body = calendar_text(notification.kind, p, reference, state, company,
                                         org_name)
        elif notification.kind == "reminder":
            title = ngettext("%(reference)s · waiting %(num)d working day in %(state)s",
                             "%(reference)s · waiting %(num)d working days in %(state)s",
                             p["days"], reference=reference, state=state)
            body = _("The application of %(company)s waits for %(org)s; the service level "
                     "is %(limit)d working days. Please act on it.", company=company,
                     org=org_name, limit=p.get("limit", p["threshold"]))
        else:
            title = ngettext("Overdue: %(reference)s has waited %(num)d working day in "
                             "%(state)s", "Overdue: %(reference)s has waited %(num)d "
                             "working days in %(state)s", p["days"], reference=reference,
                             state=state)
            body = _("%(org)s has not acted on the application of %(company)s for more "
                     "than %(limit)d working days.", org=org_name, company=company,
                     limit=p["threshold"])
    user = user or notification.user
    visible = application is not None and can_view(user, application)
    return {"title": title, "body": body, "application_id": application.id if visible else None}


def email_text(notification: Notification) -> tuple[str, str]:
    """Subject and plain-text body of a notification's e-mail, in its reader's language."""
    user = notification.user
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else None
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = notification_text(notification, user)
        subject = f"[{_('Talent Finance')}] {text['title']}"
        lines = [text["title"], "", text["body"], ""]
        if text["application_id"]:
            link = absolute_url("applications.detail", application_id=text["application_id"])
            lines += [_("Open the application: %(url)s", url=link), ""]
        lines += ["--", _("You can turn these e-mails off at %(url)s",
                          url=absolute_url("notifications.preferences"))]
    return subject, "\n".join(lines)


def absolute_url(endpoint: str, **values) -> str:
    """A page's public address, built without a request (the worker has none)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
