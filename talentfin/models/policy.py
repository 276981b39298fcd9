"""Versioned policy parameters: every number of the programme's rules, with its start date."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models.base import utcnow
from talentfin.models.user import User

PROGRAMME_START = date(2020, 1, 1)


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

    proposed_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


@dataclass(frozen=True)
class PolicyKey:
    """One number of the rules: its default, where the default comes from, how it reads.

    The core, the pool and each product declare their own keys; ``seed-policy`` and the
    first migration write the defaults, decisions read the table. ``source`` is stored
    (English, as written); ``source_text`` is how the pages show it. ``name`` has no unit
    (the value shows its own), ``label`` names the unit the proposal form expects.
    """

    key: str
    default: str
    source: str
    name: object
    label: object
    source_text: object
    at_least_one: bool = False  # a zero would stop the programme or divide by it


_firing_cache: ContextVar[dict | None] = ContextVar("policy_cache", default=None)


@contextmanager
def cached() -> Iterator[None]:
    """Within the block, read the whole policy table once per date (one firing's guards)."""
    token = _firing_cache.set({}) if _firing_cache.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _firing_cache.reset(token)


# Built once: constructing a statement costs more than running these.
_IN_FORCE_ON = (
    select(PolicyParameter.key, PolicyParameter.value)
    .where(PolicyParameter.status == "in_force",
           PolicyParameter.effective_from <= bindparam("on"))
    .order_by(PolicyParameter.key, PolicyParameter.effective_from, PolicyParameter.id)
)
_ONE_IN_FORCE_ON = (
    select(PolicyParameter.value)
    .where(PolicyParameter.key == bindparam("key"), PolicyParameter.status == "in_force",
           PolicyParameter.effective_from <= bindparam("on"))
    .order_by(PolicyParameter.effective_from.desc(), PolicyParameter.id.desc())
    .limit(1)
)


def _in_force_on(on: date) -> dict[str, str]:
    rows = db.session.execute(_IN_FORCE_ON, {"on": on}).all()
    return {key: value for key, value in rows}  # the latest row of each key wins


def parameter(key: str, on: date | None = None) -> Decimal:
    """The value of a policy parameter in force on a date (today by default)."""
    on = on or business_today()
    cache = _firing_cache.get()
    if cache is not None:
        if on not in cache:
            cache[on] = _in_force_on(on)
        value = cache[on].get(key)
    else:
        value = db.session.scalar(_ONE_IN_FORCE_ON, {"key": key, "on": on})
    if value is None:
        raise LookupError(f"policy parameter {key!r} has no value in force on {on}")
    return Decimal(value)


def int_parameter(key: str, on: date | None = None) -> int:
    """An integer policy parameter (fen, basis points, days)."""
    return int(parameter(key, on))
