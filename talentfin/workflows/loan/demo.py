"""The loan's demo: which states the demo loans end in, the way to each, and the data each
step is fired with (the demo and the test factories walk loans through the real engine).

Dates follow the loan's own calendar: the first instalment falls due a month after the
disbursement, arrears start the day after it was missed, a recovery comes in after the
claim; a date that would lie in the future is today.
"""

from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta

from talentfin.workflows.loan.models import LoanApplication
from talentfin.workflows.loan.servicing import CLAIM_DOCUMENTS

# Which state each demo loan ends in, for which founder (index), with which bank (code).
WALKS = (
    ("draft", 0, "bank-1"), ("park_review", 0, "bank-1"), ("info_requested", 1, "bank-1"),
    ("partner_review", 0, "bank-1"), ("bank_approval", 1, "bank-1"),
    ("bank_info_requested", 0, "bank-1"), ("approved", 1, "bank-1"),
    ("contracted", 0, "bank-1"), ("disbursed", 1, "bank-1"), ("covered", 0, "bank-1"),
    ("not_covered", 1, "bank-2"), ("rejected", 1, "bank-2"), ("withdrawn", 0, "bank-2"),
    ("expired", 1, "bank-2"), ("partner_review", 1, "bank-2"),
    # After the filing: repayments, arrears, claims, compensation, recovery.
    ("active", 2, "bank-1"), ("overdue", 2, "bank-1"), ("npl", 3, "bank-1"),
    ("claim_review", 3, "bank-1"), ("committee_review", 2, "bank-2"),
    ("compensated", 3, "bank-2"), ("in_recovery", 2, "bank-1"),
)

BANK_PATH = ["submit", "park_approve", "recommend", "bank_approve"]
COVERED_PATH = [*BANK_PATH, "contract", "disburse", "file_with_pool"]
NPL_PATH = [*COVERED_PATH, "report_overdue", "classify_npl"]
PATHS = {
    "draft": [],
    "park_review": ["submit"],
    "info_requested": ["submit", "park_request_info"],
    "expired": ["submit", "park_request_info", "expire"],
    "partner_review": ["submit", "park_approve"],
    "bank_approval": ["submit", "park_approve", "recommend"],
    "bank_info_requested": ["submit", "park_approve", "bank_request_info"],
    "approved": BANK_PATH,
    "rejected": ["submit", "park_approve", "recommend", "bank_reject"],
    "withdrawn": ["submit", "withdraw"],
    "contracted": [*BANK_PATH, "contract"],
    "disbursed": [*BANK_PATH, "contract", "disburse"],
    "covered": COVERED_PATH,
    "not_covered": [*BANK_PATH, "contract", "disburse", "lapse_filing"],
    "active": [*COVERED_PATH, "report_repayment"],
    "overdue": [*COVERED_PATH, "report_overdue"],
    "npl": NPL_PATH,
    "claim_review": [*NPL_PATH, "lodge_claim"],
    "committee_review": [*NPL_PATH, "lodge_claim", "assess_claim"],
    "compensated": [*NPL_PATH, "lodge_claim", "assess_claim", "approve_compensation"],
    "in_recovery": [*NPL_PATH, "lodge_claim", "assess_claim", "approve_compensation",
                    "report_recovery"],
}
SERVICING_STATES = ("active", "overdue", "npl", "claim_review", "committee_review",
                    "compensated", "in_recovery")
# How the bank secures each demo loan (pure credit where not named). The loans the insurance
# demo's loan-guarantee policies guarantee are secured by that guarantee (its ``request``
# takes the firm's guaranteed loans first). The claims before the committee, compensated and
# in recovery are on loans secured by collateral or a pledge, none its firm's first loan:
# computed at the 70 % base, without the 5 points; the claim under the pool's review is on a
# pure-credit loan, at 75 %.
SECURED = {"disbursed": "guarantee", "covered": "guarantee", "active": "guarantee",
           "committee_review": "collateral", "compensated": "collateral",
           "in_recovery": "pledge"}
# Documents the bank uploads before a step (its claim papers before lodging the claim).
PAPERS_BEFORE = {"lodge_claim": CLAIM_DOCUMENTS}
# Days a state has waited before a step (nobody answered the request for 30 days).
WAITED_BEFORE = {"expire": 30}


def request(index: int, bank_id: int, _draft: LoanApplication | None = None) -> dict:
    """The founder's request of the index-th demo loan (500,000 yuan and up)."""
    return {
        "partner_org_id": bank_id, "requested_amount_fen": (50 + 10 * index) * 10_000 * 100,
        "requested_term_months": 12 * (1 + index % 3),
        "purpose": "研发投入与市场拓展：采购测试设备、扩充研发团队。",
        "details": {"annual_revenue_fen": 1_200_000_000, "net_profit_fen": 86_000_000,
                    "employees": 28},
    }


def disbursed_days_ago(target: str) -> int:
    """How long ago the demo loan was paid out.

    The unfiled loan is past the 90-day filing window, so that it lapses. A loan with
    repayments, arrears or a claim was paid out 75 days ago (filed today, inside the window),
    so that its first instalment fell due a month later and was paid or missed before today.
    The others were paid out last week.
    """
    if target == "not_covered":
        return 100
    if target in SERVICING_STATES:
        return 75
    return 5


def step(trigger: str, application: LoanApplication, people: SimpleNamespace, today: date,
         days_ago: int = 5) -> tuple[object, str, dict]:
    """(actor, comment, form data) of one demo step; ``people`` has park, officer, approver,
    pool and committee (the founder fires the founder's steps)."""
    outstanding = application.outstanding if application.disbursed_on else 0
    disbursed = today - timedelta(days=days_ago)
    first_due = (application.disbursed_on or today) + relativedelta(months=1)
    amount = application.requested_amount_fen
    bank = application.partner
    steps = {
        "submit": (None, "", {}),
        "resubmit": (None, "", {}),
        "withdraw": (None, "企业已获得其他融资。", {}),
        "park_approve": (people.park, "企业在园区内正常经营，人才认定属实，同意推荐。", {}),
        "park_request_info": (people.park, "请补充最近一期财务报表。",
                              {"fields": ["annual_revenue"],
                               "documents": ["financial_statements"]}),
        "recommend": (people.officer, "经营稳定，建议授信。",
                      {"amount_fen": amount, "rate_bp": 365, "term_months": 24,
                       "security": SECURED.get(getattr(people, "target", ""), "pure_credit")}),
        "bank_request_info": (people.officer, "请补充商业计划书中的市场数据。",
                              {"fields": [], "documents": ["business_plan"]}),
        "bank_approve": (people.approver, "同意按推荐条件发放。", {}),
        "bank_reject": (people.approver, "第一还款来源不足，暂不授信。", {}),
        "contract": (people.officer, "", {
            "contract_no": f"{bank.code.upper() if bank else 'HT'}-HT-{application.id}",
            "signed_on": disbursed - timedelta(days=5)}),
        "disburse": (people.officer, "", {"amount_fen": application.recommended_amount_fen,
                                          "disbursed_on": disbursed}),
        "file_with_pool": (people.pool, "备案材料齐全，予以备案。", {}),
        "lapse_filing": (None, "", {}),
        "expire": (None, "", {}),
        "report_repayment": (people.officer, "", {
            "due_on": first_due, "paid_on": min(today, first_due - timedelta(days=1)),
            "principal_fen": outstanding // 10, "interest_fen": outstanding * 365 // 120_000}),
        "report_overdue": (people.officer, "", {
            "overdue_since": min(today, first_due + timedelta(days=1)),
            "classification": "special_mention"}),
        "classify_npl": (people.officer, "", {"classification": "substandard"}),
        "lodge_claim": (people.officer, "", {"loss_fen": outstanding, "other_fen": 0}),
        "assess_claim": (people.pool, "材料齐全，计算无误。", {}),
        "approve_compensation": (people.committee, "同意补偿。", {}),
        "report_recovery": (people.officer, "", {"received_on": today,
                                                 "gross_fen": outstanding // 5,
                                                 "costs_fen": outstanding // 50}),
    }
    return steps[trigger]


# The loan's partners in the demo and their staff (the README lists the accounts).
ORGANISATIONS = (
    ("bank", "bank-1", "青岛科创银行", "Qingdao Sci-Tech Bank"),
    ("bank", "bank-2", "海岸商业银行", "Coastal Commercial Bank"),
)
STAFF = (
    ("officer@bank1.demo.cn", "李信贷", "bank_officer", "bank-1"),
    ("approver@bank1.demo.cn", "赵审批", "bank_approver", "bank-1"),
    ("officer@bank2.demo.cn", "钱信贷", "bank_officer", "bank-2"),
    ("approver@bank2.demo.cn", "孙审批", "bank_approver", "bank-2"),
)
OFFICER, APPROVER = "bank_officer", "bank_approver"  # who acts for the partner in ``step``
SERVICING_TRIGGERS = ("report_repayment", "report_overdue", "classify_npl", "lodge_claim",
                      "assess_claim", "approve_compensation", "report_recovery")
