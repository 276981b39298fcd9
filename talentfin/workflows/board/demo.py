"""人才板's demo: the exchange with its officer, approver and listing committee, a
recommending institution, and listings standing in every state, walked through the real
engine; listed firms have financings recorded (and verified), one a reward paid. A listing
whose annual report is late has its listing dated back before the scheduler's step (the
transition log keeps the seeding day)."""

from datetime import date
from types import SimpleNamespace

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import User
from talentfin.workflows.board import disclosure
from talentfin.workflows.board import financing
from talentfin.workflows.board.models import BoardListing

EXCHANGE, BROKER = "exchange-qd", "broker-qd"
ORGANISATIONS = (
    ("exchange", EXCHANGE, "青岛蓝海股权交易中心", "Qingdao Blue Ocean Equity Exchange"),
    ("broker", BROKER, "崂山创新证券服务有限公司", "Laoshan Innovation Securities Services"),
)
STAFF = (
    ("officer@exchange.demo.cn", "孔挂牌", "exchange_officer", EXCHANGE),
    ("approver@exchange.demo.cn", "曹审核", "exchange_approver", EXCHANGE),
    ("committee@exchange.demo.cn", "严委员", "listing_committee", EXCHANGE),
    ("analyst@broker.demo.cn", "蒋分析", "broker_officer", BROKER),
    ("approver@broker.demo.cn", "秦推荐", "broker_approver", BROKER),
)
OFFICER, APPROVER = "broker_officer", "broker_approver"

WALKS = tuple((target, index % 4, BROKER) for index, target in enumerate((
    "draft", "park_review", "info_requested", "broker_dd", "broker_info_requested",
    "broker_approval", "exchange_review", "committee_review", "listed", "reward_review",
    "reward_approval", "delisting_review", "delisted", "transferred", "declined", "refused",
    "rejected", "withdrawn", "expired")))

DD = ["submit", "park_approve"]
AT_EXCHANGE = [*DD, "broker_submit", "broker_recommend"]
LISTED = [*AT_EXCHANGE, "exchange_pass", "approve_listing"]
PATHS = {
    "draft": [], "park_review": ["submit"], "info_requested": ["submit", "park_request_info"],
    "expired": ["submit", "park_request_info", "expire"],
    "rejected": ["submit", "park_reject"], "withdrawn": ["submit", "withdraw"],
    "broker_dd": DD, "broker_info_requested": [*DD, "broker_request_info"],
    "broker_approval": [*DD, "broker_submit"], "declined": [*DD, "broker_decline"],
    "exchange_review": AT_EXCHANGE, "committee_review": [*AT_EXCHANGE, "exchange_pass"],
    "refused": [*AT_EXCHANGE, "exchange_pass", "exchange_refuse"],
    "listed": [*LISTED, "request_reward", "recommend_reward", "approve_reward"],
    "reward_review": [*LISTED, "request_reward"],
    "reward_approval": [*LISTED, "request_reward", "recommend_reward"],
    "delisting_review": [*LISTED, "flag_late_disclosure"],
    "delisted": [*LISTED, "propose_delisting", "delist"],
    "transferred": [*LISTED, "transfer_up"],
}
PAPERS_BEFORE = {"broker_submit": ("dd_report", "recommendation_report")}
WAITED_BEFORE = {"expire": 30}
REWARDED = ("listed", "reward_review", "reward_approval")


def request(index: int, broker_id: int, _draft: BoardListing) -> dict:
    """The founder's listing application."""
    return {"partner_org_id": broker_id, "requested_tier": ("incubation", "standard",
                                                            "cultivation")[index % 3],
            "shareholders": 6 + index,
            "purpose": "专注核心技术产品化，计划通过挂牌引入合格投资者并规范治理。"}


def disbursed_days_ago(_target: str) -> int:
    """Unused."""
    return 0


def _exchange_officer() -> User:
    return db.session.scalar(select(User).where(User.email == "officer@exchange.demo.cn"))


def before_step(trigger: str, listing: BoardListing, people: SimpleNamespace,
                today: date) -> None:
    """Financings before a reward is asked; a listing two years old, its report unfiled,
    before the scheduler proposes delisting."""
    if trigger == "request_reward":
        financing.record(listing, _exchange_officer(), on=today, instrument="private_placement",
                         amount_fen=(600 + 100 * listing.id % 7) * 10_000_00, investors=5,
                         holders_after=(listing.shareholders or 6) + 5, qualified=True,
                         today=today)
    elif trigger == "flag_late_disclosure":
        listing.listed_on = date(today.year - 2, 3, 1)
        disclosure.schedule(listing, today)
        db.session.commit()


def step(trigger: str, listing: BoardListing, people: SimpleNamespace, today: date,
         _days_ago: int = 0) -> tuple[object, str, dict]:
    """(actor, comment, form data) of one demo step (the founder fires the founder's)."""
    exchange = _exchange_officer()
    committee = db.session.scalar(select(User).where(
        User.email == "committee@exchange.demo.cn"))
    steps = {
        "submit": (None, "", {}), "withdraw": (None, "暂缓挂牌计划。", {}),
        "park_approve": (people.park, "企业创新能力突出，同意推荐至人才板挂牌。", {}),
        "park_request_info": (people.park, "请补充股东名册。",
                              {"fields": ["shareholders"], "documents": ["shareholder_register"]}),
        "park_reject": (people.park, "企业不在本园区实际经营。", {}),
        "broker_request_info": (people.officer, "请补充近两年审计报告。",
                                {"fields": [], "documents": ["financials"]}),
        "broker_submit": (people.officer, "尽调完成，提请审批。", {}),
        "broker_recommend": (people.approver, "同意推荐挂牌。", {}),
        "broker_decline": (people.approver, "公司治理尚不规范，暂不推荐。", {}),
        "exchange_pass": (exchange, "材料齐备，提交挂牌委员会。", {}),
        "exchange_refuse": (committee, "股权结构存在代持，不予挂牌。", {}),
        "approve_listing": (committee, "同意挂牌。",
                            {"listing_code": f"RC{listing.id:04d}",
                             "tier": listing.requested_tier or "incubation",
                             "listed_on": today}),
        "request_reward": (None, "申请本年度挂牌融资奖励。", {"year": today.year}),
        "recommend_reward": (people.pool, "融资已核实，建议给予奖励。", {}),
        "approve_reward": (people.committee, "同意拨付。", {}),
        "propose_delisting": (exchange, "企业申请主动摘牌。", {"reason": "voluntary"}),
        "delist": (committee, "同意摘牌。", {}),
        "transfer_up": (exchange, "企业已在新三板挂牌。", {"market": "neeq"}),
        "flag_late_disclosure": (None, "", {}), "expire": (None, "", {}),
    }
    return steps[trigger]


def finish(listing: BoardListing, people: SimpleNamespace, today: date) -> None:
    """A listed firm's annual reports owed (none yet on the day it lists)."""
    if listing.status == "listed":
        disclosure.schedule(listing, today)
        db.session.commit()
