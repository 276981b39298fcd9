"""The pool's records: funders, the double-entry ledger, claims, recoveries, standing,
subsidies and monthly statements.

Ledger lines are signed: debit positive, credit negative; the lines of an entry sum to zero.
Corrections are reversals (a new entry with the lines negated), never edits.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import Date
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
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import utcnow

ENTRY_KINDS = (
    "contribution", "compensation_payout", "recovery_receipt", "interest_subsidy_payout",
    "premium_subsidy_payout", "clawback", "reversal", "adjustment",
    # Paid from the programme's own budget, not the pool's cash (人才板's financing reward).
    "financing_reward",
    # 人才债's own layers, outside the pool's cash: the spread into a bond's risk reserve,
    # and a default's loss drawn on the reserve, the government's share, the issuer.
    "bond_reserve_receipt", "bond_reserve_draw", "bond_government_draw", "bond_issuer_draw",
)
CHAIN = "ledger"  # the ledger's hash chain (talentfin.audit)


class Funder(db.Model):
    """A public funder of the pool (city, district) with its share of every payout."""

    __tablename__ = "funders"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    share_bp: Mapped[int] = mapped_column(Integer)  # 6000 = 60 %


class LedgerEntry(db.Model):
    """One money event; its lines balance. Chained: each row carries the previous hash."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    effective_on: Mapped[date] = mapped_column(Date)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    lines: Mapped[list["LedgerLine"]] = relationship(back_populates="entry",
                                                     order_by="LedgerLine.id")


class LedgerLine(db.Model):
    """One side of an entry on one account."""

    __tablename__ = "ledger_lines"
    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="nonzero"),
        Index("ix_ledger_lines_account", "account", "funder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    account: Mapped[str] = mapped_column(String(40))
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funders.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    entry: Mapped[LedgerEntry] = relationship(back_populates="lines")


class Claim(db.Model):
    """A bank's compensation claim on a non-performing covered loan, and its outcome."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="lodged")
    lodged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lodged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    principal_loss_fen: Mapped[int] = mapped_column(BigInteger)
    # Paid on the same loss by another public scheme, as the bank declares it (counts
    # against the 80 %).
    other_compensation_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Paid on the same loss under another product of the programme (an insurer's share
    # under a loan-guarantee policy), read from its records at each decision.
    insured_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    ratio_bp: Mapped[int | None] = mapped_column(Integer)
    payout_fen: Mapped[int | None] = mapped_column(BigInteger)
    # How the payout was limited: the rule that bound, in words (shown to the committee).
    calculation: Mapped[str] = mapped_column(Text, default="")
    policy_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    payout_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))

    application: Mapped[Application] = relationship()
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


class StandingChange(db.Model):
    """One change of a bank's standing, with the figures that caused it."""

    __tablename__ = "standing_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_standing: Mapped[str] = mapped_column(String(12))
    to_standing: Mapped[str] = mapped_column(String(12))
    # Why, as the committee typed it (a reinstatement), or empty when the change has a
    # ``reason_code`` (an automatic suspension), which the pages word in the reader's
    # language from ``figures`` (``labels.standing_reason``). Rows from before the codes
    # keep their text.
    reason: Mapped[str] = mapped_column(Text, default="")
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    bank: Mapped[Organisation] = relationship()
    decided_by: Mapped[User | None] = relationship()


class SubsidyClaim(db.Model):
    """One application's subsidy for one calendar year (asked for once)."""

    __tablename__ = "subsidy_claims"
    __table_args__ = (UniqueConstraint("application_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # What the subsidy is a share of (a loan: the interest paid on time that year).
    basis_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="requested")
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    application: Mapped[Application] = relationship()


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
