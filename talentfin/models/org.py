"""Organisations (parks, partner institutions, the pool), enterprises and talent profiles."""

from datetime import date
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import TimestampMixin
from talentfin.models.base import utcnow

TALENT_TIERS = ("A", "B", "C", "D")


class Organisation(TimestampMixin, db.Model):
    """A park, a partner institution or the pool; staff users belong to one."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    district: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A partner's standing in the programme: active, suspended (no new filings with the
    # pool) or terminated (after fraud: partnership ended).
    standing: Mapped[str] = mapped_column(String(12), default="active")

    def display_name(self, locale: str = "zh") -> str:
        """Name in the user's language, falling back to the Chinese name."""
        return self.name_en if locale == "en" and self.name_en else self.name


class Enterprise(TimestampMixin, db.Model):
    """A startup that applies; founders keep its profile."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    registered_in_district: Mapped[bool] = mapped_column(Boolean, default=True)
    founded_on: Mapped[date | None] = mapped_column(Date)
    registered_capital_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    legal_representative: Mapped[str] = mapped_column(String(60), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    industry: Mapped[str] = mapped_column(String(60), default="")
    employees: Mapped[int] = mapped_column(Integer, default=0)
    # Date of the latest serious dishonesty record (失信), if any; none in 3 years is eligible.
    last_dishonesty_on: Mapped[date | None] = mapped_column(Date)

    park: Mapped["Organisation | None"] = relationship(foreign_keys=[park_id])
    talent: Mapped["TalentProfile | None"] = relationship(
        back_populates="enterprise", uselist=False
    )


class TalentProfile(TimestampMixin, db.Model):
    """The founder's talent certification and equity holding in the enterprise."""

    __tablename__ = "talent_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), unique=True)
    founder_name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    tier: Mapped[str] = mapped_column(String(1))
    certificate_no: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(120))
    valid_until: Mapped[date] = mapped_column(Date)
    # The founder's share of the equity in basis points (30% = 3000).
    equity_bp: Mapped[int] = mapped_column(Integer)

    enterprise: Mapped[Enterprise] = relationship(back_populates="talent")


class IdentityChange(db.Model):
    """A change of a company's name or credit code asked for once an application was
    submitted on them: the park of the company decides it. The rows are the identity's
    history; each application keeps the identity it was submitted and decided on
    (``Application.firm_name`` and ``firm_uscc``)."""

    __tablename__ = "identity_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    old_name: Mapped[str] = mapped_column(String(120))
    old_uscc: Mapped[str] = mapped_column(String(18))
    new_name: Mapped[str] = mapped_column(String(120))
    new_uscc: Mapped[str] = mapped_column(String(18))
    reason: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(10), default="requested", index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(2000), default="")

    enterprise: Mapped[Enterprise] = relationship()
