"""The loan's own fields (joined to the application envelope) and the repayments reported."""

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import User
from talentfin.models.base import utcnow

# How the bank secures a loan, recorded with its recommendation. A loan with no guarantee,
# pledge or collateral is a pure credit loan (Anhui: +5 points of compensation).
SECURITY = ("pure_credit", "guarantee", "pledge", "collateral")
CLASSIFICATIONS = ("normal", "special_mention", "substandard", "doubtful", "loss")


class LoanApplication(Application):
    """A 人才贷 application: the bank's terms, the contract, the money and its servicing."""

    __tablename__ = "loan_applications"
    __mapper_args__ = {"polymorphic_identity": "loan", "polymorphic_load": "selectin"}

    id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    requested_term_months: Mapped[int | None] = mapped_column(Integer)

    recommended_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    recommended_rate_bp: Mapped[int | None] = mapped_column(Integer)
    recommended_term_months: Mapped[int | None] = mapped_column(Integer)
    recommended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    security: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract_no: Mapped[str | None] = mapped_column(String(60))
    contract_signed_on: Mapped[date | None] = mapped_column(Date)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    disbursed_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    filed_on: Mapped[date | None] = mapped_column(Date)
    filing_no: Mapped[str | None] = mapped_column(String(40))
    # After the filing: what the bank reports (outstanding principal, arrears, grade).
    outstanding_fen: Mapped[int | None] = mapped_column(BigInteger)
    overdue_since: Mapped[date | None] = mapped_column(Date)
    classification: Mapped[str | None] = mapped_column(String(20))

    recommended_by: Mapped[User | None] = relationship(foreign_keys=[recommended_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def current_amount(self) -> int | None:
        """Disbursed, else recommended, else requested."""
        for value in (self.disbursed_amount_fen, self.recommended_amount_fen,
                      self.requested_amount_fen):
            if value is not None:
                return value
        return None

    @property
    def pure_credit(self) -> bool:
        """No guarantee, pledge or collateral (as the bank recorded it)."""
        return self.security == "pure_credit"

    @property
    def outstanding(self) -> int:
        """Outstanding principal as last reported (the disbursed amount before any report)."""
        if self.outstanding_fen is not None:
            return self.outstanding_fen
        return self.disbursed_amount_fen or 0


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
