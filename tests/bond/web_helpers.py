"""What the web tests of 人才债 share: two underwriters with their staff, two issuers with
their officers, outsiders of the other partner kinds (an insurer, a fund), bonds and
allocations in any state walked by the real engine with the demo's steps, and pages as the
user reads them (in English)."""

import html
import io
import re
import threading
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from flask import g

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.demo import demo_uscc
from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services import applications as application_service
from talentfin.services.bond import issues as bond_service
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.bond import BOND
from talentfin.workflows.bond import demo as bond_demo
from talentfin.workflows.bond import issue_demo
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from tests import factories
from tests.web import fire
from tests.web import text as raw_text

ISSUE_PATHS = issue_demo.PATHS
PATHS = bond_demo.PATHS
REQUIRED_DOCUMENTS = tuple(d.key for d in BOND.documents if d.required)
SIZE_FEN = 200_000_000_00  # 200,000,000 yuan: a firm's 10 % is 20,000,000
COUPON_BP = 320  # 3.20 %: the on-lending rate is at most 4.70 %
PURPOSE = "用于研发投入与原材料采购，按用款计划分期使用。"


@dataclass
class Desk:
    """Two underwriters (an officer and approvers each), two issuers (an officer each), and
    an insurer's and a fund's staff (outsiders to every bond)."""

    uw1: Organisation
    uw2: Organisation
    issuer1: Organisation
    issuer2: Organisation
    officer1: User
    approver1: User
    approver1b: User
    officer2: User
    approver2: User
    issuer_officer1: User
    issuer_officer2: User
    insurer_officer: User
    insurer_approver: User
    fund_officer: User
    fund_approver: User

    def staff(self, org_id: int) -> tuple[User, User]:
        """(officer, approver) of an underwriter."""
        if org_id == self.uw1.id:
            return self.officer1, self.approver1
        return self.officer2, self.approver2

    def issuer_officer(self, org_id: int) -> User:
        """The officer of an issuer."""
        return self.issuer_officer1 if org_id == self.issuer1.id else self.issuer_officer2


def make_desk() -> Desk:
    """The underwriters, issuers and outsiders of the tests."""
    uw1 = factories.organisation("underwriter", "uw-1", "一号证券")
    uw2 = factories.organisation("underwriter", "uw-2", "二号证券")
    issuer1 = factories.organisation("issuer", "issuer-1", "一号人才金控集团")
    issuer2 = factories.organisation("issuer", "issuer-2", "二号人才金控集团")
    insurer = factories.organisation("insurer", "insurer-1", "一号保险")
    fund = factories.organisation("fund", "fund-1", "一号基金")
    return Desk(
        uw1=uw1, uw2=uw2, issuer1=issuer1, issuer2=issuer2,
        officer1=factories.user("uo1@t.cn", "underwriter_officer", uw1),
        approver1=factories.user("ua1@t.cn", "underwriter_approver", uw1),
        approver1b=factories.user("ua1b@t.cn", "underwriter_approver", uw1),
        officer2=factories.user("uo2@t.cn", "underwriter_officer", uw2),
        approver2=factories.user("ua2@t.cn", "underwriter_approver", uw2),
        issuer_officer1=factories.user("io1@t.cn", "issuer_officer", issuer1),
        issuer_officer2=factories.user("io2@t.cn", "issuer_officer", issuer2),
        insurer_officer=factories.user("ins@t.cn", "insurer_officer", insurer),
        insurer_approver=factories.user("insa@t.cn", "insurer_approver", insurer),
        fund_officer=factories.user("fo@t.cn", "fund_officer", fund),
        fund_approver=factories.user("fa@t.cn", "fund_approver", fund),
    )


def issuer_uscc(desk: Desk, issuer: Organisation) -> str:
    """The issuer's company's unified social credit code."""
    return demo_uscc(901 if issuer.id == desk.issuer1.id else 902)


def upload(application, kind: str, user: User):
    """A paper of a kind, uploaded by ``user`` (as the service stores it)."""
    return save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), user)


# --- bonds ---------------------------------------------------------------------------------

def bond_steps(bond: BondIssue, officer: User, approver: User, size_fen: int,
               coupon_bp: int) -> dict:
    """(actor, comment, data) of each step of a bond."""
    today = business_today()
    return {
        "register": (officer, "交易商协会注册通过。",
                     {"registration_no": f"中市协注〔2026〕T{bond.id}号",
                      "registered_on": today}),
        "issue": (approver, "簿记建档完成，按期发行。",
                  {"code": f"03{bond.id:06d}", "size_fen": size_fen, "coupon_bp": coupon_bp,
                   "term_months": 36, "coupon_months": 12, "issued_on": today}),
        "open_allocation": (officer, "开始受理额度申请。", {}),
        "close_allocation": (approver, "额度分配结束。", {}),
        "redeem": (officer, "本息已全额兑付。", {}),
        "cancel": (approver, "发行人调整融资计划。", {}),
    }


def advance_bond(desk: Desk, bond: BondIssue, trigger: str, *, size_fen: int = SIZE_FEN,
                 coupon_bp: int = COUPON_BP) -> None:
    """Fire one step of a bond with its papers filed first (the issuer's resolution by the
    issuer's officer, the others by the underwriting officer)."""
    officer, approver = desk.staff(bond.partner_org_id)
    if trigger == "register":
        upload(bond, "board_resolution", desk.issuer_officer(bond.issuer_org_id))
    elif trigger == "redeem":  # issued long enough ago to have matured
        bond.issued_on = business_today() - relativedelta(months=bond.term_months) \
            - timedelta(days=1)
        bond.registered_on = bond.issued_on - timedelta(days=30)
        db.session.commit()
    for kind in issue_demo.PAPERS_BEFORE.get(trigger, ()):
        upload(bond, kind, officer)
    actor, comment, data = bond_steps(bond, officer, approver, size_fen, coupon_bp)[trigger]
    engine.fire(bond, trigger, actor, comment=comment, data=data, today=business_today())


def bond_in(desk: Desk, state: str = "allocating", *, underwriter: Organisation | None = None,
            issuer: Organisation | None = None, name: str | None = None,
            size_fen: int = SIZE_FEN, coupon_bp: int = COUPON_BP) -> BondIssue:
    """A bond planned by its underwriting officer and walked by the engine to ``state``."""
    underwriter = underwriter or desk.uw1
    issuer = issuer or desk.issuer1
    officer, _approver = desk.staff(underwriter.id)
    count = db.session.query(BondIssue).count()
    bond = bond_service.plan_bond(officer, name or f"2026年测试人才债券（第{count + 1}期）",
                                  issuer, issuer_uscc(desk, issuer))
    for trigger in ISSUE_PATHS[state]:
        advance_bond(desk, bond, trigger, size_fen=size_fen, coupon_bp=coupon_bp)
    return bond


# --- allocations ---------------------------------------------------------------------------

def draft(world, bond: BondIssue, *, founder: User | None = None,
          amount_fen: int = 1_000_000_00, term: int = 24,
          documents: bool = True) -> BondAllocation:
    """A filled-in draft of ``founder`` (founder 1) asking ``bond`` (1,000,000 yuan)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "bond")
    application_service.save_request(application, {
        "partner_org_id": bond.partner_org_id, "bond_id": bond.id,
        "requested_amount_fen": amount_fen, "requested_term_months": term,
        "purpose": PURPOSE})
    if documents:
        for kind in REQUIRED_DOCUMENTS:
            upload(application, kind, founder)
    return application


def people(world, desk: Desk, application: BondAllocation) -> SimpleNamespace:
    """Who acts on an allocation: its park's reviewer, its underwriter's staff, the founder."""
    park = (world.park_reviewer if application.enterprise.park_id == world.park.id
            else world.park2_reviewer)
    officer, approver = desk.staff(application.partner_org_id)
    return SimpleNamespace(park=park, officer=officer, approver=approver,
                           founder=application.applicant, pool=world.pool_admin)


def advance(world, desk: Desk, application: BondAllocation, trigger: str) -> None:
    """Fire one step of an allocation as the demo does (its papers first, its data)."""
    who = people(world, desk, application)
    today = business_today()
    actor, comment, data = bond_demo.step(trigger, application, who, today)
    if "founder" in BOND.workflow.transition(trigger).roles:
        actor = application.applicant
    for kind in bond_demo.PAPERS_BEFORE.get(trigger, ()):
        upload(application, kind, who.officer)
    if trigger in bond_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=bond_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    engine.fire(application, trigger, actor, comment=comment, data=data, today=today)


def allocation_in(world, desk: Desk, state: str, bond: BondIssue | None = None,
                  **draft_args) -> BondAllocation:
    """An allocation of ``bond`` (a new bond of underwriter 1 open for allocations) walked
    by the engine to ``state``."""
    bond = bond or bond_in(desk)
    application = draft(world, bond, **draft_args)
    for trigger in PATHS[state]:
        advance(world, desk, application, trigger)
    return application


# --- pages ---------------------------------------------------------------------------------

def text(response) -> str:
    """The page as the user reads it (entities decoded)."""
    return html.unescape(raw_text(response))


def element(page: str, element_id: str) -> str:
    """The text of the element with this id up to its next tag (a badge, a <dd>)."""
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', page, re.S)
    return found.group(1).strip() if found else ""


def card(page: str, element_id: str) -> str:
    """The part of a page from the element with this id to the next card (or the end)."""
    start = page.find(f'id="{element_id}"')
    if start < 0:
        return ""
    end = page.find('<div class="card shadow-sm', start)
    return page[start:end if end > 0 else None]


def book_line(page: str, bond_id: int) -> str:
    """One bond's section of the underwriter's book."""
    start = page.find(f'id="bond-{bond_id}"')
    if start < 0:
        return ""
    end = page.find("</section>", start)
    return page[start:end]


def status_of(page: str) -> str:
    """The status badge as the user reads it."""
    found = re.search(r'id="status">([^<]*)<', page)
    assert found, "no status badge on the page"
    return found.group(1).strip()


def flashes(page: str) -> str:
    """The alerts of a page (flashed messages and notices)."""
    return " ".join(re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S))


def day(offset: int = 0) -> str:
    """Today plus ``offset`` days, as a date field takes it."""
    return (business_today() + timedelta(days=offset)).isoformat()


def stage_upload(client, application_id: int, kind: str, name: str | None = None):
    """Upload a paper of a later stage from the application page."""
    return client.post(f"/applications/{application_id}/documents", data={
        "document-kind": kind, "document-file": (io.BytesIO(DEMO_PDF), name or f"{kind}.pdf")},
        content_type="multipart/form-data")


def refused(client, application_id: int, trigger: str, **fields) -> str:
    """Fire a transition's form that must be refused; the page the user then reads."""
    response = fire(client, application_id, trigger, **fields)
    assert response.status_code == 422, (response.status_code, text(response)[-2000:])
    return text(response)


def done(client, application_id: int, trigger: str, **fields) -> None:
    """Fire a transition's form that must go through."""
    response = fire(client, application_id, trigger, **fields)
    assert response.status_code == 302, text(response)[-3000:]


def request_form(client, application_id: int, **fields):
    """Post the founder's request step (the fields as typed, strings)."""
    return client.post(f"/applications/{application_id}/edit/request", data=fields)


# --- several users at once -----------------------------------------------------------------

def together(app, calls) -> list:
    """Run each call (a function of nothing) in its own thread at once; their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def work(index, call):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def client_of(app, user: User):
    """A test client of its own, logged in as ``user`` and reading English (in its own
    session: the requests of the test's thread share one app context, where Flask-Login
    keeps the user it loaded)."""
    client = app.test_client()
    g.pop("_login_user", None)
    assert client.post("/login", data={"email": user.email,
                                       "password": factories.PASSWORD}).status_code == 302
    client.post("/language", data={"lang": "en"})
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{user.id}.")
    return client
