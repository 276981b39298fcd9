"""Monthly pool statements: the PDF of a month's figures, stored with its SHA-256."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from talentfin.extensions import db
from talentfin.models.base import utcnow


class PoolStatement(db.Model):
    """One version of one month's statement; a new version is a new file, never an overwrite."""

    __tablename__ = "pool_statements"
    __table_args__ = (UniqueConstraint("month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-03"
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The figures as computed when the statement was made; the PDF prints only these.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
