"""Labels of the core's own codes (the audit chains); a product's labels are its own
(``talentfin.workflows.labels``), the pool's are ``talentfin.pool.labels``."""

from talentfin.i18n import _l

CHAINS = {"transition_log": _l("Transition log"), "ledger": _l("Ledger"),
          "checkpoints": _l("Checkpoints")}
CHAIN_BREAKS = {
    "sequence": _l("a row is missing or out of order"),
    "previous": _l("the row does not link to the row before it"),
    "content": _l("the row was changed after it was written"),
    "missing": _l("rows are missing at the end of the chain"),
    "checkpoint": _l("the checkpoint no longer matches the chain heads it sealed"),
}


def chain_label(chain: str | None) -> str:
    """Label of an audit chain."""
    return str(CHAINS.get(chain or "", chain or ""))


def chain_break_label(kind: str | None) -> str:
    """What a break in an audit chain means."""
    return str(CHAIN_BREAKS.get(kind or "", kind or ""))
