"""The loan's benchmark profile: what ``talentfin.bench`` needs to know of a loan book.

``talentfin.bench`` reads it through ``LOAN.bench`` and never names the loan. It holds the
share of each state in a live loan book, what a founder asks for in a new draft, the
replay of the loan's own effects on plain rows (the common route's effects are replayed
by the benchmark itself), the staff seeded at every partner bank and whose review queue is
measured, the transition the engine benchmark fires with the columns its effect writes
(for the raw-SQL baseline), and the decision dossier the dossier probe renders.
"""

import random
from datetime import datetime
from types import SimpleNamespace

from talentfin.workflows.loan import effects
from talentfin.workflows.loan.definition import APPROVER
from talentfin.workflows.loan.definition import OFFICER
from talentfin.workflows.loan.models import SECURITY

# Share of applications per state (percent of a three-year-old loan book); a state without
# a weight here gets 1. Most of a grown table is history and loans being repaid; what waits
# for a decision is a small, recent part.
STATE_WEIGHTS = {
    "draft": 4, "park_review": 3, "info_requested": 1.5, "partner_review": 4,
    "bank_approval": 2, "bank_info_requested": 1, "approved": 1.5, "contracted": 1.5,
    "disbursed": 3, "covered": 3, "not_covered": 1.5, "rejected": 12, "withdrawn": 6,
    "expired": 4, "active": 30, "overdue": 2, "npl": 1, "repaid": 3, "closed": 12,
    "claim_review": 0.5, "committee_review": 0.3, "compensated": 0.4, "in_recovery": 0.6,
    "recovered": 0.3, "written_off": 0.3, "clawed_back": 0.1,
}

# Staff seeded at every partner bank, and the role whose review queue is measured.
PARTNER_STAFF = {OFFICER: 4, APPROVER: 2}
QUEUE_ROLE = OFFICER

# The most a talent of each tier may borrow (yuan), and the terms founders ask for.
TIER_LIMIT_YUAN = {"A": 10_000_000, "B": 5_000_000, "C": 3_000_000, "D": 1_000_000}
TERM_CHOICES = (12, 24, 36)

# What a reviewer asks the founder to fix (a field and a document of the loan).
INFO_REQUEST = {"fields": ["annual_revenue"], "documents": ["financial_statements"],
                "note": "请补充近一年经审计的财务报表。"}

# The transition the engine benchmark fires on applications waiting in ``source``, by a
# user of ``role``; ``writes`` gives the loan's own columns its effect sets (the raw
# baseline's second UPDATE). The approval leaves the amount that counts unchanged.
ENGINE = SimpleNamespace(
    source="bank_approval", trigger="bank_approve", dest="approved", role=APPROVER,
    comment="同意发放。", noun="approvals",
    writes=lambda actor_id: {"decided_by_id": actor_id},
)

# A bare move of state (no guard, effect or dossier): the engine's own cost, against the
# same raw UPDATE and INSERT. Fired by the pool's administrator, closing a repaid loan.
BARE = SimpleNamespace(
    source="repaid", trigger="close", dest="closed", role="pool_admin", at="pool",
    comment="贷款已结清。", noun="closings", writes=lambda actor_id: {},
)


def request(tier: str, rng: random.Random) -> dict:
    """What a founder of this tier asks for: the amount, the term and the firm's figures."""
    return {
        "requested_amount_fen":
            rng.randrange(10, TIER_LIMIT_YUAN[tier] // 10_000 + 1) * 1_000_000,
        "requested_term_months": rng.choice(TERM_CHOICES),
        "details": {"annual_revenue_fen": rng.randrange(0, 5000) * 1_000_000,
                    "net_profit_fen": rng.randrange(-500, 800) * 100_000,
                    "employees": rng.randrange(3, 120)},
    }


def snapshot(row: dict) -> dict:
    """The loan's fields in the submission snapshot (its ``snapshot`` hook, on a plain row)."""
    return {"requested_term_months": row["requested_term_months"]}


def _record_recommendation(row, at, actor, company, rng) -> dict:
    terms = {"amount_fen": row["requested_amount_fen"], "rate_bp": rng.randrange(300, 381, 5),
             "term_months": row["requested_term_months"], "security": rng.choice(SECURITY)}
    row.update(recommended_amount_fen=terms["amount_fen"], recommended_rate_bp=terms["rate_bp"],
               recommended_term_months=terms["term_months"], security=terms["security"],
               recommended_by_id=actor)
    return terms


def _record_approval(row, at, actor, company, rng) -> dict:
    row["decided_by_id"] = actor
    return {}


def _record_contract(row, at: datetime, actor, company, rng) -> dict:
    row.update(contract_no=f"HT{at:%Y}{row['id']:07d}", contract_signed_on=at.date())
    return {"contract_no": row["contract_no"], "signed_on": at.date().isoformat()}


def _record_disbursement(row, at: datetime, actor, company, rng) -> dict:
    amount = row["recommended_amount_fen"] or row["requested_amount_fen"]
    row.update(disbursed_amount_fen=amount, disbursed_on=at.date())
    return {"amount_fen": amount, "disbursed_on": at.date().isoformat()}


def _record_filing(row, at: datetime, actor, company, rng) -> dict:
    row.update(filed_on=at.date(), filing_no=f"BA{at:%Y}{row['id']:07d}")
    return {}


# The loan's effects replayed on a plain row: each fills the columns the real effect sets
# and returns what the real firing writes into the log's payload. An effect missing here
# (the servicing and the pool's) leaves the row as it is.
EFFECTS = {
    effects.record_recommendation: _record_recommendation,
    effects.record_approval: _record_approval,
    effects.record_contract: _record_contract,
    effects.record_disbursement: _record_disbursement,
    effects.record_filing: _record_filing,
}

# The decision dossier the probe renders: a bank's approval whose comment is lengthened
# (paragraphs of REVIEW, repeated) until it fills three pages.
REVIEW = (
    "经审查，申请企业主营海洋智能装备的研发与销售，近三年营业收入保持增长，"
    "经营性现金流为正，核心团队稳定，创业人才持有企业百分之五十一的股权并担任法定代表人。",
    "企业提交的财务报表经会计师事务所审计，资产负债率处于行业合理区间，"
    "无逾期贷款记录，征信报告未见不良信息，亦无严重失信记录。",
    "本笔贷款用于采购研发设备和补充流动资金，用途明确，与企业经营规模相匹配；"
    "还款来源为企业经营收入，第二还款来源为风险补偿资金池的代偿。",
    "综合考虑企业的技术优势、市场前景和人才层次，客户经理建议按上述条件发放人才贷，"
    "贷后每季度跟踪企业经营和资金使用情况，发现风险及时预警。",
)
ATTACHMENTS = (
    ("business_licence", "营业执照副本.pdf", 412_330),
    ("talent_certificate", "人才认定证书.pdf", 286_114),
    ("financial_statements", "2025年度审计报告.pdf", 2_318_906),
    ("business_plan", "商业计划书.pdf", 5_120_448),
    ("other", "专利证书汇编.pdf", 1_874_002),
    ("other", "主要客户合同.pdf", 964_517),
)


def dossier_summary(comment: str) -> dict:
    """A frozen summary of the bank's approval, as ``workflows.dossiers`` writes it."""
    return {
        "reference": "RCD20260012345", "product": "loan",
        "enterprise": {"name": "青岛深蓝智能科技有限公司", "uscc": "91370212MA0012345X"},
        "founder": {"name": "陈海洋"},
        "talent": {"tier": "B", "certificate_no": "QD-RC-2024-00871",
                   "issuer": "青岛市人才工作领导小组办公室", "valid_until": "2027-06-30"},
        "park": "崂山人才创新园", "partner": "青岛科创银行",
        "request": {"amount_fen": 300_000_000, "term_months": 24,
                    "purpose": "采购研发设备并补充流动资金。",
                    "details": {"annual_revenue_fen": 1_250_000_000,
                                "net_profit_fen": 86_000_000, "employees": 42}},
        "decision": {"trigger": ENGINE.trigger, "from_state": ENGINE.source,
                     "to_state": ENGINE.dest, "comment": comment,
                     "at": "2026-03-02T06:30:00",
                     "decider": {"name": "赵审批", "role": APPROVER,
                                 "organisation": "青岛科创银行"}},
        "terms": {"amount_fen": 300_000_000, "rate_bp": 365, "term_months": 24},
        "contract": None, "disbursement": None, "filing": None,
        "attachments": [{"kind": kind, "name": name, "size_bytes": size,
                         "sha256": f"{n:02d}" + "9f86d081884c7d659a2feaa0c55ad015" * 2}
                        for n, (kind, name, size) in enumerate(ATTACHMENTS)],
        "verify_url": "http://127.0.0.1:5000/verify/BN2K-7QXM-4HRT",
    }


DOSSIER = SimpleNamespace(
    stage="bank_decision", review=REVIEW, summary=dossier_summary,
    # The built-in page, should the app's template fail: its title and its table.
    title="银行审批通知书",
    facts=(("企业名称", "青岛深蓝智能科技有限公司"), ("统一社会信用代码", "91370212MA0012345X"),
           ("创业人才", "陈海洋"), ("人才层次", "B 类"), ("申请金额", "3,000,000.00 元"),
           ("年利率", "3.65%"), ("贷款期限", "24 个月"), ("审批银行", "青岛科创银行")),
    # The one-page Latin letter the dossier's render time is compared with.
    letter=SimpleNamespace(
        title="Loan approval notice",
        text=("The bank has reviewed the application of the company named below and "
              "approves the loan on the terms stated. The borrower signs the contract "
              "within thirty days; the approval lapses after that date. "),
        facts=(("Company", "Qingdao Deep Blue Intelligent Technology Co., Ltd."),
               ("Reference", "RCD20260012345"), ("Amount", "3,000,000.00 yuan"),
               ("Rate", "3.65% a year"), ("Term", "24 months"),
               ("Bank", "Qingdao Sci-Tech Bank")),
    ),
)
