"""The bonds of 人才债's demo: an underwriter and an issuer with their staff, one bond open
for allocations (the founders' allocations are walked next, ``bond.demo``) and bonds in
every other state of a bond's life, walked through the real engine by the underwriter's
officer and approver; the issuer files its board's resolution. The redeemed bond has its
issue dated back before its step (the transition log keeps the seeding day)."""

from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.workflows.bond.models import BondIssue

UNDERWRITER, ISSUER = "underwriter-qd", "group-qd"
ORGANISATIONS = (
    ("underwriter", UNDERWRITER, "青岛海岸证券股份有限公司", "Qingdao Coast Securities"),
    ("issuer", ISSUER, "崂山人才金融控股集团有限公司", "Laoshan Talent Finance Holding Group"),
)
STAFF = (
    ("officer@underwriter.demo.cn", "许承销", "underwriter_officer", UNDERWRITER),
    ("approver@underwriter.demo.cn", "韩审批", "underwriter_approver", UNDERWRITER),
    ("issuer@group.demo.cn", "邓发行", "issuer_officer", ISSUER),
)
OFFICER, APPROVER = "underwriter_officer", "underwriter_approver"
ISSUER_USCC = "91370212MA3BOND01X"
ISSUER_EMAIL = "issuer@group.demo.cn"

# The bond open for allocations first: the founders' allocations ask it.
WALKS = (("allocating", 0, UNDERWRITER), ("planned", 0, UNDERWRITER),
         ("registered", 0, UNDERWRITER), ("issued", 0, UNDERWRITER),
         ("servicing", 0, UNDERWRITER), ("redeemed", 0, UNDERWRITER),
         ("cancelled", 0, UNDERWRITER))
NAMES = ("2026年崂山区人才创新创业集合债券（第一期）", "2027年崂山区人才创新创业集合债券（第一期）",
         "2026年崂山区科技创新债券（第二期）", "2026年崂山区人才创新创业集合债券（第三期）",
         "2025年崂山区人才创新创业集合债券（第一期）", "2022年崂山区双创孵化专项债券",
         "2026年崂山区人才创新创业集合债券（第四期）")
ISSUED = ["register", "issue"]
PATHS = {
    "planned": [], "registered": ["register"], "issued": ISSUED,
    "allocating": [*ISSUED, "open_allocation"],
    "servicing": [*ISSUED, "open_allocation", "close_allocation"],
    "redeemed": [*ISSUED, "open_allocation", "close_allocation", "redeem"],
    "cancelled": ["cancel"],
}
PAPERS_BEFORE = {"register": ("registration_letter",),
                 "issue": ("prospectus", "issue_announcement"),
                 "redeem": ("redemption_notice",)}
WAITED_BEFORE: dict[str, int] = {}


def start(index: int, underwriter: Organisation, today: date) -> BondIssue:
    """A planned bond of the demo issuer, opened by the underwriter's officer."""
    issuer = db.session.scalar(select(Organisation).where(Organisation.code == ISSUER))
    company = db.session.scalar(select(Enterprise).where(Enterprise.uscc == ISSUER_USCC))
    if company is None:
        company = Enterprise(name=issuer.name, uscc=ISSUER_USCC, registered_in_district=True,
                             founded_on=date(2015, 6, 1), registered_capital_fen=10**11,
                             legal_representative="邓发行", address="青岛市崂山区海尔路 1 号",
                             industry="金融控股", employees=120)
        db.session.add(company)
        db.session.flush()
    officer = db.session.scalar(select(User).where(User.role == OFFICER,
                                                   User.org_id == underwriter.id))
    bond = BondIssue(status="planned", enterprise_id=company.id, applicant_id=officer.id,
                     partner_org_id=underwriter.id, partner_routed_at=utcnow(),
                     submitted_at=utcnow(),
                     issuer_org_id=issuer.id, name=NAMES[index], details={})
    db.session.add(bond)
    db.session.flush()
    bond.reference = f"ZQ{utcnow():%Y}{bond.id:07d}"
    db.session.commit()
    return bond


def request(_index: int, _partner_id: int, _draft: BondIssue) -> dict:
    """Unused: a bond is started whole (``start``)."""
    return {}


def disbursed_days_ago(_target: str) -> int:
    """Unused."""
    return 0


def before_step(trigger: str, bond: BondIssue, people: SimpleNamespace, today: date) -> None:
    """The issuer files its board's resolution before the registration; a bond to be
    redeemed has its issue dated back past its maturity."""
    if trigger == "register":
        issuer = db.session.scalar(select(User).where(User.email == ISSUER_EMAIL))
        people.upload("board_resolution", issuer)
    elif trigger == "redeem":
        bond.issued_on = today - relativedelta(months=bond.term_months) - timedelta(days=1)
        bond.registered_on = bond.issued_on - timedelta(days=30)
        db.session.commit()


def step(trigger: str, bond: BondIssue, people: SimpleNamespace, today: date,
         _days_ago: int = 0) -> tuple[object, str, dict]:
    """(actor, comment, form data) of one demo step."""
    index = NAMES.index(bond.name)
    steps = {
        "register": (people.officer, "交易商协会注册通过。",
                     {"registration_no": f"中市协注〔2026〕TDFI{100 + index}号",
                      "registered_on": today}),
        "issue": (people.approver, "簿记建档完成，按期发行。",
                  {"code": f"0326{index:05d}", "size_fen": 200_000_000_00, "coupon_bp": 320,
                   "term_months": 36, "coupon_months": 12, "issued_on": today}),
        "open_allocation": (people.officer, "开始受理人才企业额度申请。", {}),
        "close_allocation": (people.approver, "额度分配结束。", {}),
        "redeem": (people.officer, "本息已全额兑付。", {}),
        "cancel": (people.approver, "发行人调整融资计划，取消本期债券。", {}),
    }
    return steps[trigger]
