"""Walking a covered loan further (demo data and test factories share these steps)."""

import io
from datetime import date
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from talentfin.models import CLAIM_DOCUMENTS
from talentfin.models import Application
from talentfin.models import User
from talentfin.services.uploads import save_attachment

COVERED_PATH = ["submit", "park_approve", "recommend", "bank_approve", "contract", "disburse",
                "file_with_pool"]
NPL_PATH = [*COVERED_PATH, "report_overdue", "classify_npl"]
SERVICING_PATHS = {
    "active": [*COVERED_PATH, "report_repayment"],
    "overdue": [*COVERED_PATH, "report_overdue"],
    "npl": NPL_PATH,
    "claim_review": [*NPL_PATH, "lodge_claim"],
    "committee_review": [*NPL_PATH, "lodge_claim", "assess_claim"],
    "compensated": [*NPL_PATH, "lodge_claim", "assess_claim", "approve_compensation"],
    "in_recovery": [*NPL_PATH, "lodge_claim", "assess_claim", "approve_compensation",
                    "report_recovery"],
}


def servicing_step(trigger: str, application: Application, officer: User, pool_admin: User,
                   committee: User, today: date) -> tuple[User, str, dict] | None:
    """Actor, comment and form data of a post-filing step (None for other triggers)."""
    outstanding = application.outstanding_fen
    if outstanding is None:
        outstanding = application.disbursed_amount_fen or 0
    steps = {
        "report_repayment": (officer, "", {
            "due_on": today - timedelta(days=3), "paid_on": today - timedelta(days=4),
            "principal_fen": outstanding // 10, "interest_fen": outstanding * 365 // 120_000}),
        "report_overdue": (officer, "", {"overdue_since": today - timedelta(days=120),
                                         "classification": "special_mention"}),
        "classify_npl": (officer, "", {"classification": "substandard"}),
        "lodge_claim": (officer, "", {"loss_fen": outstanding, "other_fen": 0}),
        "assess_claim": (pool_admin, "材料齐全，计算无误。", {}),
        "approve_compensation": (committee, "同意补偿。", {}),
        "report_recovery": (officer, "", {"received_on": today - timedelta(days=1),
                                          "gross_fen": outstanding // 5,
                                          "costs_fen": outstanding // 50}),
    }
    return steps.get(trigger)


def upload_claim_documents(application: Application, officer: User, content: bytes) -> None:
    """The bank uploads every document a claim needs."""
    for kind in CLAIM_DOCUMENTS:
        storage = FileStorage(io.BytesIO(content), filename=f"{kind}.pdf")
        save_attachment(application, kind, storage, officer)
