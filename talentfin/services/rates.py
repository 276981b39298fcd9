"""Rate limits counted in the database (so they hold across server processes and hosts):
each request is recorded first and then counted with the others of its window, so of many
at once no more than the limit pass (the same order as the login throttle)."""

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import RateEvent
from talentfin.models.base import utcnow


def allow(bucket: str, key: str, limit: int, window_seconds: int) -> bool:
    """Record one request of ``key`` (an address, an account) in ``bucket``; whether it is
    within ``limit`` requests of the last ``window_seconds``. Commits."""
    record(bucket, key)
    return recent(bucket, key, window_seconds) <= limit


def record(bucket: str, key: str) -> None:
    """Count one event of ``key`` in ``bucket`` without asking (a failure). Commits."""
    db.session.add(RateEvent(bucket=bucket, key=key[:254]))
    db.session.commit()


def recent(bucket: str, key: str, window_seconds: int) -> int:
    """How many events of ``key`` in ``bucket`` the last ``window_seconds`` hold."""
    since = utcnow() - timedelta(seconds=window_seconds)
    return db.session.scalar(select(func.count(RateEvent.id)).where(
        RateEvent.bucket == bucket, RateEvent.key == key[:254], RateEvent.created_at >= since))


def prune(older_than: timedelta = timedelta(days=2)) -> int:
    """Remove the counted requests no window looks at any more; how many."""
    removed = db.session.execute(delete(RateEvent).where(
        RateEvent.created_at < utcnow() - older_than)).rowcount
    db.session.commit()
    return removed
