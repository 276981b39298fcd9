"""Walking a covered loan further (demo data and test factories share these steps)."""

import io
from datetime import date
from datetime import timedelta

from dateutil.relativedelta import relativedelta
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
    """Actor, comment and form data of a post-filing step (None for other triggers).

    Dates follow the loan's own calendar: the first instalment falls due a month after the
    disbursement, arrears start the day after it was missed, a recovery comes in after the
    claim. A date that would lie in the future is today, so nothing precedes the
    disbursement (or the claim) and nothing lies ahead of ``today``.
    """
    outstanding = application.outstanding_fen
    if outstanding is None:
        outstanding = application.disbursed_amount_fen or 0
    first_due = (application.disbursed_on or today) + relativedelta(months=1)
    steps = {
        "report_repayment": (officer, "", {
            "due_on": first_due, "paid_on": min(today, first_due - timedelta(days=1)),
            "principal_fen": outstanding // 10, "interest_fen": outstanding * 365 // 120_000}),
        "report_overdue": (officer, "", {"overdue_since": min(today, first_due + timedelta(days=1)),
                                         "classification": "special_mention"}),
        "classify_npl": (officer, "", {"classification": "substandard"}),
        "lodge_claim": (officer, "", {"loss_fen": outstanding, "other_fen": 0}),
        "assess_claim": (pool_admin, "材料齐全，计算无误。", {}),
        "approve_compensation": (committee, "同意补偿。", {}),
        "report_recovery": (officer, "", {"received_on": today,
                                          "gross_fen": outstanding // 5,
                                          "costs_fen": outstanding // 50}),
    }
    return steps.get(trigger)


def upload_claim_documents(application: Application, officer: User, content: bytes) -> None:
    """The bank uploads every document a claim needs."""
    for kind in CLAIM_DOCUMENTS:
        storage = FileStorage(io.BytesIO(content), filename=f"{kind}.pdf")
        save_attachment(application, kind, storage, officer)
