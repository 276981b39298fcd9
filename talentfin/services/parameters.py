"""The policy table's keys: the core's, the pool's and each registered product's.

Every key has a default (written by the first migration and ``seed-policy``), the source
of that default and the names the pages show. Decisions read the table
(``talentfin.models.policy``), never these defaults.
"""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _l
from talentfin.models import PolicyParameter
from talentfin.models.policy import PROGRAMME_START
from talentfin.models.policy import PolicyKey
from talentfin.pool.keys import POLICY_KEYS as POOL_KEYS
from talentfin.workflows.registry import products

CORE_KEYS = (
    PolicyKey("info_request_expiry_working_days", "10",
              "common route",
              _l("Request for information expires after"),
              _l("Request for information expires after (working days)"),
              _l("Common route: 10 working days to answer"),
              at_least_one=True),
    PolicyKey("upload_retention_days", "365",
              "proposed: uploads of rejected, withdrawn or expired applications kept a year",
              _l("Uploads of ended applications kept for"),
              _l("Uploads of rejected, withdrawn or expired applications kept for (days)"),
              _l("Proposed: a year after the application ended, then the files are removed "
                 "(their names and hashes, the dossiers and the log stay)"),
              at_least_one=True),
)


# The units a key's value is stored in, read from its name (``unit_of``).
UNITS = ("fen", "bp", "working_days", "days", "months", "years", "times", "count")


def unit_of(key: str) -> str:
    """The unit a key's value is stored in: an amount in fen, a ratio in basis points, a
    number of working days, days, months or years, a multiple, or a plain count (of
    people, of shareholders)."""
    for suffix in ("fen", "bp", "working_days", "days", "months", "years"):
        if key.endswith(f"_{suffix}"):
            return suffix
    if key == "npl_days_overdue":
        return "days"
    if key == "leverage_limit":
        return "times"
    return "count"


def policy_keys() -> dict[str, PolicyKey]:
    """Every key of the policy table, by name: the core's, the pool's, the products'."""
    keys = [*CORE_KEYS, *POOL_KEYS]
    for product in products():
        keys.extend(product.policy_keys)
    return {key.key: key for key in keys}


def seed_defaults() -> int:
    """Write any default parameter missing from the table; returns how many were added."""
    present = set(db.session.scalars(select(PolicyParameter.key).distinct()))
    added = 0
    for key in policy_keys().values():
        if key.key in present:
            continue
        db.session.add(PolicyParameter(key=key.key, value=key.default,
                                       effective_from=PROGRAMME_START, source=key.source))
        added += 1
    db.session.commit()
    return added
