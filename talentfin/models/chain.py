"""The audit chains' heads and checkpoints.

A ``ChainHead`` row is the head of a chain that legitimately serialises (the pool's ledger,
the checkpoints themselves). The transition log has one chain per application, headed on
the application row. A ``Checkpoint`` seals, as a Merkle root, the head of every chain that
moved since the previous checkpoint (its ``CheckpointLeaf`` rows); checkpoints form a chain
of their own, so a checkpoint cannot be altered, dropped or slipped in unseen.
"""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from talentfin.extensions import db
from talentfin.models.base import utcnow


class ChainHead(db.Model):
    """The last hash of a global tamper-evident chain; updating it serialises appends."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(db.Model):
    """A seal over the heads of the chains that moved since the previous checkpoint."""

    __tablename__ = "audit_checkpoints"
    CHAIN = "checkpoints"  # the checkpoints' own chain (talentfin.audit)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    root: Mapped[str] = mapped_column(String(64))  # Merkle root of the leaves
    leaves: Mapped[int] = mapped_column(Integer)
    # What the migration to per-application chains attested of the old global chain.
    legacy: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))

    def chain_payload(self) -> dict:
        """What the checkpoint's chain hash covers."""
        return {"root": self.root, "leaves": self.leaves, "legacy": self.legacy,
                "created_at": self.created_at.isoformat(timespec="microseconds")}


class CheckpointLeaf(db.Model):
    """One chain's head as a checkpoint sealed it: the ledger, or the transition log of
    one application (``application_id``)."""

    __tablename__ = "audit_checkpoint_leaves"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("audit_checkpoints.id"), index=True)
    chain: Mapped[str] = mapped_column(String(40))
    application_id: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def key(self) -> str:
        """The chain's name in the Merkle tree (its sort key and part of its leaf hash)."""
        return f"{self.chain}:{self.application_id or 0:012d}"
