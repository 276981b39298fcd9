"""Auditors' sign-offs: verify every chain now, seal a checkpoint, record it as attested.

A sign-off makes later tampering doubly visible: ``audit verify`` recomputes the chains and
the checkpoints, and also checks that every signed checkpoint (which seals the head of
every application's transition log chain) and the signed ledger head are still what they
were when the auditor signed. Even a rewrite that recomputes every hash after it, up to the
newest checkpoint, changes a signed checkpoint's hash.
"""

from sqlalchemy import select

from talentfin import audit
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import AuditSignOff
from talentfin.models import ChainHead
from talentfin.models import Checkpoint
from talentfin.models import User
from talentfin.pool.models import CHAIN as LEDGER_CHAIN
from talentfin.pool.models import LedgerEntry
from talentfin.services import checkpoints
from talentfin.services.audit_chains import verify_all

LOG_CHAIN = "transition_log"


class SignOffError(ValueError):
    """A sign-off that cannot be given; the message says why."""


def _head(chain: str) -> tuple[int, str]:
    head = db.session.get(ChainHead, chain)
    return (head.seq, head.last_hash) if head else (0, audit.GENESIS)


def sign_off(user: User, note: str) -> AuditSignOff:
    """Verify every chain, seal a checkpoint and record it and the ledger's head under the
    auditor's name (the caller checked that the user may sign:
    ``policy.can(user, "sign", AuditSignOff)``)."""
    breaks = verify_all()
    if breaks:
        raise SignOffError(_("The audit chain does not verify at %(chain)s row %(row)s; "
                             "nothing can be signed off.", chain=breaks[0].chain,
                             row=breaks[0].row_id))
    sealed = checkpoints.seal() or checkpoints.latest()
    ledger_seq, ledger_hash = _head(LEDGER_CHAIN)
    signed = AuditSignOff(auditor_id=user.id,
                          checkpoint_seq=sealed.seq if sealed else 0,
                          checkpoint_hash=sealed.row_hash if sealed else audit.GENESIS,
                          ledger_seq=ledger_seq, ledger_hash=ledger_hash, note=note.strip())
    db.session.add(signed)
    db.session.commit()
    return signed


def broken_sign_offs() -> list[tuple[int, str, int]]:
    """(sign-off id, chain, seq) of attested heads that no longer carry the attested hash."""
    problems = []
    legacy = db.session.scalar(select(Checkpoint.legacy).where(Checkpoint.legacy.is_not(None))
                               .order_by(Checkpoint.seq).limit(1)) or {}
    for signed in db.session.scalars(select(AuditSignOff).order_by(AuditSignOff.id)):
        if signed.checkpoint_seq:
            digest = db.session.scalar(select(Checkpoint.row_hash)
                                       .where(Checkpoint.seq == signed.checkpoint_seq))
            if digest != signed.checkpoint_hash:
                problems.append((signed.id, Checkpoint.CHAIN, signed.checkpoint_seq))
        elif signed.log_seq:
            # Signed on the old global chain: the conversion checkpoint attests that row.
            attested = legacy.get("sign_offs", {}).get(str(signed.id))
            if attested != [signed.log_seq, signed.log_hash]:
                problems.append((signed.id, LOG_CHAIN, signed.log_seq))
        if signed.ledger_seq:
            row_hash = db.session.scalar(select(LedgerEntry.row_hash)
                                         .where(LedgerEntry.seq == signed.ledger_seq))
            if row_hash != signed.ledger_hash:
                problems.append((signed.id, LEDGER_CHAIN, signed.ledger_seq))
    return problems


def history() -> list[AuditSignOff]:
    """All sign-offs, newest first."""
    return list(db.session.scalars(select(AuditSignOff).order_by(AuditSignOff.id.desc())))
