"""Auditors' sign-offs: the heads of the audit chains an auditor verified and attested."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import utcnow
from talentfin.models.user import User


class AuditSignOff(db.Model):
    """An auditor attests both chains up to these rows; later checks compare against it."""

    __tablename__ = "audit_sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    auditor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The checkpoint sealed at the sign-off (it seals every transition log chain's head).
    # Sign-offs given before per-application chains (migration 0031) have none: their
    # ``log_seq``/``log_hash`` name the old global chain's row, which the conversion
    # checkpoint attests in its ``legacy`` record.
    checkpoint_seq: Mapped[int | None] = mapped_column(Integer)
    checkpoint_hash: Mapped[str | None] = mapped_column(String(64))
    log_seq: Mapped[int] = mapped_column(Integer, default=0)
    log_hash: Mapped[str] = mapped_column(String(64), default="")
    ledger_seq: Mapped[int] = mapped_column(Integer)
    ledger_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    auditor: Mapped[User] = relationship()
