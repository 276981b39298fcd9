"""人才投's benchmark profile: enough of the fund's deal flow for the queue benchmark.

No ENGINE or DOSSIER (those figures are the loan's); the fund's own effects are not
replayed, so the ticket stays empty and the amount that counts is the one asked for.
"""

import random

from talentfin.workflows.equity.demo import APPROVER
from talentfin.workflows.equity.demo import OFFICER

STATE_WEIGHTS = {"draft": 4, "park_review": 3, "prescreen": 4, "due_diligence": 3,
                 "rejected": 25, "withdrawn": 8}
PARTNER_STAFF = {OFFICER: 3, APPROVER: 2, "fund_ic": 3}
QUEUE_ROLE = OFFICER
INFO_REQUEST = {"fields": ["amount"], "documents": ["financials"],
                "note": "请补充最近一期财务报表。"}
EFFECTS: dict = {}


def request(tier: str, rng: random.Random) -> dict:
    """The investment a founder asks for and the valuation asked."""
    amount = rng.randrange(100, 3000) * 1_000_000
    return {"requested_amount_fen": amount, "asked_pre_money_fen": amount * rng.randrange(4, 12),
            "staff": rng.randrange(5, 150), "cap_table": [], "details": {}}


def snapshot(row: dict) -> dict:
    """The equity fields in the submission snapshot."""
    return {"asked_pre_money_fen": row["asked_pre_money_fen"]}
