"""Checkpoints: seal the heads of the chains that moved into one Merkle root.

The transition log has a chain per application, so no row is shared by firings on
different applications. What ties the chains together is a checkpoint, made by the
scheduler every few minutes and at every sign-off: the head (seq, hash) of every chain that
moved since the last checkpoint becomes a leaf; the checkpoint row records the leaves'
Merkle root and links into the checkpoints' own chain. A row deleted or rewritten behind a
sealed head (even with its chain and head recomputed) no longer matches its leaf; a leaf or
root altered no longer matches the checkpoint's hash; a checkpoint dropped breaks theirs.
"""

from itertools import groupby

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from talentfin import audit
from talentfin.extensions import db
from talentfin.models import ChainHead
from talentfin.models import Checkpoint
from talentfin.models import CheckpointLeaf
from talentfin.models import TransitionLog
from talentfin.models.base import utcnow
from talentfin.pool.models import CHAIN as LEDGER_CHAIN
from talentfin.pool.models import LedgerEntry

LOG_CHAIN = TransitionLog.CHAIN
BATCH = 50_000  # log rows sealed per checkpoint at most; the next one takes the rest
_MARK = 1000  # rows marked sealed per UPDATE


def seal() -> Checkpoint | None:
    """Add a checkpoint over the chains that moved (None if none did); the caller commits."""
    audit.lock(Checkpoint.CHAIN)  # one sealer at a time; read the rows only after
    rows = db.session.execute(
        select(TransitionLog.id, TransitionLog.application_id, TransitionLog.seq,
               TransitionLog.row_hash)
        .where(TransitionLog.checkpoint_id.is_(None)).order_by(TransitionLog.id).limit(BATCH)
    ).all()
    heads: dict[int, tuple[int, str]] = {}
    for _id, application_id, seq, row_hash in rows:
        if seq > heads.get(application_id, (0, ""))[0]:
            heads[application_id] = (seq, row_hash)
    leaves = [CheckpointLeaf(chain=LOG_CHAIN, application_id=application_id, seq=seq,
                             hash=row_hash)
              for application_id, (seq, row_hash) in heads.items()]
    ledger = _ledger_leaf()
    if ledger is not None:
        leaves.append(ledger)
    if not leaves:
        return None
    leaves.sort(key=lambda leaf: leaf.key)
    checkpoint = Checkpoint(root=audit.merkle_root([_leaf_hash(x) for x in leaves]),
                            leaves=len(leaves), created_at=utcnow())
    link(checkpoint)
    db.session.add(checkpoint)
    db.session.flush()
    db.session.execute(insert(CheckpointLeaf), [
        {"checkpoint_id": checkpoint.id, "chain": x.chain, "application_id": x.application_id,
         "seq": x.seq, "hash": x.hash} for x in leaves])
    ids = [row[0] for row in rows]
    for start in range(0, len(ids), _MARK):
        db.session.execute(update(TransitionLog)
                           .where(TransitionLog.id.in_(ids[start:start + _MARK]))
                           .values(checkpoint_id=checkpoint.id)
                           .execution_options(synchronize_session=False))
    return checkpoint


def link(checkpoint: Checkpoint) -> None:
    """Link a new checkpoint into the checkpoints' chain."""
    checkpoint.seq, checkpoint.prev_hash, checkpoint.row_hash = audit.append(
        Checkpoint.CHAIN, checkpoint.chain_payload())


def latest() -> Checkpoint | None:
    """The newest checkpoint, if any."""
    return db.session.scalar(select(Checkpoint).order_by(Checkpoint.seq.desc()).limit(1))


def unsealed() -> int:
    """How many transition log rows no checkpoint has sealed yet."""
    return db.session.scalar(select(func.count()).select_from(TransitionLog)
                             .where(TransitionLog.checkpoint_id.is_(None))) or 0


def _ledger_leaf() -> CheckpointLeaf | None:
    head = db.session.get(ChainHead, LEDGER_CHAIN)
    sealed = db.session.scalar(select(func.max(CheckpointLeaf.seq))
                               .where(CheckpointLeaf.chain == LEDGER_CHAIN)) or 0
    if head is None or head.seq <= sealed:
        return None
    return CheckpointLeaf(chain=LEDGER_CHAIN, application_id=None, seq=head.seq,
                          hash=head.last_hash)


def _leaf_hash(leaf) -> str:
    return audit.leaf_hash(f"{leaf.chain}:{leaf.application_id or 0:012d}", leaf.seq,
                           leaf.hash)


def verify() -> list[audit.Break]:
    """The checkpoints' chain, each checkpoint's root over its leaves, and every leaf
    against the row it seals; the breaks found."""
    rows = db.session.scalars(select(Checkpoint).order_by(Checkpoint.seq))
    found = audit.verify(Checkpoint.CHAIN, rows.yield_per(1000), Checkpoint.chain_payload)
    breaks = [found] if found else []
    checkpoints = {c.id: c for c in db.session.scalars(select(Checkpoint))}
    leaves = db.session.execute(
        select(CheckpointLeaf.checkpoint_id, CheckpointLeaf.chain,
               CheckpointLeaf.application_id, CheckpointLeaf.seq, CheckpointLeaf.hash)
        .order_by(CheckpointLeaf.checkpoint_id)).yield_per(10_000)
    seen = set()
    for checkpoint_id, group in groupby(leaves, key=lambda leaf: leaf.checkpoint_id):
        group = sorted(group, key=lambda x: f"{x.chain}:{x.application_id or 0:012d}")
        checkpoint = checkpoints.get(checkpoint_id)
        seen.add(checkpoint_id)
        if checkpoint is None:
            breaks.append(_broken(None, "leaves of a checkpoint that is gone"))
        elif (audit.merkle_root([_leaf_hash(x) for x in group]) != checkpoint.root
              or len(group) != checkpoint.leaves):
            breaks.append(_broken(checkpoint, "its leaves do not give its root"))
    for checkpoint in checkpoints.values():
        if checkpoint.id not in seen and checkpoint.leaves:
            breaks.append(_broken(checkpoint, "its leaves are gone"))
    breaks.extend(_unmatched_leaves(checkpoints))
    return breaks


def _unmatched_leaves(checkpoints: dict[int, Checkpoint]) -> list[audit.Break]:
    """Leaves whose sealed row is gone or carries another hash (the first per checkpoint)."""
    log = select(CheckpointLeaf.checkpoint_id, CheckpointLeaf.application_id,
                 CheckpointLeaf.seq).outerjoin(TransitionLog, and_(
                     TransitionLog.application_id == CheckpointLeaf.application_id,
                     TransitionLog.seq == CheckpointLeaf.seq)).where(
        CheckpointLeaf.chain == LOG_CHAIN,
        or_(TransitionLog.id.is_(None), TransitionLog.row_hash != CheckpointLeaf.hash))
    ledger = select(CheckpointLeaf.checkpoint_id, CheckpointLeaf.application_id,
                    CheckpointLeaf.seq).outerjoin(
        LedgerEntry, LedgerEntry.seq == CheckpointLeaf.seq).where(
        CheckpointLeaf.chain == LEDGER_CHAIN,
        or_(LedgerEntry.id.is_(None), LedgerEntry.row_hash != CheckpointLeaf.hash))
    breaks, named = [], set()
    for query in (log, ledger):
        for checkpoint_id, application_id, seq in db.session.execute(query):
            if checkpoint_id in named:
                continue
            named.add(checkpoint_id)
            where = (f"application {application_id} seq {seq}" if application_id
                     else f"ledger seq {seq}")
            breaks.append(_broken(checkpoints.get(checkpoint_id),
                                  f"the sealed head {where} no longer matches"))
    return breaks


def _broken(checkpoint: Checkpoint | None, reason: str) -> audit.Break:
    return audit.Break(Checkpoint.CHAIN, checkpoint.id if checkpoint else 0,
                       checkpoint.seq if checkpoint else 0, reason, "checkpoint")
