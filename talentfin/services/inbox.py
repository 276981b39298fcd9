"""A user's notifications as they read them: the unread count, pages, marking read, and
which kinds they want by e-mail. What is sent, to whom and in which words is
``talentfin.services.notifications``."""

from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.models import NOTIFICATION_KINDS
from talentfin.models import Notification
from talentfin.models import NotificationPreference
from talentfin.models import User
from talentfin.models.base import utcnow

FOUNDER_KINDS = ("status_change", "reminder")  # reminders: reports a fund is owed


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of notification this user can receive (founders: status changes only)."""
    return FOUNDER_KINDS if user.role == FOUNDER else NOTIFICATION_KINDS


def email_preferences(user: User) -> dict[str, bool]:
    """Kind -> whether the user wants it by e-mail (on unless turned off)."""
    rows = db.session.scalars(select(NotificationPreference)
                              .where(NotificationPreference.user_id == user.id))
    chosen = {row.kind: row.email for row in rows}
    return {kind: chosen.get(kind, True) for kind in kinds_for(user)}


def wants_email(user: User, kind: str) -> bool:
    """Whether the user has e-mail on for this kind."""
    return email_preferences(user).get(kind, True)


def set_email_preferences(user: User, enabled: set[str]) -> None:
    """Turn e-mail on for the kinds in ``enabled`` and off for the user's other kinds."""
    rows = {row.kind: row for row in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind in kinds_for(user):
        row = rows.get(kind) or NotificationPreference(user_id=user.id, kind=kind)
        row.email = kind in enabled
        db.session.add(row)
    db.session.commit()


# Built once: every page's navigation bar runs it (the queue page as a subquery of its own).
UNREAD_COUNT = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread."""
    return db.session.execute(UNREAD_COUNT, {"user_id": user.id}).scalar_one()


def page_of(user: User, page: int, size: int) -> tuple[list[Notification], int, int]:
    """One page of the user's notifications, newest first: (items, page, pages)."""
    total = db.session.scalar(select(func.count(Notification.id))
                              .where(Notification.user_id == user.id))
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    items = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * size).limit(size)).all()
    return list(items), page, pages


def notification_for(user: User, notification_id: int) -> Notification | None:
    """The user's own notification with this id, or None (others' are not theirs to see)."""
    notification = db.session.get(Notification, notification_id)
    return notification if notification is not None and notification.user_id == user.id else None


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    result = db.session.execute(query.values(read_at=utcnow())
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount
