"""A covered loan's life after the pool filing: repayments, overdue reports, claims, recoveries."""

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import utcnow
from talentfin.models.user import User

CLASSIFICATIONS = ("normal", "special_mention", "substandard", "doubtful", "loss")
CLAIM_DOCUMENTS = ("loan_contract", "disbursement_proof", "repayment_history",
                   "collection_records", "classification_evidence", "litigation_papers",
                   "diligence_statement")


class Repayment(db.Model):
    """A repayment the bank reported on a covered loan."""

    __tablename__ = "repayments"
    __table_args__ = (Index("ix_repayments_application_paid", "application_id", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    due_on: Mapped[date] = mapped_column(Date)
    paid_on: Mapped[date] = mapped_column(Date)
    principal_fen: Mapped[int] = mapped_column(BigInteger)
    interest_fen: Mapped[int] = mapped_column(BigInteger)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Which CSV upload brought it in, if any (one id per accepted file).
    batch: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def on_time(self) -> bool:
        """Paid on or before its due date."""
        return self.paid_on <= self.due_on


class Claim(db.Model):
    """A bank's compensation claim on a non-performing covered loan, and its outcome."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="lodged")
    lodged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lodged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    principal_loss_fen: Mapped[int] = mapped_column(BigInteger)
    # Paid on the same loss by insurance or another public scheme (counts against the 80 %).
    other_compensation_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    ratio_bp: Mapped[int | None] = mapped_column(Integer)
    payout_fen: Mapped[int | None] = mapped_column(BigInteger)
    # How the payout was limited: the rule that bound, in words (shown to the committee).
    calculation: Mapped[str] = mapped_column(Text, default="")
    policy_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    payout_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))

    lodged_by: Mapped[User] = relationship(foreign_keys=[lodged_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Recovery(db.Model):
    """Money the bank collected after compensation; the pool's share returns pro rata."""

    __tablename__ = "recoveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    received_on: Mapped[date] = mapped_column(Date)
    gross_fen: Mapped[int] = mapped_column(BigInteger)
    costs_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    returned_fen: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
