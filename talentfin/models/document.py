"""Uploaded attachments, rendered dossiers and the durable outbox that renders them."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.application import Application
from talentfin.models.base import utcnow
from talentfin.models.user import User


class Attachment(db.Model):
    """An uploaded document of an application; a newer file of its kind supersedes the older."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)

    uploaded_by: Mapped[User] = relationship()
    application: Mapped[Application] = relationship()


class Dossier(db.Model):
    """A PDF a deciding stage produced; never overwritten, a new version is a new row."""

    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("application_id", "stage", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # An application's dossier, or an organisation's (a bank's suspension notice).
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"),
                                                       index=True)
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    stage: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(Integer)
    transition_log_id: Mapped[int | None] = mapped_column(ForeignKey("transition_logs.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    verify_code: Mapped[str] = mapped_column(String(20), unique=True)
    data_version: Mapped[int] = mapped_column(Integer)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    file_name: Mapped[str | None] = mapped_column(String(80))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the dossier attests, frozen at decision time (shown on the public check page).
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    made_by: Mapped[User | None] = relationship()
    application: Mapped[Application | None] = relationship()


class OutboxTask(db.Model):
    """Work to do after a commit (rendering a dossier); retried until it succeeds."""

    __tablename__ = "outbox_tasks"
    __table_args__ = (Index("ix_outbox_tasks_due", "status", "available_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
