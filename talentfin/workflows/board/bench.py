"""人才板's benchmark profile: enough of the listing book for the queue benchmark.

No ENGINE or DOSSIER (those are the loan's); the board's own effects are not replayed.
"""

import random

from talentfin.workflows.board.demo import APPROVER
from talentfin.workflows.board.demo import OFFICER
from talentfin.workflows.board.labels import TIERS

STATE_WEIGHTS = {"draft": 4, "park_review": 3, "broker_dd": 4, "broker_approval": 2,
                 "listed": 30, "rejected": 12, "withdrawn": 6}
PARTNER_STAFF = {OFFICER: 3, APPROVER: 2}
QUEUE_ROLE = OFFICER
INFO_REQUEST = {"fields": ["shareholders"], "documents": ["articles"],
                "note": "请补充公司章程。"}
EFFECTS: dict = {}


def request(tier: str, rng: random.Random) -> dict:
    """The tier a founder asks to list on, and the firm's shareholders."""
    return {"requested_amount_fen": None, "requested_tier": rng.choice(tuple(TIERS)),
            "shareholders": rng.randrange(2, 40), "details": {}}


def snapshot(row: dict) -> dict:
    """The listing's fields in the submission snapshot."""
    return {"requested_tier": row["requested_tier"], "shareholders": row["shareholders"]}
