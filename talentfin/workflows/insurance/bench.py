"""人才险's benchmark profile: enough of an insurance book for the queue benchmark.

``talentfin.bench`` seeds every product with a profile; the figures of the engine and the
dossier are the loan's (the first product), so this profile has no ENGINE or DOSSIER.
The insurer's own effects are not replayed: their columns stay empty, which the queue does
not read (the amount that counts falls back to the sum asked for). The subsidy request is:
from it on the pool sees the policy (its queue's partial index reads the copy).
"""

import random

from talentfin.workflows.insurance import premiums
from talentfin.workflows.insurance.labels import APPROVER
from talentfin.workflows.insurance.labels import COVERS
from talentfin.workflows.insurance.labels import OFFICER

# Most of a grown book is policies in force or ended; a small, recent part waits.
STATE_WEIGHTS = {"draft": 4, "park_review": 3, "underwriting": 4, "underwriting_approval": 2,
                 "bound": 20, "premium_paid": 25, "rejected": 12, "withdrawn": 6}
PARTNER_STAFF = {OFFICER: 3, APPROVER: 2}
QUEUE_ROLE = OFFICER
INFO_REQUEST = {"fields": ["cover"], "documents": ["business_licence"],
                "note": "请补充营业执照副本。"}


def _record_subsidy_request(row, at, actor, company, rng) -> dict:
    row["subsidy_requested_at"] = row["subsidy_requested_at"] or at
    return {}


EFFECTS = {premiums.record_subsidy_request: _record_subsidy_request}
TIER_LIMIT_YUAN = {"A": 5_000_000, "B": 3_000_000, "C": 2_000_000, "D": 1_000_000}


def request(tier: str, rng: random.Random) -> dict:
    """What a founder of this tier asks to insure, and for how long."""
    return {"requested_amount_fen": rng.randrange(10, TIER_LIMIT_YUAN[tier] // 10_000 + 1)
            * 1_000_000,
            "cover": rng.choice(tuple(COVERS)), "requested_period_months": 12, "details": {}}


def snapshot(row: dict) -> dict:
    """The insurance fields in the submission snapshot."""
    return {"cover": row["cover"], "requested_period_months": row["requested_period_months"]}
