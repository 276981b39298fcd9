"""人才债's allocations in the demo: the founders ask the bond open for allocations
(``bond.issue_demo`` seeds it first) and stand in every state of an allocation, walked
through the real engine by the park and the underwriter's officer and approver."""

from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.workflows.bond.issue_demo import UNDERWRITER
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.bond.servicing import repayments_of

ORGANISATIONS = ()  # the underwriter is seeded with the bonds
STAFF = ()
OFFICER, APPROVER = "underwriter_officer", "underwriter_approver"

WALKS = tuple((target, index % 4, UNDERWRITER) for index, target in enumerate((
    "draft", "park_review", "info_requested", "credit_review", "underwriter_info_requested",
    "allocation_approval", "allocated", "contracted", "disbursed", "repaying", "overdue",
    "defaulted", "closed", "declined", "cancelled", "rejected", "withdrawn", "expired")))

REVIEWED = ["submit", "park_approve"]
RECOMMENDED = [*REVIEWED, "recommend"]
ALLOCATED = [*RECOMMENDED, "approve_allocation"]
PAID = [*ALLOCATED, "sign_contract", "disburse"]
REPAYMENTS = 4  # a quarter of the principal each, with the quarter's interest
PAID_DAYS_AGO = 120  # the contract signed and the money paid out
PATHS = {
    "draft": [], "park_review": ["submit"], "info_requested": ["submit", "park_request_info"],
    "expired": ["submit", "park_request_info", "expire"],
    "rejected": ["submit", "park_reject"], "withdrawn": ["submit", "withdraw"],
    "credit_review": REVIEWED,
    "underwriter_info_requested": [*REVIEWED, "underwriter_request_info"],
    "allocation_approval": RECOMMENDED, "declined": [*RECOMMENDED, "decline"],
    "allocated": ALLOCATED, "cancelled": [*ALLOCATED, "cancel_allocation"],
    "contracted": [*ALLOCATED, "sign_contract"],
    "disbursed": [*PAID],
    "repaying": [*PAID, "record_repayment"],
    "overdue": [*PAID, "record_repayment", "report_arrears"],
    "defaulted": [*PAID, "record_repayment", "report_arrears", "declare_default"],
    "closed": [*PAID, *["record_repayment"] * REPAYMENTS, "record_repaid"],
}
PAPERS_BEFORE = {"sign_contract": ("onlending_contract",),
                 "disburse": ("disbursement_voucher",),
                 "declare_default": ("collection_records",)}
WAITED_BEFORE = {"expire": 30}


def _open_bond() -> BondIssue:
    return db.session.scalar(select(BondIssue).where(BondIssue.status == "allocating")
                             .order_by(BondIssue.id).limit(1))


def request(index: int, underwriter_id: int, _draft: BondAllocation) -> dict:
    """The founder's application for an allocation of the open bond."""
    return {"partner_org_id": underwriter_id, "bond_id": _open_bond().id,
            "requested_amount_fen": (50 + 25 * (index % 3)) * 10_000_00,
            "requested_term_months": 24,
            "purpose": "用于研发投入与原材料采购，按用款计划分期使用。"}


def disbursed_days_ago(_target: str) -> int:
    """The walk's day is the seeding day (the steps date the contract and the money
    ``PAID_DAYS_AGO`` themselves)."""
    return 0


def _repayment(application: BondAllocation, today: date) -> dict:
    """The next of the loan's quarterly repayments, paid on its due day (today when that is
    still ahead: early): a quarter of the principal (the last one what is left) and a
    quarter's interest on what was owed."""
    done = len(repayments_of(application))
    owed = application.outstanding
    principal = owed if done + 1 >= REPAYMENTS else application.allocated_fen // REPAYMENTS
    due = application.disbursed_on + relativedelta(months=3 * (done + 1))
    return {"due_on": due, "paid_on": min(due, today), "principal_fen": principal,
            "interest_fen": owed * application.onlending_rate_bp // 10_000 // 4}


def step(trigger: str, application: BondAllocation, people: SimpleNamespace, today: date,
         _days_ago: int = 0) -> tuple[object, str, dict]:
    """(actor, comment, form data) of one demo step (the founder fires the founder's)."""
    coupon = application.bond.coupon_bp or 0
    repayment = _repayment(application, today) if trigger == "record_repayment" else {}
    steps = {
        "submit": (None, "", {}), "withdraw": (None, "已通过银行贷款解决资金需求。", {}),
        "park_approve": (people.park, "企业经营正常，同意推荐申请债券额度。", {}),
        "park_request_info": (people.park, "请补充用款计划。",
                              {"fields": ["purpose"], "documents": ["use_of_funds"]}),
        "park_reject": (people.park, "企业不在本园区实际经营。", {}),
        "underwriter_request_info": (people.officer, "请补充最新一期征信报告。",
                                     {"fields": [], "documents": ["credit_report"]}),
        "recommend": (people.officer, "经营稳健，建议按申请额度分配。",
                      {"amount_fen": application.requested_amount_fen,
                       "rate_bp": coupon + 100, "term_months": 24}),
        "approve_allocation": (people.approver, "同意分配。", {}),
        "decline": (people.approver, "资产负债率偏高，暂不分配。", {}),
        "cancel_allocation": (people.approver, "企业放弃本次额度。", {}),
        # The money went out four months ago: a quarter's repayment has fallen due since.
        "sign_contract": (people.officer, "", {"contract_no": f"WTDK-{application.id:06d}",
                                               "signed_on": today - timedelta(days=PAID_DAYS_AGO)}),
        "disburse": (people.officer, "", {"amount_fen": application.allocated_fen,
                                          "disbursed_on": today - timedelta(days=PAID_DAYS_AGO)}),
        "record_repayment": (people.officer, "", repayment),
        "report_arrears": (people.officer, "本期利息及本金逾期未付，已电话及上门催收。",
                           {"overdue_since": today - timedelta(days=PAID_DAYS_AGO - 25),
                            "classification": "special_mention"}),
        "declare_default": (people.approver, "多次催收无果，企业已停产，认定违约。",
                            {"classification": "substandard"}),
        "record_repaid": (people.officer, "贷款已结清。", {}),
        "expire": (None, "", {}),
    }
    return steps[trigger]
