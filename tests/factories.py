"""Factories: organisations, accounts, enterprises and applications in any state.

Applications are moved by the real engine (as in the demo), so tests start from states
users could really have produced.
"""

import io
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy import update
from werkzeug.datastructures import FileStorage

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.demo import demo_uscc
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import User
from talentfin.pool import ledger
from talentfin.pool.models import Funder
from talentfin.services import applications as application_service
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.loan import demo as loan_demo
from talentfin.workflows.loan.definition import WORKFLOW as LOAN
from talentfin.workflows.loan.labels import REQUIRED_DOCUMENTS as REQUIRED_LOAN_ATTACHMENTS
from talentfin.workflows.loan.servicing import CLAIM_DOCUMENTS

PATHS = loan_demo.PATHS
FOUNDER_TRIGGERS = tuple(t.trigger for t in LOAN.transitions if "founder" in t.roles)

PASSWORD = "correct-horse-2026"  # noqa: S105


def organisation(kind: str, code: str, name: str | None = None) -> Organisation:
    """An organisation of a kind."""
    org = Organisation(kind=kind, code=code, name=name or code, name_en=code)
    db.session.add(org)
    db.session.commit()
    return org


def user(email: str, role: str, org: Organisation | None = None,
         enterprise: Enterprise | None = None) -> User:
    """An account with the test password (cheap hash in tests)."""
    account = User(email=email, name=email.split("@")[0], role=role, org=org,
                   enterprise_id=enterprise.id if enterprise else None, locale="zh")
    account.set_password(PASSWORD)
    db.session.add(account)
    db.session.commit()
    return account


def enterprise(park: Organisation, serial: int, *, tier: str = "B", founded: date | None = None,
               equity_bp: int = 5100, id_number: str = "370212198505050019",
               in_district: bool = True, valid_days: int = 700) -> Enterprise:
    """An eligible enterprise with its founder's talent profile (override to break a rule)."""
    firm = Enterprise(name=f"测试企业{serial}", uscc=demo_uscc(serial), park_id=park.id,
                      registered_in_district=in_district,
                      founded_on=founded or business_today() - timedelta(days=400),
                      registered_capital_fen=100_000_000, legal_representative="测试",
                      address="崂山区", industry="软件", employees=10)
    db.session.add(firm)
    db.session.flush()
    db.session.add(TalentProfile(enterprise_id=firm.id, founder_name="测试人才",
                                 id_number=id_number, tier=tier, certificate_no=f"C-{serial}",
                                 issuer="青岛市人才办",
                                 valid_until=business_today() + timedelta(days=valid_days),
                                 equity_bp=equity_bp))
    db.session.commit()
    return firm


@dataclass
class World:
    """Everyone a loan meets on its route, plus outsiders for isolation tests."""

    park: Organisation
    park2: Organisation
    bank1: Organisation
    bank2: Organisation
    pool: Organisation
    founder: User
    founder2: User
    park_reviewer: User
    park2_reviewer: User
    officer1: User
    approver1: User
    approver1b: User
    officer2: User
    approver2: User
    pool_admin: User
    committee: User
    auditor: User
    admin: User


def make_world() -> World:
    """Create the organisations and one account per role."""
    park = organisation("park", "park-1", "崂山园区")
    park2 = organisation("park", "park-2", "市北园区")
    bank1 = organisation("bank", "bank-1", "一号银行")
    bank2 = organisation("bank", "bank-2", "二号银行")
    pool = organisation("pool", "pool", "资金池")
    firm1 = enterprise(park, 1)
    firm2 = enterprise(park2, 2, id_number="370212199001010018", tier="C")
    return World(
        park=park, park2=park2, bank1=bank1, bank2=bank2, pool=pool,
        founder=user("founder@t.cn", "founder", enterprise=firm1),
        founder2=user("founder2@t.cn", "founder", enterprise=firm2),
        park_reviewer=user("park@t.cn", "park_reviewer", park),
        park2_reviewer=user("park2@t.cn", "park_reviewer", park2),
        officer1=user("officer1@t.cn", "bank_officer", bank1),
        approver1=user("approver1@t.cn", "bank_approver", bank1),
        approver1b=user("approver1b@t.cn", "bank_approver", bank1),
        officer2=user("officer2@t.cn", "bank_officer", bank2),
        approver2=user("approver2@t.cn", "bank_approver", bank2),
        pool_admin=user("pool@t.cn", "pool_admin", pool),
        committee=user("committee@t.cn", "pool_committee", pool),
        auditor=user("auditor@t.cn", "auditor"),
        admin=user("admin@t.cn", "admin"),
    )


def draft(world: World, founder: User | None = None, bank: Organisation | None = None,
          amount_fen: int = 100_000_000, documents: bool = True) -> Application:
    """A filled-in draft loan application (1,000,000 yuan by default)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "loan")
    application_service.save_request(application, {
        "partner_org_id": (bank or world.bank1).id, "requested_amount_fen": amount_fen,
        "requested_term_months": 24, "purpose": "采购研发设备与扩充团队。",
        "details": {"annual_revenue_fen": 500_000_000, "net_profit_fen": 30_000_000,
                    "employees": 10},
    })
    if documents:
        for kind in REQUIRED_LOAN_ATTACHMENTS:
            save_attachment(application, kind, pdf_upload(f"{kind}.pdf"), founder)
    return application


def pdf_upload(name: str = "doc.pdf", content: bytes = DEMO_PDF) -> FileStorage:
    """A small valid PDF as an upload."""
    return FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")


def loan_in(world: World, state: str, founder: User | None = None,
            bank: Organisation | None = None) -> Application:
    """A loan application walked by the engine to ``state``."""
    application = draft(world, founder or world.founder, bank or world.bank1)
    for trigger in PATHS[state]:
        advance(world, application, trigger)
    return application


def advance(world: World, application: Application, trigger: str) -> None:
    """Fire one step of a loan with the data its actor would give (the founder's, the park's,
    the bank's or the pool's, as the application's firm and bank make them)."""
    founder = application.applicant
    bank = application.partner
    officer = world.officer1 if bank.id == world.bank1.id else world.officer2
    approver = world.approver1 if bank.id == world.bank1.id else world.approver2
    park_reviewer = (world.park_reviewer if application.enterprise.park_id == world.park.id
                     else world.park2_reviewer)
    today = business_today()
    if trigger in loan_demo.SERVICING_TRIGGERS:
        people = SimpleNamespace(park=park_reviewer, officer=officer, approver=approver,
                                 pool=world.pool_admin, committee=world.committee)
        actor, comment, data = loan_demo.step(trigger, application, people, today)
    else:
        actors = {"park": park_reviewer, "officer": officer, "approver": approver,
                  "pool": world.pool_admin}
        actor, comment, data = _step(trigger, actors, application, today)
    if trigger in FOUNDER_TRIGGERS:
        actor = founder
    if trigger == "lodge_claim":
        upload_claim_documents(application, officer, DEMO_PDF)
    if trigger in loan_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=loan_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    if trigger == "file_with_pool" and db.session.scalar(select(Funder.id).limit(1)) is None:
        fund_pool(world)  # the leverage limit needs money in the pool
    engine.fire(application, trigger, actor, comment=comment, data=data)


def upload_claim_documents(application: Application, officer: User,
                           content: bytes = DEMO_PDF) -> None:
    """The bank uploads every paper a compensation claim needs."""
    for kind in CLAIM_DOCUMENTS:
        save_attachment(application, kind, pdf_upload(f"{kind}.pdf", content), officer)


def fund_pool(world: World, amount_fen: int = 100_000_000_00) -> tuple[Funder, Funder]:
    """City and district funders (6 : 4) and their contributions (1 億 yuan by default)."""

    city = Funder(code="city", name="市级财政", share_bp=6000)
    district = Funder(code="district", name="区级财政", share_bp=4000)
    db.session.add_all([city, district])
    db.session.commit()
    ledger.contribute(city, amount_fen * 6 // 10, world.pool_admin, date(2026, 1, 5))
    ledger.contribute(district, amount_fen - amount_fen * 6 // 10, world.pool_admin,
                      date(2026, 1, 5))
    return city, district


def _step(trigger, actors, application, today):
    amount = application.requested_amount_fen
    steps = {
        "submit": (None, "", {}),
        "withdraw": (None, "changed plans", {}),
        "park_approve": (actors["park"], "ok", {}),
        "park_request_info": (actors["park"], "need statements",
                              {"fields": ["annual_revenue"],
                               "documents": ["financial_statements"]}),
        "expire": (None, "", {}),
        "recommend": (actors["officer"], "good",
                      {"amount_fen": amount, "rate_bp": 360, "term_months": 24,
                       "security": "pure_credit"}),
        "bank_request_info": (actors["officer"], "need plan",
                              {"fields": [], "documents": ["business_plan"]}),
        "bank_approve": (actors["approver"], "approved", {}),
        "bank_reject": (actors["approver"], "too risky", {}),
        "contract": (actors["officer"], "", {"contract_no": f"HT-{application.id}",
                                             "signed_on": today - timedelta(days=120)}),
        "disburse": (actors["officer"], "", {"amount_fen": amount,
                                             "disbursed_on": today - timedelta(days=10)}),
        "file_with_pool": (actors["pool"], "filed", {}),
        "lapse_filing": (None, "", {}),
    }
    return steps[trigger]


def set_columns(application: Application, **changes) -> None:
    """Change stored columns as a plain SQL UPDATE would (no ORM hooks, no version bump):
    the envelope's on ``applications``, the product's own on its table."""
    model = type(application)
    envelope = Application.__table__
    own = model.__table__ if model.__table__ is not envelope else None
    for table in (envelope, own):
        if table is None:
            continue
        values = {k: v for k, v in changes.items() if k in table.c and k != "id"}
        if values:
            db.session.execute(update(table).where(table.c.id == application.id)
                               .values(**values))
    unknown = set(changes) - set(envelope.c.keys()) - set(own.c.keys() if own is not None else ())
    assert not unknown, f"no such columns: {sorted(unknown)}"
    db.session.commit()
