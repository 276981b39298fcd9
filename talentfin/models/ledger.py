"""The pool's money: funders, and an append-only double-entry ledger in integer fen.

Lines are signed: debit positive, credit negative; the lines of an entry sum to zero.
Corrections are reversals (a new entry with the lines negated), never edits.
"""

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
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

ENTRY_KINDS = (
    "contribution", "compensation_payout", "recovery_receipt", "interest_subsidy_payout",
    "premium_subsidy_payout", "clawback", "reversal", "adjustment",
)


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


class ChainHead(db.Model):
    """The last hash of a tamper-evident chain; updating it serialises appends."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
