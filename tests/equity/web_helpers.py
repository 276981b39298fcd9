"""What the web tests of 人才投 share: two funds with their staff and committees, an insurer,
deals in any state walked by the real engine with the demo's steps, and pages as the user
reads them (in English)."""

import html
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services import applications as application_service
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.equity import EQUITY
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import demo as equity_demo
from talentfin.workflows.equity import monitoring
from talentfin.workflows.equity.models import EquityApplication
from tests import factories
from tests.web import fire
from tests.web import text as raw_text

PATHS = equity_demo.PATHS
REQUIRED_DOCUMENTS = tuple(d.key for d in EQUITY.documents if d.required)
CAP_TABLE = [{"name": "陈海洋", "stake_bp": 6000}, {"name": "蓝海创投", "stake_bp": 2500},
             {"name": "员工持股平台", "stake_bp": 1500}]
# 3,000,000 yuan at a pre-money valuation of 20,000,000: 13.04 % after the round.
REQUEST = {"requested_amount_fen": 3_000_000_00, "asked_pre_money_fen": 20_000_000_00,
           "staff": 10, "rd_staff": 4, "total_assets_fen": 18_000_000_00,
           "revenue_fen": 6_500_000_00, "purpose": "用于新一代传感器研发及首批量产线建设。"}


@dataclass
class Funds:
    """Two funds, each with an investment manager, approvers and a committee (its first
    member the chair), and an insurer's staff (outsiders to every deal)."""

    fund1: Organisation
    fund2: Organisation
    insurer: Organisation
    manager1: User
    approver1: User
    approver1b: User
    members1: list[User]
    manager2: User
    approver2: User
    members2: list[User]
    underwriter: User
    insurer_approver: User

    @property
    def chair1(self) -> User:
        return self.members1[0]

    @property
    def chair2(self) -> User:
        return self.members2[0]


def make_funds() -> Funds:
    """The funds of the tests: fund 1 with a five-member committee, fund 2 with three."""
    fund1 = factories.organisation("fund", "fund-1", "一号基金")
    fund2 = factories.organisation("fund", "fund-2", "二号基金")
    insurer = factories.organisation("insurer", "insurer-1", "一号保险")
    members1 = [factories.user(f"ic{n}@f1.cn", "fund_ic", fund1) for n in range(1, 6)]
    members2 = [factories.user(f"ic{n}@f2.cn", "fund_ic", fund2) for n in range(1, 4)]
    committee.set_chair(fund1.id, members1[0])
    committee.set_chair(fund2.id, members2[0])
    db.session.commit()
    return Funds(
        fund1=fund1, fund2=fund2, insurer=insurer,
        manager1=factories.user("manager1@f1.cn", "fund_officer", fund1),
        approver1=factories.user("approver1@f1.cn", "fund_approver", fund1),
        approver1b=factories.user("approver1b@f1.cn", "fund_approver", fund1),
        members1=members1,
        manager2=factories.user("manager2@f2.cn", "fund_officer", fund2),
        approver2=factories.user("approver2@f2.cn", "fund_approver", fund2),
        members2=members2,
        underwriter=factories.user("uw@ins.cn", "insurer_officer", insurer),
        insurer_approver=factories.user("ia@ins.cn", "insurer_approver", insurer),
    )


def pdf(name: str = "doc.pdf"):
    """A small valid PDF as an upload."""
    return factories.pdf_upload(name)


def deal(world, funds: Funds, *, founder: User | None = None, fund: Organisation | None = None,
         documents: bool = True, **changes) -> EquityApplication:
    """A filled-in draft of ``founder`` (founder 1) to ``fund`` (fund 1)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "equity")
    application_service.save_request(application, {
        **REQUEST, "cap_table": [dict(row) for row in CAP_TABLE],
        "partner_org_id": (fund or funds.fund1).id, **changes})
    if documents:
        for kind in REQUIRED_DOCUMENTS:
            save_attachment(application, kind, pdf(f"{kind}.pdf"), founder)
    return application


def people(world, funds: Funds, application, target: str = "") -> SimpleNamespace:
    """Who acts on a deal: its park's reviewer, its fund's staff, its founder."""
    first = application.partner_org_id == funds.fund1.id
    park = (world.park_reviewer if application.enterprise.park_id == world.park.id
            else world.park2_reviewer)
    who = SimpleNamespace(
        park=park, pool=world.pool_admin, committee=world.committee, target=target,
        founder=application.applicant,
        officer=funds.manager1 if first else funds.manager2,
        approver=funds.approver1 if first else funds.approver2)
    who.upload = lambda kind, user: save_attachment(application, kind, pdf(f"{kind}.pdf"),
                                                    user)
    return who


def advance(world, funds: Funds, application, trigger: str, target: str = "") -> None:
    """Fire one step as the demo does (its records between two firings, its data)."""
    who = people(world, funds, application, target)
    today = business_today()
    equity_demo.before_step(trigger, application, who, today)
    actor, comment, data = equity_demo.step(trigger, application, who, today)
    if "founder" in EQUITY.workflow.transition(trigger).roles:
        actor = application.applicant
    for kind in equity_demo.PAPERS_BEFORE.get(trigger, ()):
        who.upload(kind, who.officer)
    if trigger in equity_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=equity_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    engine.fire(application, trigger, actor, comment=comment, data=data, today=today)


def deal_in(world, funds: Funds, state: str, **kwargs) -> EquityApplication:
    """A deal walked by the engine to ``state`` (a portfolio deal's dates in the past, its
    reports owed scheduled, none filed)."""
    application = deal(world, funds, **kwargs)
    for trigger in PATHS[state]:
        advance(world, funds, application, trigger, state)
    if application.status in ("monitoring", "exit_approval"):
        monitoring.schedule(application, business_today())
        db.session.commit()
    return application


# --- pages ---------------------------------------------------------------------------------

def text(response) -> str:
    """The page as the user reads it (entities decoded)."""
    return html.unescape(raw_text(response))


def card(page: str, element_id: str) -> str:
    """The part of a page from the element with this id to the end of its card (or of the
    element), as the user reads it."""
    start = page.find(f'id="{element_id}"')
    if start < 0:
        return ""
    end = page.find('<div class="card shadow-sm', start)
    return page[start:end if end > 0 else None]


def section(page: str, element_id: str) -> str:
    """The table with this id on the fund's book."""
    start = page.find(f'id="{element_id}"')
    if start < 0:
        return ""
    return page[start:page.find("</table>", start)]


def status_of(page: str) -> str:
    """The status badge as the user reads it."""
    found = re.search(r'id="status">([^<]*)<', page)
    assert found, "no status badge on the page"
    return found.group(1).strip()


def flashes(page: str) -> str:
    """The flashed messages of a page."""
    return " ".join(re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S))


def day(offset: int = 0) -> str:
    """Today plus ``offset`` days, as a date field takes it."""
    return (business_today() + timedelta(days=offset)).isoformat()


def stage_upload(client, application_id: int, kind: str, name: str | None = None):
    """Upload a paper of a later stage from the application page."""
    return client.post(f"/applications/{application_id}/documents", data={
        "document-kind": kind, "document-file": (io.BytesIO(DEMO_PDF), name or f"{kind}.pdf")},
        content_type="multipart/form-data")


def post_finding(client, application_id: int, kind: str, finding: str = "clear",
                 text_: str = "", report: bool = True, name: str | None = None):
    """A workstream's finding, with its report, from the page's form."""
    data = {f"ws-{kind}-finding": finding, f"ws-{kind}-text": text_}
    if report:
        data[f"ws-{kind}-report"] = (io.BytesIO(DEMO_PDF), name or f"dd_{kind}.pdf")
    return client.post(f"/equity/{application_id}/workstreams/{kind}", data=data,
                       content_type="multipart/form-data")


def post_meeting(client, application_id: int, agenda: str = "审议投资方案。",
                 held_on: str | None = None):
    """The chair opens the meeting from the page's form."""
    return client.post(f"/equity/{application_id}/meeting", data={
        "meeting-agenda": agenda, "meeting-held_on": held_on or day()})


def post_vote(client, application_id: int, vote: str, reason: str = ""):
    """A member's vote from the page's form."""
    return client.post(f"/equity/{application_id}/vote",
                       data={"vote-vote": vote, "vote-reason": reason})


def post_report(client, application_id: int, obligation_id: int, name: str = "q.pdf"):
    """The founder files a report owed from the page's form."""
    return client.post(f"/equity/{application_id}/reports/{obligation_id}",
                       data={f"report-{obligation_id}-report": (io.BytesIO(DEMO_PDF), name)},
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
