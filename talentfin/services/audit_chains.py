"""Both tamper-evident chains verified end to end: the transition log and the pool's ledger."""

from sqlalchemy import select

from talentfin import audit
from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.pool.ledger import entry_payload
from talentfin.pool.models import CHAIN as LEDGER_CHAIN
from talentfin.pool.models import LedgerEntry

CHAINS = ((TransitionLog.CHAIN, TransitionLog, TransitionLog.chain_payload),
          (LEDGER_CHAIN, LedgerEntry, entry_payload))


def verify_all() -> list[audit.Break]:
    """Verify every chain (the transition log and the ledger); the breaks found."""
    breaks = []
    for name, model, payload_of in CHAINS:
        rows = db.session.scalars(select(model).order_by(model.seq))
        found = audit.verify(name, rows.yield_per(1000), payload_of)
        if found:
            breaks.append(found)
    return breaks
