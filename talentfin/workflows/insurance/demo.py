"""人才险's demo: an insurer with its terms and staff, and policies standing in every state,
walked through the real engine (the insurer's steps by its underwriter and approver, the
subsidy by the pool administrator).

Three policies guarantee demo loans (one each: a loan is guaranteed once); the others insure
R&D losses or a key person. Claims are made on R&D-loss policies: a guarantee claim needs a
non-performing loan, which the demo's loans reach before any policy exists. The lapsed and
the ended policy have their dates moved back before the scheduler's step (the transition
log keeps the seeding day).
"""

from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceOffer
from talentfin.workflows.insurance.quote import guaranteeable_loans
from talentfin.workflows.insurance.quote import other_guarantee
from talentfin.workflows.insurance.quote import requested_terms
from talentfin.workflows.insurance.underwriting import quoted_rate

ORGANISATIONS = (
    ("insurer", "insurer-laoshan", "崂山科技保险股份有限公司", "Laoshan Technology Insurance"),
)
STAFF = (
    ("underwriter@insurer.demo.cn", "周核保", "insurer_officer", "insurer-laoshan"),
    ("approver@insurer.demo.cn", "吴审批", "insurer_approver", "insurer-laoshan"),
)
OFFICER, APPROVER = "insurer_officer", "insurer_approver"
# The insurer's terms: a year's premium per sum insured, by cover.
OFFERS = (("loan_guarantee", 200), ("rd_loss", 150), ("key_person", 80))

WALKS = (
    ("draft", 0, "insurer-laoshan"), ("park_review", 1, "insurer-laoshan"),
    ("info_requested", 2, "insurer-laoshan"), ("underwriting", 3, "insurer-laoshan"),
    ("underwriting_approval", 0, "insurer-laoshan"),
    ("insurer_info_requested", 1, "insurer-laoshan"),
    ("counter_offered", 2, "insurer-laoshan"), ("accepted", 3, "insurer-laoshan"),
    ("bound", 1, "insurer-laoshan"), ("premium_paid", 2, "insurer-laoshan"),
    ("subsidy_review", 3, "insurer-laoshan"), ("subsidy_paid", 0, "insurer-laoshan"),
    ("claim_notified", 1, "insurer-laoshan"), ("claim_adjusting", 2, "insurer-laoshan"),
    ("claim_agreed", 3, "insurer-laoshan"), ("claim_paid", 0, "insurer-laoshan"),
    ("claim_denied", 1, "insurer-laoshan"), ("declined", 2, "insurer-laoshan"),
    ("refused", 3, "insurer-laoshan"), ("rejected", 0, "insurer-laoshan"),
    ("withdrawn", 1, "insurer-laoshan"), ("expired", 2, "insurer-laoshan"),
    ("lapsed", 3, "insurer-laoshan"), ("ended", 0, "insurer-laoshan"),
)
# Walks whose policy guarantees one of the founder's demo loans, and key-person covers.
GUARANTEES = ("bound", "premium_paid", "subsidy_paid")
KEY_PERSON = ("park_review", "accepted", "declined", "withdrawn")
COUNTERED = ("counter_offered", "refused")

UNDERWRITTEN = ["submit", "park_approve", "propose"]
BOUND = [*UNDERWRITTEN, "approve_acceptance", "bind"]
IN_FORCE = [*BOUND, "pay_premium"]
ADJUSTING = [*IN_FORCE, "notify_claim", "start_adjusting"]
PATHS = {
    "draft": [],
    "park_review": ["submit"],
    "info_requested": ["submit", "park_request_info"],
    "expired": ["submit", "park_request_info", "expire"],
    "rejected": ["submit", "park_reject"],
    "withdrawn": ["submit", "withdraw"],
    "underwriting": ["submit", "park_approve"],
    "insurer_info_requested": ["submit", "park_approve", "insurer_request_info"],
    "underwriting_approval": UNDERWRITTEN,
    "declined": [*UNDERWRITTEN, "decline"],
    "counter_offered": [*UNDERWRITTEN, "approve_counter"],
    "refused": [*UNDERWRITTEN, "approve_counter", "refuse_counter"],
    "accepted": [*UNDERWRITTEN, "approve_acceptance"],
    "bound": BOUND,
    "lapsed": [*BOUND, "lapse"],
    "premium_paid": IN_FORCE,
    "subsidy_review": [*IN_FORCE, "request_subsidy"],
    "subsidy_paid": [*IN_FORCE, "request_subsidy", "pay_subsidy"],
    "claim_notified": [*IN_FORCE, "notify_claim"],
    "claim_adjusting": ADJUSTING,
    "claim_agreed": [*ADJUSTING, "agree_claim"],
    "claim_paid": [*ADJUSTING, "agree_claim", "pay_claim"],
    "claim_denied": [*ADJUSTING, "deny_claim"],
    "ended": [*IN_FORCE, "request_subsidy", "pay_subsidy", "end_policy"],
}
# The founder's papers of a later stage, uploaded before the step that needs them.
PAPERS_BEFORE = {"pay_premium": ("premium_invoice",), "request_subsidy": ("bank_account",),
                 "start_adjusting": ("claim_form", "loss_evidence")}
WAITED_BEFORE = {"expire": 30}


def before_step(trigger: str, application: InsuranceApplication, _people: SimpleNamespace,
                today: date) -> None:
    """Only time brings a lapse or the end of a period: the policy's dates are moved back
    (its first premium 40 days unpaid; its period over two days ago)."""
    if trigger == "lapse":
        back = timedelta(days=40)
    elif trigger == "end_policy":
        back = timedelta(days=(application.ends_on - today).days + 2)
    else:
        return
    application.starts_on -= back
    application.ends_on -= back
    db.session.commit()


def seed(orgs: dict[str, Organisation]) -> list[str]:
    """The demo insurer's terms (once)."""
    insurer = orgs["insurer-laoshan"]
    done = []
    for cover, rate in OFFERS:
        if db.session.scalar(select(InsuranceOffer.id).where(
                InsuranceOffer.org_id == insurer.id, InsuranceOffer.cover == cover)) is None:
            db.session.add(InsuranceOffer(org_id=insurer.id, cover=cover, premium_rate_bp=rate))
            done.append(f"insurance terms {insurer.code}: {cover} at {rate} bp")
    db.session.commit()
    return done


def request(index: int, insurer_id: int, draft: InsuranceApplication) -> dict:
    """The founder's quote request of the index-th demo policy."""
    target = WALKS[index][0]
    base = {"partner_org_id": insurer_id, "purpose": "为研发项目及核心团队提供风险保障。"}
    if target in GUARANTEES:
        # The loans the bank secured by a guarantee first (the loan demo's), newest first.
        loans = sorted(guaranteeable_loans(draft.enterprise_id),
                       key=lambda loan: loan.security != "guarantee")
        loan = next((loan for loan in loans if other_guarantee(loan.id, draft.id) is None),
                    None)
        if loan is not None:
            return {**base, "cover": "loan_guarantee", "loan_id": loan.id,
                    "requested_amount_fen": loan.current_amount(),
                    "requested_period_months": None}
    if target in KEY_PERSON:
        return {**base, "cover": "key_person", "requested_amount_fen": 2_000_000_00,
                "requested_period_months": 12, "insured_name": "刘首席",
                "insured_id_number": "370212198808080012", "insured_position": "首席科学家"}
    return {**base, "cover": "rd_loss", "requested_amount_fen": (300 + 50 * index) * 10_000_00,
            "requested_period_months": 12 * (1 + index % 2),
            "project_name": "深海传感器样机研制"}


def disbursed_days_ago(_target: str) -> int:
    """Days back the walk's dates lie (none: a policy is never dated back)."""
    return 0


def step(trigger: str, application: InsuranceApplication, people: SimpleNamespace,
         today: date, _days_ago: int = 0) -> tuple[object, str, dict]:
    """(actor, comment, form data) of one demo step (the founder fires the founder's)."""
    terms = requested_terms(application)
    rate = quoted_rate(application)
    countered = getattr(people, "target", "") in COUNTERED
    proposal = {"proposal": "counter" if countered else "accept",
                "sum_insured_fen": terms.sum_insured_fen,
                "period_months": terms.period_months,
                "rate_bp": rate + (30 if countered else 0)}
    if getattr(people, "target", "") == "declined":
        proposal = {"proposal": "decline"}
    claimed = (application.sum_insured_fen or 0) // 10
    steps = {
        "submit": (None, "", {}), "resubmit": (None, "", {}),
        "withdraw": (None, "已通过其他渠道投保。", {}),
        "park_approve": (people.park, "企业在园区内正常经营，人才认定属实，同意推荐。", {}),
        "park_request_info": (people.park, "请补充保险金额的测算依据。",
                              {"fields": ["sum_insured"], "documents": []}),
        "park_reject": (people.park, "企业不在本园区实际经营。", {}),
        "propose": (people.officer, "风险可控。" if not countered else "建议调整费率后承保。",
                    proposal),
        "insurer_request_info": (people.officer, "请补充研发项目的预算与进度。",
                                 {"fields": ["project"], "documents": []}),
        "approve_acceptance": (people.approver, "同意按申请条件承保。", {}),
        "approve_counter": (people.approver, "同意按调整后的费率承保。", {}),
        "decline": (people.approver, "关键人员既往病史不符合承保条件。", {}),
        "accept_counter": (None, "接受调整后的条件。", {}),
        "refuse_counter": (None, "费率过高，不接受。", {}),
        "bind": (people.officer, "", {"policy_no": f"KJBX-{application.id:06d}",
                                      "starts_on": today}),
        "pay_premium": (None, "", {"amount_fen": application.annual_premium_fen,
                                   "paid_on": today, "invoice_no": f"FP{application.id:08d}"}),
        "request_subsidy": (None, "申请第一保单年度保费补贴。", {}),
        "pay_subsidy": (people.pool, "材料齐全，同意拨付。", {}),
        "notify_claim": (None, "研发测试中样机损毁。", {"loss_on": today, "claimed_fen": claimed}),
        "start_adjusting": (people.officer, "索赔材料齐全，开始核定。", {}),
        "agree_claim": (people.approver, "经核定属于保险责任。", {"agreed_fen": claimed}),
        "deny_claim": (people.approver, "损失属于保险条款约定的除外责任。", {}),
        "pay_claim": (people.officer, "", {"amount_fen": claimed, "paid_on": today}),
        "expire": (None, "", {}), "lapse": (None, "", {}), "end_policy": (None, "", {}),
    }
    return steps[trigger]
