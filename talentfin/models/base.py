"""Shared column helpers for the models."""

from datetime import UTC
from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy import DateTime
from sqlalchemy import cast
from sqlalchemy import func
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    """Current time as naive UTC.

    Stored timestamps are naive UTC because SQLite drops the offset; keeping one convention
    means values compare the same on SQLite and PostgreSQL. Views localise on display.
    """
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    """``created_at`` / ``updated_at`` columns kept by the database session."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )


def sum_fen(expression):
    """SUM of an amount as a whole number on every database, 0 when there are no rows.

    PostgreSQL sums BIGINT into NUMERIC (a Decimal in Python); the ledger takes only int.
    """
    return cast(func.coalesce(func.sum(expression), 0), BigInteger)
