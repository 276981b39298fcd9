"""人才板's benchmark profile: enough of the listing book for the queue benchmark.

No ENGINE or DOSSIER (those are the loan's). Of the board's own effects, those that show
the file to the exchange and to the pool are replayed (their queues read the copies).
"""

import random

from talentfin.workflows.board import financing
from talentfin.workflows.board import listing
from talentfin.workflows.board.demo import APPROVER
from talentfin.workflows.board.demo import OFFICER
from talentfin.workflows.board.labels import TIERS

STATE_WEIGHTS = {"draft": 4, "park_review": 3, "broker_dd": 4, "broker_approval": 2,
                 "listed": 30, "rejected": 12, "withdrawn": 6}
PARTNER_STAFF = {OFFICER: 3, APPROVER: 2}
QUEUE_ROLE = OFFICER
INFO_REQUEST = {"fields": ["shareholders"], "documents": ["articles"],
                "note": "请补充公司章程。"}


def _route_to_exchange(row, at, actor, company, rng) -> dict:
    row["exchange_routed_at"] = at
    return {}


def _record_request(row, at, actor, company, rng) -> dict:
    row.update(reward_year=at.year - 1, reward_requested_at=at, reward_recommended_by_id=None)
    return {"year": row["reward_year"]}


EFFECTS = {listing.route_to_exchange: _route_to_exchange,
           financing.record_request: _record_request}


def request(tier: str, rng: random.Random) -> dict:
    """The tier a founder asks to list on, and the firm's shareholders."""
    return {"requested_amount_fen": None, "requested_tier": rng.choice(tuple(TIERS)),
            "shareholders": rng.randrange(2, 40), "details": {}}


def snapshot(row: dict) -> dict:
    """The listing's fields in the submission snapshot."""
    return {"requested_tier": row["requested_tier"], "shareholders": row["shareholders"]}
