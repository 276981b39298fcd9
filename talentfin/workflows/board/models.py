"""人才板's own records: the listing (joined to the application envelope), the financings a
listed firm raises, its annual disclosures, and the financing rewards paid."""

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
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
from talentfin.models import Attachment
from talentfin.models import User
from talentfin.models.base import utcnow


class BoardListing(Application):
    """A 人才板 application and, once listed, the listing: code, tier, events, its end."""

    __tablename__ = "board_listings"

    id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    requested_tier: Mapped[str | None] = mapped_column(String(12))
    shareholders: Mapped[int | None] = mapped_column(Integer)
    # The exchange sees the file once the recommending institution passes it on.
    exchange_routed_at: Mapped[datetime | None] = mapped_column(DateTime)
    listing_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    tier: Mapped[str | None] = mapped_column(String(12))
    listed_on: Mapped[date | None] = mapped_column(Date)
    # A financing reward asked for: the year and its decision's maker.
    reward_year: Mapped[int | None] = mapped_column(Integer)
    reward_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    reward_recommended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delisting_reason: Mapped[str | None] = mapped_column(String(20))
    ended_on: Mapped[date | None] = mapped_column(Date)  # delisted or transferred
    market: Mapped[str | None] = mapped_column(String(8))  # transferred to

    __mapper_args__ = {"polymorphic_identity": "board", "polymorphic_load": "selectin",
                       "inherit_condition": id == Application.id}


class Financing(db.Model):
    """A financing a listed firm raised, recorded by the firm or the exchange's officer and
    verified by the exchange."""

    __tablename__ = "board_financings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    instrument: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    investors: Mapped[int] = mapped_column(Integer)
    holders_after: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])


class Disclosure(db.Model):
    """A year's annual report a listed firm owes, and its filing."""

    __tablename__ = "board_disclosures"
    __table_args__ = (UniqueConstraint("application_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)

    attachment: Mapped[Attachment | None] = relationship()


class Reward(db.Model):
    """A financing reward paid: once per firm and year (unique), with its ledger entry."""

    __tablename__ = "board_rewards"
    __table_args__ = (UniqueConstraint("enterprise_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    year: Mapped[int] = mapped_column(Integer)
    raised_fen: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    maker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    paid_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
