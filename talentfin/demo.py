"""Demo data: institutions, the README's accounts and loans standing in every state.

Applications are walked through the real workflow engine, so their logs and dossiers are
exactly what users would produce. Running it twice changes nothing the second time.
"""

import io
from datetime import date
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from talentfin.clock import business_today
from talentfin.demo_servicing import SERVICING_PATHS
from talentfin.demo_servicing import servicing_step
from talentfin.demo_servicing import upload_claim_documents
from talentfin.extensions import db
from talentfin.identifiers import uscc_check_char
from talentfin.models import REQUIRED_LOAN_ATTACHMENTS
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Funder
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import User
from talentfin.services import applications as application_service
from talentfin.services.accounts import create_user
from talentfin.services.ledger import contribute
from talentfin.services.outbox import run_pending
from talentfin.services.parameters import seed_defaults
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (published in the README on purpose)

ORGANISATIONS = (
    ("park", "park-laoshan", "崂山人才创新园", "Laoshan Talent Innovation Park"),
    ("bank", "bank-1", "青岛科创银行", "Qingdao Sci-Tech Bank"),
    ("bank", "bank-2", "海岸商业银行", "Coastal Commercial Bank"),
    ("pool", "pool", "人才金融风险补偿资金池", "Talent Finance Risk-Compensation Pool"),
)

STAFF = (
    ("park@demo.cn", "王园区", "park_reviewer", "park-laoshan"),
    ("officer@bank1.demo.cn", "李信贷", "bank_officer", "bank-1"),
    ("approver@bank1.demo.cn", "赵审批", "bank_approver", "bank-1"),
    ("officer@bank2.demo.cn", "钱信贷", "bank_officer", "bank-2"),
    ("approver@bank2.demo.cn", "孙审批", "bank_approver", "bank-2"),
    ("pool@demo.cn", "周资金池", "pool_admin", "pool"),
    ("committee@demo.cn", "冯委员", "pool_committee", "pool"),
    ("auditor@demo.cn", "吴审计", "auditor", None),
    ("admin@demo.cn", "郑管理员", "admin", None),
)


def demo_uscc(serial: int) -> str:
    """A valid-looking unified social credit code for demo firm number ``serial``."""
    body = f"91370212MA{serial:07d}"
    return body + uscc_check_char(body)


FOUNDERS = (
    {
        "email": "founder@demo.cn", "name": "陈海洋", "company": "青岛深蓝智能科技有限公司",
        "serial": 1001, "tier": "B", "id_number": "370212198505050019",
        "industry": "海洋智能装备", "founded": date(2023, 3, 15),
    },
    {
        "email": "founder2@demo.cn", "name": "林晓", "company": "崂山量子传感有限公司",
        "serial": 1002, "tier": "C", "id_number": "370212199001010018",
        "industry": "量子传感", "founded": date(2024, 6, 1),
    },
    {
        "email": "founder3@demo.cn", "name": "王博远", "company": "青岛海纳生物医药有限公司",
        "serial": 1003, "tier": "A", "id_number": "37021219821212001X",
        "industry": "生物医药", "founded": date(2022, 9, 1),
    },
    {
        "email": "founder4@demo.cn", "name": "赵启明", "company": "崂山云图软件有限公司",
        "serial": 1004, "tier": "B", "id_number": "370212198707070018",
        "industry": "工业软件", "founded": date(2023, 11, 20),
    },
)

# Which state each demo application ends in, for which founder, with which bank.
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
FUNDERS = (("city", "市级财政", "City finance bureau", 6000, 60_000_000_00),
           ("district", "崂山区财政", "Laoshan district finance bureau", 4000, 40_000_000_00))

PATHS = {
    "draft": [],
    "park_review": ["submit"],
    "info_requested": ["submit", "park_request_info"],
    "expired": ["submit", "park_request_info", "expire"],
    "partner_review": ["submit", "park_approve"],
    "bank_approval": ["submit", "park_approve", "recommend"],
    "bank_info_requested": ["submit", "park_approve", "bank_request_info"],
    "approved": ["submit", "park_approve", "recommend", "bank_approve"],
    "rejected": ["submit", "park_approve", "recommend", "bank_reject"],
    "withdrawn": ["submit", "withdraw"],
    "contracted": ["submit", "park_approve", "recommend", "bank_approve", "contract"],
    "disbursed": ["submit", "park_approve", "recommend", "bank_approve", "contract", "disburse"],
    "covered": ["submit", "park_approve", "recommend", "bank_approve", "contract", "disburse",
                "file_with_pool"],
    "not_covered": ["submit", "park_approve", "recommend", "bank_approve", "contract",
                    "disburse", "lapse_filing"],
}

PATHS.update(SERVICING_PATHS)

FOUNDER_TRIGGERS = ("submit", "resubmit", "bank_resubmit", "withdraw")

# A minimal valid PDF, so uploads pass the content check.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def seed_demo() -> list[str]:
    """Create whatever of the demo is missing; returns what it did, line by line."""
    done = [f"policy: {seed_defaults()} parameter(s) added"]
    orgs = _organisations()
    for email, name, role, org_code in STAFF:
        if _user(email) is None:
            create_user(email, DEMO_PASSWORD, name, role, org_code=org_code)
            done.append(f"account {email}")
    founders = [_founder(spec, orgs["park-laoshan"]) for spec in FOUNDERS]
    done.extend(_fund_pool())
    if db.session.scalar(select(Application.id).limit(1)) is None:
        for index, (target, founder_index, bank) in enumerate(WALKS):
            application = _walk(founders[founder_index], orgs[bank], target, index)
            done.append(f"application {application.reference}: {application.status}")
    rendered, failed = run_pending(limit=1000)
    done.append(f"outbox tasks done (dossiers, notifications): {rendered} (failed: {failed})")
    return done


def _fund_pool() -> list[str]:
    """The pool's funders and their first contributions (once)."""
    if db.session.scalar(select(Funder.id).limit(1)) is not None:
        return []
    pool_admin = _user("pool@demo.cn")
    done = []
    for code, name, name_en, share_bp, amount in FUNDERS:
        funder = Funder(code=code, name=name, name_en=name_en, share_bp=share_bp)
        db.session.add(funder)
        db.session.commit()
        contribute(funder, amount, pool_admin, date(business_today().year, 1, 2), "年度出资")
        done.append(f"funder {code}: {amount // 100:,} yuan")
    return done


def _organisations() -> dict[str, Organisation]:
    orgs = {}
    for kind, code, name, name_en in ORGANISATIONS:
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        if org is None:
            org = Organisation(kind=kind, code=code, name=name, name_en=name_en,
                               district="崂山区")
            db.session.add(org)
        orgs[code] = org
    db.session.commit()
    return orgs


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _founder(spec: dict, park: Organisation) -> User:
    user = _user(spec["email"])
    if user is not None:
        return user
    enterprise = Enterprise(
        name=spec["company"], uscc=demo_uscc(spec["serial"]), park_id=park.id,
        registered_in_district=True, founded_on=spec["founded"],
        registered_capital_fen=500_000_000, legal_representative=spec["name"],
        address="青岛市崂山区松岭路 " + str(spec["serial"]), industry=spec["industry"],
        employees=28,
    )
    db.session.add(enterprise)
    db.session.flush()
    db.session.add(TalentProfile(
        enterprise_id=enterprise.id, founder_name=spec["name"], id_number=spec["id_number"],
        tier=spec["tier"], certificate_no=f"QDRC-{spec['serial']}", issuer="青岛市人才工作领导小组",
        valid_until=business_today() + timedelta(days=3 * 365), equity_bp=5100,
    ))
    db.session.commit()
    return create_user(spec["email"], DEMO_PASSWORD, spec["name"], "founder",
                       enterprise_id=enterprise.id)


def _walk(founder: User, bank: Organisation, target: str, index: int) -> Application:
    application = application_service.start_loan_application(founder)
    amount = (50 + 10 * index) * 10_000 * 100  # 500,000 yuan and up, in fen
    application_service.save_loan_request(application, {
        "partner_org_id": bank.id, "requested_amount_fen": amount,
        "requested_term_months": 12 * (1 + index % 3),
        "purpose": "研发投入与市场拓展：采购测试设备、扩充研发团队。",
        "annual_revenue_fen": 1_200_000_000, "net_profit_fen": 86_000_000, "employees": 28,
    })
    for kind in REQUIRED_LOAN_ATTACHMENTS:
        storage = FileStorage(io.BytesIO(DEMO_PDF), filename=f"{kind}.pdf")
        save_attachment(application, kind, storage, founder)
    officer = _staff("bank_officer", bank)
    for trigger in PATHS[target]:
        step = servicing_step(trigger, application, officer, _user("pool@demo.cn"),
                              _user("committee@demo.cn"), business_today())
        actor, comment, data = step or _step(trigger, bank, amount, _disbursed_days_ago(target))
        if trigger in FOUNDER_TRIGGERS:
            actor = founder
        if trigger == "lodge_claim":
            upload_claim_documents(application, officer, DEMO_PDF)
        engine.fire(application, trigger, actor, comment=comment, data=data)
    return application


def _disbursed_days_ago(target: str) -> int:
    """How long ago the demo loan was paid out.

    The unfiled loan is past the 90-day filing window, so that it lapses. A loan with
    repayments, arrears or a claim was paid out 75 days ago (filed today, inside the window),
    so that its first instalment fell due a month later and was paid or missed before today
    (demo_servicing dates those from the disbursement). The others were paid out last week.
    """
    if target == "not_covered":
        return 100
    if target in SERVICING_PATHS:
        return 75
    return 5


def _step(trigger: str, bank: Organisation, amount: int, days_ago: int):
    today = business_today()
    officer = _staff("bank_officer", bank)
    approver = _staff("bank_approver", bank)
    disbursed = today - timedelta(days=days_ago)
    signed = disbursed - timedelta(days=5)
    steps = {
        "submit": (None, "", {}),
        "park_approve": (_user("park@demo.cn"),
                         "企业在园区内正常经营，人才认定属实，同意推荐。", {}),
        "park_request_info": (_user("park@demo.cn"), "请补充最近一期财务报表。",
                              {"fields": ["annual_revenue"],
                               "documents": ["financial_statements"]}),
        "recommend": (officer, "经营稳定，建议授信。",
                      {"amount_fen": amount, "rate_bp": 365, "term_months": 24}),
        "bank_request_info": (officer, "请补充商业计划书中的市场数据。",
                              {"fields": [], "documents": ["business_plan"]}),
        "bank_approve": (approver, "同意按推荐条件发放。", {}),
        "bank_reject": (approver, "第一还款来源不足，暂不授信。", {}),
        "contract": (officer, "", {"contract_no": f"{bank.code.upper()}-HT-{amount}",
                                   "signed_on": signed}),
        "disburse": (officer, "", {"amount_fen": amount, "disbursed_on": disbursed}),
        "file_with_pool": (_user("pool@demo.cn"), "备案材料齐全，予以备案。", {}),
        "lapse_filing": (None, "", {}),
        "expire": (None, "", {}),
        "withdraw": (None, "企业已获得其他融资。", {}),
    }
    actor, comment, data = steps[trigger]
    return actor, comment, data


def _staff(role: str, bank: Organisation) -> User:
    return db.session.scalar(select(User).where(User.role == role, User.org_id == bank.id))
