"""Demo data: institutions, the README's accounts and applications standing in every state.

The park, the pool, its funders and the programme's own staff are here; each product's
demo (``Product.demo``) brings its partners, their staff and the walks of its applications,
which go through the real workflow engine, so their logs and dossiers are exactly what
users would produce. Running it twice changes nothing the second time.
"""

import io
from datetime import date
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from talentfin import programme  # noqa: F401 (the products whose demos are walked)
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.identifiers import uscc_check_char
from talentfin.institutions import FOUNDER
from talentfin.institutions import KINDS
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import User
from talentfin.pool.ledger import contribute
from talentfin.pool.models import Funder
from talentfin.services import api_clients
from talentfin.services import applications as application_service
from talentfin.services import checkpoints
from talentfin.services.accounts import create_user
from talentfin.services.outbox import run_pending
from talentfin.services.parameters import seed_defaults
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.registry import products

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (published in the README on purpose)
PROGRAMME_DEMO_CLIENT = "demo-programme"  # the auditors' read-only client
DEMO_API_SECRET = "demo-secret-2026"  # noqa: S105 (the demo API clients', in the README)

ORGANISATIONS = (
    ("park", "park-laoshan", "崂山人才创新园", "Laoshan Talent Innovation Park"),
    ("pool", "pool", "人才金融风险补偿资金池", "Talent Finance Risk-Compensation Pool"),
)
STAFF = (
    ("park@demo.cn", "王园区", "park_reviewer", "park-laoshan"),
    ("pool@demo.cn", "周资金池", "pool_admin", "pool"),
    ("committee@demo.cn", "冯委员", "pool_committee", "pool"),
    ("auditor@demo.cn", "吴审计", "auditor", None),
    ("admin@demo.cn", "郑管理员", "admin", None),
)
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
FUNDERS = (("city", "市级财政", "City finance bureau", 6000, 60_000_000_00),
           ("district", "崂山区财政", "Laoshan district finance bureau", 4000, 40_000_000_00))

# A minimal valid PDF, so uploads pass the content check.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def demo_uscc(serial: int) -> str:
    """A valid-looking unified social credit code for demo firm number ``serial``."""
    body = f"91370212MA{serial:07d}"
    return body + uscc_check_char(body)


def demo_file(name: str) -> FileStorage:
    """A small valid PDF as an upload."""
    return FileStorage(io.BytesIO(DEMO_PDF), filename=name)


def seed_demo() -> list[str]:
    """Create whatever of the demo is missing; returns what it did, line by line. The demo's
    founders file years of applications in one run: the accounts' daily upload quota is
    lifted while it runs (the applications' own quota still holds)."""
    config = current_app.config
    kept = {key: config[key] for key in DAILY_QUOTAS}
    config.update(dict.fromkeys(DAILY_QUOTAS))
    try:
        return _seed_demo()
    finally:
        config.update(kept)


DAILY_QUOTAS = ("UPLOAD_MAX_PER_ACCOUNT_DAY_FILES", "UPLOAD_MAX_PER_ACCOUNT_DAY_BYTES")


def _seed_demo() -> list[str]:
    demos = [p.demo for p in products() if p.demo is not None]
    done = [f"policy: {seed_defaults()} parameter(s) added"]
    orgs = _organisations([*ORGANISATIONS, *(o for d in demos for o in d.ORGANISATIONS)])
    for email, name, role, org_code in (*STAFF, *(s for d in demos for s in d.STAFF)):
        if _user(email) is None:
            create_user(email, DEMO_PASSWORD, name, role, org_code=org_code)
            done.append(f"account {email}")
    for demo in demos:  # a product's own set-up (an insurer's terms), where it has one
        if hasattr(demo, "seed"):
            done.extend(demo.seed(orgs))
    done.extend(_api_clients(orgs))
    founders = [_founder(spec, orgs["park-laoshan"]) for spec in FOUNDERS]
    done.extend(_fund_pool())
    if db.session.scalar(select(Application.id).limit(1)) is None:
        for product in products():
            if product.demo is None:
                continue
            for index, (target, founder_index, partner) in enumerate(product.demo.WALKS):
                application = walk(product, founders[founder_index], orgs[partner], target,
                                   index)
                done.append(f"application {application.reference}: {application.status}")
    # The demo's history sealed at once, as the scheduler's hourly job would: the audit page
    # of a fresh demo shows its chains sealed, not hundreds of rows waiting for the hour.
    sealed = checkpoints.seal()
    db.session.commit()
    if sealed is not None:
        done.append(f"audit checkpoint {sealed.seq}: {sealed.leaves} chain head(s) sealed")
    rendered, failed = run_pending(limit=1000)
    done.append(f"outbox tasks done (dossiers, notifications): {rendered} (failed: {failed})")
    return done


def _api_clients(orgs: dict[str, Organisation]) -> list[str]:
    """One API client per partner organisation, ``demo-<code>`` with every scope and the
    published demo secret, so a partner's developer can try the API at once; and
    ``demo-programme``, reading for the auditors and the administrators."""
    done = []
    for code, org in orgs.items():
        kind = KINDS.get(org.kind)
        client_id = f"demo-{code}"
        if kind is None or not kind.partner or api_clients.query_client(client_id):
            continue
        api_clients.register(org, f"{org.name} 演示系统", list(api_clients.known_scopes()), None,
                             client_id=client_id, secret=DEMO_API_SECRET)
        done.append(f"api client {client_id}")
    if not api_clients.query_client(PROGRAMME_DEMO_CLIENT):
        api_clients.register(None, "审计演示系统", list(api_clients.PROGRAMME_SCOPES), None,
                             client_id=PROGRAMME_DEMO_CLIENT, secret=DEMO_API_SECRET)
        done.append(f"api client {PROGRAMME_DEMO_CLIENT}")
    return done


def walk(product, founder: User, partner: Organisation, target: str, index: int,
         today: date | None = None) -> Application:
    """A product's demo application of ``founder`` walked by the engine to ``target``."""
    demo = product.demo
    today = today or business_today()
    if hasattr(demo, "start"):  # a file a partner's staff open (a bond), not a founder
        application = demo.start(index, partner, today)
    else:
        application = application_service.start_application(founder, product.key)
        application_service.save_request(application,
                                         demo.request(index, partner.id, application))
        for document in product.documents:
            if document.required:
                save_attachment(application, document.key, demo_file(f"{document.key}.pdf"),
                                founder)
    # Who acts on the route, where the walk is going, and how a step uploads a paper.
    people = SimpleNamespace(park=_user("park@demo.cn"), pool=_user("pool@demo.cn"),
                             committee=_user("committee@demo.cn"), founder=founder,
                             officer=_staff(demo.OFFICER, partner),
                             approver=_staff(demo.APPROVER, partner), target=target)
    people.upload = lambda kind, user: save_attachment(application, kind,
                                                       demo_file(f"{kind}.pdf"), user)
    for trigger in demo.PATHS[target]:
        # What happens between two firings (a product's own records: votes, findings).
        if hasattr(demo, "before_step"):
            demo.before_step(trigger, application, people, today)
        actor, comment, data = demo.step(trigger, application, people, today,
                                         demo.disbursed_days_ago(target))
        if FOUNDER in product.workflow.transition(trigger).roles:
            actor = founder
        for kind in demo.PAPERS_BEFORE.get(trigger, ()):
            people.upload(kind, founder if FOUNDER in product.document(kind).roles
                          else people.officer)
        if trigger in demo.WAITED_BEFORE:
            application.status_changed_at -= timedelta(days=demo.WAITED_BEFORE[trigger])
            db.session.commit()
        engine.fire(application, trigger, actor, comment=comment, data=data, today=today)
    if hasattr(demo, "finish"):
        demo.finish(application, people, today)
    return application


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


def _organisations(specs) -> dict[str, Organisation]:
    orgs = {}
    for kind, code, name, name_en in specs:
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
    return create_user(spec["email"], DEMO_PASSWORD, spec["name"], FOUNDER,
                       enterprise_id=enterprise.id)


def _staff(role: str, org: Organisation) -> User:
    return db.session.scalar(select(User).where(User.role == role, User.org_id == org.id))
