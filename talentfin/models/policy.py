"""Versioned policy parameters: every number of the programme's rules, with its start date."""

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import utcnow
from talentfin.models.user import User  # noqa: F401 (relationship target)


class PolicyParameter(db.Model):
    """One value of one rule from a date on; the newest in force on a date applies."""

    __tablename__ = "policy_parameters"
    __table_args__ = (Index("ix_policy_parameters_key_from", "key", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(60))
    effective_from: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="in_force")
    source: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A change is proposed by the pool administrator and takes effect when the committee
    # approves it (status "proposed" -> "in_force" or "rejected").
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    proposed_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])
