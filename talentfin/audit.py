"""Tamper-evident chains: each row carries the hash of the one before it.

Two kinds of head. A global chain (the pool's ledger, the checkpoints) has a ``ChainHead``
row: appending takes it with an UPDATE first, which serialises appenders on both databases
(a row lock on PostgreSQL, the write lock on SQLite), so two transactions can never link to
the same predecessor. The transition log has one chain per application, headed on the
application row (``log_seq``, ``log_hash``): the engine links a row with ``next_link`` and
moves the head in the version-checked UPDATE of the application it makes anyway, so firings
on different applications share no row. A periodic checkpoint (``services.checkpoints``)
seals the heads that moved into a Merkle root. ``verify`` recomputes every link.
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


def next_link(head_seq: int, head_hash: str, payload: dict) -> tuple[int, str, str]:
    """The link after a chain's head (seq, prev, hash); the caller moves the head."""
    seq = head_seq + 1
    return seq, head_hash, link_hash(head_hash, seq, payload)


def leaf_hash(chain: str, seq: int, head_hash: str) -> str:
    """A Merkle leaf: one chain's head as a checkpoint seals it."""
    return hashlib.sha256(f"leaf:{chain}:{seq}:{head_hash}".encode("ascii")).hexdigest()


def merkle_root(leaves: list[str]) -> str:
    """The Merkle root of leaf hashes in the order given (GENESIS when there are none); an
    odd node at a level is paired with itself."""
    level = list(leaves)
    if not level:
        return GENESIS
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(f"node:{a}:{b}".encode("ascii")).hexdigest()
                 for a, b in zip(level[::2], level[1::2], strict=True)]
    return level[0]


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
    kind: str = "content"  # sequence, previous, content, missing or checkpoint
    application_id: int | None = None  # the application whose chain it is, if one


def verify(chain: str, rows: Iterable, payload_of: Callable[[object], dict]) -> Break | None:
    """Walk a global chain's rows in sequence order; the first mismatch, or None."""
    head = db.session.get(ChainHead, chain)
    return verify_links(chain, rows, payload_of,
                        (head.seq, head.last_hash) if head is not None else None)


def verify_links(chain: str, rows: Iterable, payload_of: Callable[[object], dict],
                 head: tuple[int, str] | None, application_id: int | None = None
                 ) -> Break | None:
    """Walk one chain's rows in sequence order and compare the end with its recorded head
    (seq, hash); the first mismatch, or None when the chain holds."""
    expected_prev = GENESIS
    expected_seq = 1
    where = f"application {application_id}: " if application_id is not None else ""
    for row in rows:
        if row.seq != expected_seq:
            return Break(chain, row.id, row.seq,
                         f"{where}sequence {row.seq}, expected {expected_seq}", "sequence",
                         application_id)
        if row.prev_hash != expected_prev:
            return Break(chain, row.id, row.seq, f"{where}previous hash does not match",
                         "previous", application_id)
        if link_hash(row.prev_hash, row.seq, payload_of(row)) != row.row_hash:
            return Break(chain, row.id, row.seq, f"{where}content does not match its hash",
                         "content", application_id)
        expected_prev = row.row_hash
        expected_seq += 1
    if head is not None and tuple(head) != (expected_seq - 1, expected_prev):
        return Break(chain, 0, head[0], f"{where}rows are missing at the end of the chain",
                     "missing", application_id)
    return None
