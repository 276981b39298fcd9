"""Idempotency keys of the API's POSTs (the ``Idempotency-Key`` header, as Stripe's and the
IETF draft's): a retry with the same key and body gets the first response and changes
nothing; the same key with another body is refused; keys are kept for 24 hours.

The key is claimed (a row, unique per client and key) before the request runs, so two
copies of one request sent at once run once: the second is told the first is still being
answered. A request that failed on the server's side (5xx) gives its key back.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentfin.extensions import db
from talentfin.models import ApiClient
from talentfin.models import IdempotencyKey
from talentfin.models.base import utcnow

KEEP = timedelta(hours=24)
# A claim never answered (the process died after claiming) is given back after this long.
STALE = timedelta(minutes=5)


@dataclass
class Claim:
    """What a key means for this request: "new" (run it), "replay" (answer the stored
    response), "other" (the key was used for another request), "busy" (being answered)."""

    outcome: str
    record: IdempotencyKey | None = None


def request_digest(method: str, path: str, body: bytes) -> str:
    """What identifies a request: its method, path and body."""
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(client: ApiClient, key: str, digest: str) -> Claim:
    """Claim ``key`` for this request, or say what the key already stands for. Commits."""
    now = utcnow()
    db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.client_pk == client.id, IdempotencyKey.key == key,
        (IdempotencyKey.created_at < now - KEEP)
        | (IdempotencyKey.status_code.is_(None) & (IdempotencyKey.created_at < now - STALE))))
    record = IdempotencyKey(client_pk=client.id, key=key, request_digest=digest,
                            created_at=now)
    db.session.add(record)
    try:
        db.session.commit()
        return Claim("new", record)
    except IntegrityError:
        db.session.rollback()
    existing = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.client_pk == client.id, IdempotencyKey.key == key))
    if existing is None:  # given back in between: the caller may simply retry
        return Claim("busy")
    if existing.request_digest != digest:
        return Claim("other", existing)
    return Claim("replay" if existing.status_code is not None else "busy", existing)


def complete(record: IdempotencyKey, status_code: int, body: dict) -> None:
    """Keep the response for the retries. Commits."""
    record = db.session.merge(record)
    record.status_code, record.response_body = status_code, body
    db.session.commit()


def release(record: IdempotencyKey) -> None:
    """Give the key back (the request failed on the server's side). Commits."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == record.id))
    db.session.commit()


def prune() -> int:
    """Delete keys older than 24 hours (the scheduler, nightly)."""
    result = db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at < utcnow() - KEEP))
    db.session.commit()
    return result.rowcount
