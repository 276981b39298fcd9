"""Auditors' sign-offs: verify both chains now, then record their heads as attested.

A sign-off makes later tampering doubly visible: ``audit verify`` recomputes the chains
and also checks that every signed head is still the row it was when the auditor signed.
"""

from sqlalchemy import select

from talentfin import audit
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import AuditSignOff
from talentfin.models import ChainHead
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.pool.models import CHAIN as LEDGER_CHAIN
from talentfin.pool.models import LedgerEntry
from talentfin.services.audit_chains import verify_all

LOG_CHAIN = TransitionLog.CHAIN


class SignOffError(ValueError):
    """A sign-off that cannot be given; the message says why."""


def _head(chain: str) -> tuple[int, str]:
    head = db.session.get(ChainHead, chain)
    return (head.seq, head.last_hash) if head else (0, audit.GENESIS)


def sign_off(user: User, note: str) -> AuditSignOff:
    """Verify both chains and record their heads under the auditor's name (the caller
    checked that the user may sign: ``policy.can(user, "sign", AuditSignOff)``)."""
    breaks = verify_all()
    if breaks:
        raise SignOffError(_("The audit chain does not verify at %(chain)s row %(row)s; "
                             "nothing can be signed off.", chain=breaks[0].chain,
                             row=breaks[0].row_id))
    log_seq, log_hash = _head(LOG_CHAIN)
    ledger_seq, ledger_hash = _head(LEDGER_CHAIN)
    signed = AuditSignOff(auditor_id=user.id, log_seq=log_seq, log_hash=log_hash,
                          ledger_seq=ledger_seq, ledger_hash=ledger_hash, note=note.strip())
    db.session.add(signed)
    db.session.commit()
    return signed


def broken_sign_offs() -> list[tuple[int, str, int]]:
    """(sign-off id, chain, seq) of attested rows that no longer carry the attested hash."""
    problems = []
    for signed in db.session.scalars(select(AuditSignOff).order_by(AuditSignOff.id)):
        for model, seq, digest, chain in (
                (TransitionLog, signed.log_seq, signed.log_hash, LOG_CHAIN),
                (LedgerEntry, signed.ledger_seq, signed.ledger_hash, LEDGER_CHAIN)):
            if seq == 0:
                continue
            row_hash = db.session.scalar(select(model.row_hash).where(model.seq == seq))
            if row_hash != digest:
                problems.append((signed.id, chain, seq))
    return problems


def history() -> list[AuditSignOff]:
    """All sign-offs, newest first."""
    return list(db.session.scalars(select(AuditSignOff).order_by(AuditSignOff.id.desc())))
