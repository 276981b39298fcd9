"""人才投's demo: a fund with its manager, approver and a five-member investment committee
(ic1 its chair), and applications standing in every state, walked through the real engine:
the workstreams filed by their owner, the committee's meeting opened by its chair and the
members' votes cast before the resolution, the reports of a portfolio firm filed or late.

A portfolio deal's dates lie in the past (its publicity ended, the agreement signed and the
money paid in about fourteen months ago), so that reports are owed and an exit has returns;
the transition log keeps the day the demo was seeded.
"""

from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import diligence
from talentfin.workflows.equity import monitoring
from talentfin.workflows.equity.labels import WORKSTREAMS
from talentfin.workflows.equity.models import EquityApplication

FUND = "fund-laoshan"
ORGANISATIONS = (
    ("fund", FUND, "崂山人才创新投资基金", "Laoshan Talent Innovation Fund"),
)
STAFF = (
    ("manager@fund.demo.cn", "孙投资", "fund_officer", FUND),
    ("approver@fund.demo.cn", "钱审批", "fund_approver", FUND),
    ("ic1@fund.demo.cn", "李主任", "fund_ic", FUND),
    ("ic2@fund.demo.cn", "黄委员", "fund_ic", FUND),
    ("ic3@fund.demo.cn", "何委员", "fund_ic", FUND),
    ("ic4@fund.demo.cn", "罗委员", "fund_ic", FUND),
    ("ic5@fund.demo.cn", "高委员", "fund_ic", FUND),
)
OFFICER, APPROVER = "fund_officer", "fund_approver"
CHAIR = "ic1@fund.demo.cn"

WALKS = (
    ("draft", 0, FUND), ("park_review", 1, FUND), ("info_requested", 2, FUND),
    ("prescreen", 3, FUND), ("fund_info_requested", 0, FUND),
    ("project_approval", 1, FUND), ("due_diligence", 2, FUND), ("valuation", 3, FUND),
    ("ic_review", 0, FUND), ("publicity", 1, FUND), ("signing", 2, FUND),
    ("signed", 3, FUND), ("monitoring", 0, FUND), ("exit_approval", 1, FUND),
    ("exited", 2, FUND), ("declined", 3, FUND), ("ic_rejected", 0, FUND),
    ("rejected", 1, FUND), ("withdrawn", 2, FUND), ("expired", 3, FUND),
)
# Deals whose dates lie in the past: reports are owed, an exit has returns.
PAST = ("monitoring", "exit_approval", "exited")
PAST_DAYS = 420

PRESCREENED = ["submit", "park_approve", "prescreen_pass"]
DILIGENCE = [*PRESCREENED, "approve_project"]
VALUED = [*DILIGENCE, "complete_dd", "file_valuation"]
PUBLIC = [*VALUED, "ic_approve"]
FUNDED = [*PUBLIC, "close_publicity", "sign", "record_funding"]
PATHS = {
    "draft": [],
    "park_review": ["submit"],
    "info_requested": ["submit", "park_request_info"],
    "expired": ["submit", "park_request_info", "expire"],
    "rejected": ["submit", "park_reject"],
    "withdrawn": ["submit", "withdraw"],
    "prescreen": ["submit", "park_approve"],
    "fund_info_requested": ["submit", "park_approve", "fund_request_info"],
    "project_approval": PRESCREENED,
    "declined": [*PRESCREENED, "decline_project"],
    "due_diligence": DILIGENCE,
    "valuation": [*DILIGENCE, "complete_dd"],
    "ic_review": VALUED,
    "ic_rejected": [*VALUED, "ic_reject"],
    "publicity": PUBLIC,
    "signing": [*PUBLIC, "close_publicity"],
    "signed": [*PUBLIC, "close_publicity", "sign"],
    "monitoring": FUNDED,
    "exit_approval": [*FUNDED, "propose_exit"],
    "exited": [*FUNDED, "propose_exit", "approve_exit"],
}
PAPERS_BEFORE = {"sign": ("investment_agreement",),
                 "record_funding": ("funding_voucher", "registration_change")}
WAITED_BEFORE = {"expire": 30}
# The founders' cap tables before the round (the founder's stake first).
CAP_TABLES = (
    [{"name": "陈海洋", "stake_bp": 6000}, {"name": "青岛蓝海创投", "stake_bp": 2500},
     {"name": "员工持股平台", "stake_bp": 1500}],
    [{"name": "林晓", "stake_bp": 7000}, {"name": "员工持股平台", "stake_bp": 3000}],
    [{"name": "王博远", "stake_bp": 5500}, {"name": "海纳合伙企业", "stake_bp": 4500}],
    [{"name": "赵启明", "stake_bp": 8000}, {"name": "员工持股平台", "stake_bp": 2000}],
)
# A ticket within each founder's tier (B 5M, C 3M, A 10M, B 5M) and a pre-money valuation.
DEALS = ((3_000_000_00, 20_000_000_00), (2_000_000_00, 12_000_000_00),
         (8_000_000_00, 40_000_000_00), (2_500_000_00, 15_000_000_00))


def seed(orgs: dict[str, Organisation]) -> list[str]:
    """The fund's committee and its chair (once)."""
    fund = orgs[FUND]
    if committee.committee_of(fund.id) is not None:
        return []
    chair = db.session.scalar(select(User).where(User.email == CHAIR))
    committee.set_chair(fund.id, chair)
    db.session.commit()
    return [f"investment committee of {fund.code}: chair {CHAIR}"]


def request(index: int, fund_id: int, draft: EquityApplication) -> dict:
    """The founder's application of the index-th demo deal."""
    founder = WALKS[index][1]
    ticket, pre_money = DEALS[founder]
    return {"partner_org_id": fund_id, "requested_amount_fen": ticket,
            "asked_pre_money_fen": pre_money, "staff": 28, "rd_staff": 12,
            "total_assets_fen": 18_000_000_00, "revenue_fen": 6_500_000_00,
            "cap_table": CAP_TABLES[founder],
            "purpose": "用于新一代产品研发、核心团队扩充及首批量产线建设。"}


def disbursed_days_ago(_target: str) -> int:
    """Unused: the deal's own dates are set by ``before_step``."""
    return 0


def _back(people) -> int:
    return PAST_DAYS if people.target in PAST else 0


def before_step(trigger: str, application: EquityApplication, people: SimpleNamespace,
                today: date) -> None:
    """What happens between two firings: the workstreams filed, the meeting and its votes,
    the publicity period over."""
    if trigger == "complete_dd":
        for kind in WORKSTREAMS:
            people.upload(diligence.REPORT_KINDS[kind], people.officer)
            flag = kind == "legal" and people.target == "ic_rejected"
            diligence.file_finding(application, kind, people.officer,
                                   "red_flag" if flag else "clear",
                                   "核心专利存在权属争议。" if flag else "", None)
        db.session.commit()
    elif trigger in ("ic_approve", "ic_reject"):
        chair = committee.chair_of(application.partner_org_id)
        meeting = committee.open_meeting(application, chair, "审议对该企业的投资方案。", today)
        votes = (("for", ""), ("for", ""), ("for", ""), ("for", ""),
                 ("recuse", "本人曾为该企业提供咨询服务。"))
        if trigger == "ic_reject":
            votes = (("for", ""), ("against", "估值偏高。"), ("against", "专利权属存疑。"),
                     ("against", "市场空间有限。"), ("abstain", ""))
        for member_id, (vote, reason) in zip(meeting.member_ids, votes, strict=False):
            committee.cast_vote(meeting, db.session.get(User, member_id), vote, reason)
    elif trigger == "close_publicity":
        application.publicity_ends_on = today - timedelta(days=1 + _back(people))
        db.session.commit()


def step(trigger: str, application: EquityApplication, people: SimpleNamespace,
         today: date, _days_ago: int = 0) -> tuple[object, str, dict]:
    """(actor, comment, form data) of one demo step (the founder fires the founder's)."""
    signed = (application.publicity_ends_on or today) + timedelta(days=1)
    funded = min(signed + timedelta(days=7), today)
    chair = committee.chair_of(application.partner_org_id)
    steps = {
        "submit": (None, "", {}), "withdraw": (None, "融资计划调整。", {}),
        "park_approve": (people.park, "企业在园区内正常经营，人才认定属实，同意推荐。", {}),
        "park_request_info": (people.park, "请补充近三年财务报表。",
                              {"fields": ["firm_size"], "documents": ["financials"]}),
        "park_reject": (people.park, "企业不在本园区实际经营。", {}),
        "fund_request_info": (people.officer, "请补充股权结构的说明。",
                              {"fields": ["cap_table"], "documents": []}),
        "prescreen_pass": (people.officer, "团队与技术符合基金投资方向，建议立项。", {}),
        "decline_project": (people.approver, "与基金当期投资策略不符。", {}),
        "approve_project": (people.approver, "同意立项，开展尽职调查。",
                            {"owners": dict.fromkeys(WORKSTREAMS, people.officer.id)}),
        "complete_dd": (people.officer, "尽调完成。" if people.target != "ic_rejected"
                        else "法律尽调发现专利权属争议，提请投决会审议。", {}),
        "file_valuation": (people.officer, "", {
            "pre_money_fen": application.asked_pre_money_fen,
            "ticket_fen": application.requested_amount_fen}),
        "ic_approve": (chair, "投决会同意投资。", {}),
        "ic_reject": (chair, "投决会未通过。", {}),
        "sign": (people.officer, "", {"signed_on": signed}),
        "record_funding": (people.officer, "", {"amount_fen": application.ticket_fen,
                                                "funded_on": funded}),
        "propose_exit": (people.officer, "创始人按约定回购。",
                         {"method": "buyback", "exited_on": today,
                          "proceeds_fen": (application.ticket_fen or 0) * 13 // 10}),
        "approve_exit": (people.approver, "同意按回购方案退出。", {}),
        "expire": (None, "", {}), "close_publicity": (None, "", {}),
    }
    return steps[trigger]


def finish(application: EquityApplication, people: SimpleNamespace, today: date) -> None:
    """A portfolio firm's reports: all filed but the last two quarters' (one late)."""
    if application.status != "monitoring":
        return
    monitoring.schedule(application, today)
    db.session.commit()
    owed = sorted(monitoring.obligations_of(application), key=lambda o: o.due_on)
    for obligation in owed[:-2]:
        report = people.upload(monitoring.DOCUMENT[obligation.kind], people.founder)
        monitoring.file_report(application, obligation, people.founder, report)
