"""人才险's own records: the insurers' terms, the policy's fields (joined to the application
envelope), the premiums paid with their subsidies, and the claims on a policy."""

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.workflows.insurance.labels import cover_label


class InsuranceOffer(db.Model):
    """An insurer's terms for one cover: its premium rate, and whether it takes quotes."""

    __tablename__ = "insurance_offers"
    __table_args__ = (UniqueConstraint("org_id", "cover"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    cover: Mapped[str] = mapped_column(String(20))
    premium_rate_bp: Mapped[int] = mapped_column(Integer)  # a year's premium per sum insured
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    insurer: Mapped[Organisation] = relationship()


class InsuranceApplication(Application):
    """A 人才险 application: the quote asked for, the underwriter's proposal, the policy."""

    __tablename__ = "insurance_applications"

    id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    cover: Mapped[str | None] = mapped_column(String(20))
    # The guaranteed loan of a loan-guarantee policy (its sum insured and period follow it).
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    requested_period_months: Mapped[int | None] = mapped_column(Integer)
    # The rate the insurer's terms gave when the quote was submitted: an acceptance is at it.
    offered_rate_bp: Mapped[int | None] = mapped_column(Integer)
    # Key-person cover: the person insured; R&D-loss cover: the project.
    insured_name: Mapped[str | None] = mapped_column(String(60))
    insured_id_number: Mapped[str | None] = mapped_column(String(18))
    insured_position: Mapped[str | None] = mapped_column(String(60))
    project_name: Mapped[str | None] = mapped_column(String(120))

    # The underwriter's proposal: accept as asked, counter-terms, or decline.
    proposal: Mapped[str | None] = mapped_column(String(10))
    proposed_sum_insured_fen: Mapped[int | None] = mapped_column(BigInteger)
    proposed_rate_bp: Mapped[int | None] = mapped_column(Integer)
    proposed_period_months: Mapped[int | None] = mapped_column(Integer)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # The policy, once bound.
    policy_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    sum_insured_fen: Mapped[int | None] = mapped_column(BigInteger)
    premium_rate_bp: Mapped[int | None] = mapped_column(Integer)
    annual_premium_fen: Mapped[int | None] = mapped_column(BigInteger)
    period_months: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # The pool sees the policy once a premium subsidy is first asked for.
    subsidy_requested_at: Mapped[datetime | None] = mapped_column(DateTime)

    __mapper_args__ = {"polymorphic_identity": "insurance", "polymorphic_load": "selectin",
                       "inherit_condition": id == Application.id}

    loan: Mapped[Application | None] = relationship(foreign_keys=[loan_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def cover_label(self) -> str:
        """The cover in the reader's language."""
        return cover_label(self.cover)

    def current_amount(self) -> int | None:
        """The sum insured: the policy's, else the proposal's, else the one asked for."""
        for value in (self.sum_insured_fen, self.proposed_sum_insured_fen,
                      self.requested_amount_fen):
            if value is not None:
                return value
        return None


class PremiumPayment(db.Model):
    """A policy year's premium as the founder paid it, and the pool's subsidy of it."""

    __tablename__ = "premium_payments"
    __table_args__ = (UniqueConstraint("application_id", "policy_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    policy_year: Mapped[int] = mapped_column(Integer)  # 1 for the policy's first year
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    invoice_no: Mapped[str] = mapped_column(String(40))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Its subsidy: asked for, then paid or declined; the cap counts the premium's year.
    subsidy_status: Mapped[str | None] = mapped_column(String(12))
    subsidy_rate_bp: Mapped[int | None] = mapped_column(Integer)
    subsidy_fen: Mapped[int | None] = mapped_column(BigInteger)
    subsidy_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"),
                                                         unique=True)
    subsidy_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    subsidy_decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    subsidy_note: Mapped[str] = mapped_column(Text, default="")


class InsuranceClaim(db.Model):
    """A claim on a policy: notified, adjusted, then agreed and paid, or denied."""

    __tablename__ = "insurance_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="notified")
    loss_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    claimed_fen: Mapped[int] = mapped_column(BigInteger)
    notified_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    notified_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # A guaranteed loan's principal loss as the insurer assessed it (its share is agreed).
    assessed_loss_fen: Mapped[int | None] = mapped_column(BigInteger)
    agreed_fen: Mapped[int | None] = mapped_column(BigInteger)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    paid_fen: Mapped[int | None] = mapped_column(BigInteger)
    paid_on: Mapped[date | None] = mapped_column(Date)

    notified_by: Mapped[User] = relationship(foreign_keys=[notified_by_id])
