"""In-app notifications and each user's e-mail preferences per notification kind.

A notification stores its kind and parameters, not its text: the title and body are
rendered when shown (or mailed), in the reader's language. ``dedupe_key`` names the event
(a transition log row, or an item's reminder of one day), and one user gets one
notification per event however often the producing task runs.
"""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.application import Application
from talentfin.models.base import utcnow
from talentfin.models.user import User

# The kinds a user can turn e-mail off for.
NOTIFICATION_KINDS = ("status_change", "reminder", "escalation")


class Notification(db.Model):
    """Something that happened which concerns one user; unread until ``read_at``."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"),
                                                       index=True)
    transition_log_id: Mapped[int | None] = mapped_column(ForeignKey("transition_logs.id"))
    # What the text is rendered from (states, trigger, working days waited, ...).
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    application: Mapped[Application | None] = relationship()


class NotificationPreference(db.Model):
    """A user's choice of e-mail for one kind; no row means e-mail is on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
