"""人才债's benchmark profile (allocations of bond proceeds to firms), for the queue benchmark.

The issues themselves (``bond_issue``) are a few dozen rows filed by underwriters, not a
founders' book, so they have no profile. No ENGINE or DOSSIER (those are the loan's).
"""

import random

from talentfin.workflows.bond.labels import APPROVER
from talentfin.workflows.bond.labels import OFFICER

STATE_WEIGHTS = {"draft": 4, "park_review": 3, "credit_review": 4, "allocation_approval": 2,
                 "rejected": 15, "withdrawn": 6}
PARTNER_STAFF = {OFFICER: 3, APPROVER: 2}
QUEUE_ROLE = OFFICER
INFO_REQUEST = {"fields": ["amount"], "documents": ["audited_accounts"],
                "note": "请补充近三年审计报告。"}
EFFECTS: dict = {}


def request(tier: str, rng: random.Random) -> dict:
    """The share of proceeds a founder asks for, and its term."""
    return {"requested_amount_fen": rng.randrange(50, 2000) * 1_000_000,
            "requested_term_months": rng.choice((24, 36)), "details": {}}


def snapshot(row: dict) -> dict:
    """The allocation's fields in the submission snapshot."""
    return {"requested_term_months": row["requested_term_months"]}
