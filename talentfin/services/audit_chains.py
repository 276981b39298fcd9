"""Every tamper-evident chain verified end to end: the transition log (one chain per
application, its head on the application row), the pool's ledger and the checkpoints."""

from itertools import groupby

from sqlalchemy import select

from talentfin import audit
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import TransitionLog
from talentfin.pool.ledger import entry_payload
from talentfin.pool.models import CHAIN as LEDGER_CHAIN
from talentfin.pool.models import LedgerEntry
from talentfin.services import checkpoints

_ROWS = 10_000  # rows fetched at a time


def verify_all() -> list[audit.Break]:
    """Verify every chain and checkpoint; the breaks found (the first of each chain)."""
    breaks = verify_log()
    rows = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq))
    found = audit.verify(LEDGER_CHAIN, rows.yield_per(1000), entry_payload)
    if found:
        breaks.append(found)
    breaks.extend(checkpoints.verify())
    return breaks


def verify_log() -> list[audit.Break]:
    """Each application's chain against the head on its application row; a chain whose
    application is gone counts as broken (its head went with it)."""
    heads = dict((id_, (seq, digest)) for id_, seq, digest in db.session.execute(
        select(Application.id, Application.log_seq, Application.log_hash)).yield_per(_ROWS))
    rows = db.session.scalars(select(TransitionLog).order_by(
        TransitionLog.application_id, TransitionLog.seq).execution_options(
            yield_per=_ROWS))
    breaks = []
    for application_id, chain in groupby(rows, key=lambda row: row.application_id):
        head = heads.pop(application_id, (0, audit.GENESIS))
        found = audit.verify_links(TransitionLog.CHAIN, chain, TransitionLog.chain_payload,
                                   head, application_id)
        if found:
            breaks.append(found)
    # An application whose head has moved but whose rows are all gone.
    for application_id, (seq, digest) in heads.items():
        if seq or digest != audit.GENESIS:
            breaks.append(audit.Break(TransitionLog.CHAIN, 0, seq,
                                      f"application {application_id}: rows are missing at "
                                      "the end of the chain", "missing", application_id))
    return breaks
