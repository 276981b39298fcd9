"""Changes of a partner bank's standing with the pool (suspension, reinstatement, termination)."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import utcnow
from talentfin.models.org import Organisation
from talentfin.models.user import User


class StandingChange(db.Model):
    """One change of a bank's standing, with the figures that caused it."""

    __tablename__ = "standing_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_standing: Mapped[str] = mapped_column(String(12))
    to_standing: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    bank: Mapped[Organisation] = relationship()
    decided_by: Mapped[User | None] = relationship()
