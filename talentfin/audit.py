"""Tamper-evident chains: each row carries the hash of the one before it.

Appending takes the chain's head row with an UPDATE first, which serialises appenders on
both databases (a row lock on PostgreSQL, the write lock on SQLite), so two transactions
can never link to the same predecessor. ``verify`` recomputes every link.
"""

import hashlib
import json
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy import update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from talentfin.extensions import db
from talentfin.models.chain import ChainHead

GENESIS = "0" * 64


def canonical(payload: dict) -> bytes:
    """A stable byte form of a row's content (sorted keys, no spaces, UTF-8)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


def link_hash(prev_hash: str, seq: int, payload: dict) -> str:
    """SHA-256 of the previous hash, the sequence number and the row's content."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(str(seq).encode("ascii"))
    digest.update(canonical(payload))
    return digest.hexdigest()


def lock(chain: str) -> None:
    """Take the chain's head row now (until commit), before reading what a posting depends on.

    A no-op UPDATE: a row lock on PostgreSQL, the write lock on SQLite.
    """
    db.session.execute(
        update(ChainHead).where(ChainHead.name == chain).values(seq=ChainHead.seq)
        .execution_options(synchronize_session=False)
    )


# Built once: on the engine's hot path, constructing a statement costs more than running it.
_TAKE_LINK = (
    update(ChainHead).where(ChainHead.name == bindparam("chain_name"))
    .values(seq=ChainHead.seq + 1).returning(ChainHead.seq, ChainHead.last_hash)
    .execution_options(synchronize_session=False)
)
_SET_HEAD = (
    update(ChainHead).where(ChainHead.name == bindparam("chain_name"))
    .values(last_hash=bindparam("new_hash"))
    .execution_options(synchronize_session=False)
)


def append(chain: str, payload: dict) -> tuple[int, str, str]:
    """Reserve the next link of a chain in the current transaction: (seq, prev, hash)."""
    taken = db.session.execute(_TAKE_LINK, {"chain_name": chain}).one_or_none()
    if taken is None:
        # A new chain: its head is created once. Another transaction creating it at the same
        # moment makes this INSERT wait for it (PostgreSQL) and then do nothing; the UPDATE
        # then takes the next link after that transaction's.
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        db.session.execute(dialect.insert(ChainHead).values(
            name=chain, seq=0, last_hash=GENESIS).on_conflict_do_nothing())
        taken = db.session.execute(_TAKE_LINK, {"chain_name": chain}).one()
    seq, prev = taken
    row_hash = link_hash(prev, seq, payload)
    db.session.execute(_SET_HEAD, {"chain_name": chain, "new_hash": row_hash})
    return seq, prev, row_hash


@dataclass
class Break:
    """The first row of a chain that does not match."""

    chain: str
    row_id: int
    seq: int
    reason: str  # for operators (the CLI); pages show ``kind`` in the reader's language
    kind: str = "content"  # sequence, previous, content or missing


def verify(chain: str, rows: Iterable, payload_of: Callable[[object], dict]) -> Break | None:
    """Walk rows in sequence order; the first mismatch, or None when the chain holds."""
    expected_prev = GENESIS
    expected_seq = 1
    for row in rows:
        if row.seq != expected_seq:
            return Break(chain, row.id, row.seq, f"sequence {row.seq}, expected {expected_seq}",
                         "sequence")
        if row.prev_hash != expected_prev:
            return Break(chain, row.id, row.seq, "previous hash does not match", "previous")
        if link_hash(row.prev_hash, row.seq, payload_of(row)) != row.row_hash:
            return Break(chain, row.id, row.seq, "content does not match its hash")
        expected_prev = row.row_hash
        expected_seq += 1
    head = db.session.get(ChainHead, chain)
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != expected_prev):
        return Break(chain, 0, head.seq, "rows are missing at the end of the chain",
                     "missing")
    return None
