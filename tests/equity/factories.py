"""Funds, their staff and investment committees, and 人才投 applications in any state,
moved by the real engine with the data the demo's steps give (as ``tests.factories`` does
for loans): the workstreams filed by their owner, the committee's meeting opened by its
chair and its members' votes cast, the publicity period over, before the step that needs
them."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.services import applications as application_service
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import demo as equity_demo
from talentfin.workflows.equity import diligence
from talentfin.workflows.equity.definition import WORKFLOW
from talentfin.workflows.equity.labels import COMMITTEE
from talentfin.workflows.equity.labels import DOCUMENTS
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.models import Meeting
from tests import factories

PATHS = equity_demo.PATHS
# States whose walk pays the money in: by default long enough ago for an exit today.
FUNDED = ("monitoring", "exit_approval", "exited")
FUNDED_DAYS_AGO = 400
# The founder's cap table before the round: the founder's stake is the largest.
CAP_TABLE = ({"name": "测试人才", "stake_bp": 6000}, {"name": "蓝海创投", "stake_bp": 2500},
             {"name": "员工持股平台", "stake_bp": 1500})
REQUIRED = tuple(d.key for d in DOCUMENTS if d.required)


@dataclass
class Funds:
    """Two funds: a manager and approvers each, fund 1's committee of five (the first its
    chair) and fund 2's of three."""

    fund1: Organisation
    fund2: Organisation
    manager1: User
    approver1: User
    approver1b: User
    manager2: User
    approver2: User
    members1: list[User] = field(default_factory=list)
    members2: list[User] = field(default_factory=list)

    @property
    def chair1(self) -> User:
        """Fund 1's committee chair."""
        return self.members1[0]


def add_members(fund: Organisation, count: int, prefix: str | None = None) -> list[User]:
    """``count`` more committee members of the fund (named ic<n>@<fund code>.t.cn)."""
    prefix = prefix or fund.code
    start = len(db.session.scalars(select(User.id).where(  # members who left included
        User.org_id == fund.id, User.role == COMMITTEE)).all())
    return [factories.user(f"ic{start + i + 1}@{prefix}.t.cn", COMMITTEE, fund)
            for i in range(count)]


def make_committee(fund: Organisation, size: int) -> list[User]:
    """A committee of ``size`` members for the fund, the first named its chair."""
    members = add_members(fund, size)
    committee.set_chair(fund.id, members[0])
    db.session.commit()
    return members


def make_funds(size1: int = 5, size2: int = 3) -> Funds:
    """The funds of the tests, their staff and their committees."""
    fund1 = factories.organisation("fund", "fund-1", "一号基金")
    fund2 = factories.organisation("fund", "fund-2", "二号基金")
    return Funds(
        fund1=fund1, fund2=fund2,
        manager1=factories.user("im1@t.cn", "fund_officer", fund1),
        approver1=factories.user("fa1@t.cn", "fund_approver", fund1),
        approver1b=factories.user("fa1b@t.cn", "fund_approver", fund1),
        manager2=factories.user("im2@t.cn", "fund_officer", fund2),
        approver2=factories.user("fa2@t.cn", "fund_approver", fund2),
        members1=make_committee(fund1, size1), members2=make_committee(fund2, size2),
    )


def draft(world, funds: Funds, *, founder: User | None = None,
          fund: Organisation | None = None, amount_fen: int = 3_000_000_00,
          pre_money_fen: int = 20_000_000_00, staff: int = 28, rd_staff: int = 12,
          assets_fen: int = 18_000_000_00, revenue_fen: int = 6_500_000_00,
          cap_table=CAP_TABLE, documents: bool = True) -> EquityApplication:
    """A filled-in draft (3,000,000 yuan for 13.04 % at 20,000,000 pre-money by default)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "equity")
    application_service.save_request(application, {
        "partner_org_id": (fund or funds.fund1).id, "requested_amount_fen": amount_fen,
        "asked_pre_money_fen": pre_money_fen, "staff": staff, "rd_staff": rd_staff,
        "total_assets_fen": assets_fen, "revenue_fen": revenue_fen,
        "cap_table": [dict(row) for row in cap_table],
        "purpose": "用于新一代产品研发与团队扩充。"})
    if documents:
        for kind in REQUIRED:
            save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), founder)
    return application


def people(world, funds: Funds, application: EquityApplication,
           target: str = "") -> SimpleNamespace:
    """Who acts on a deal: its park's reviewer, its fund's manager and approver, the
    founder; ``upload`` stores a paper of a kind for a user."""
    first = application.partner_org_id == funds.fund1.id
    park = (world.park_reviewer if application.enterprise.park_id == world.park.id
            else world.park2_reviewer)
    who = SimpleNamespace(
        park=park, pool=world.pool_admin, committee=world.committee, target=target,
        founder=application.applicant,
        officer=funds.manager1 if first else funds.manager2,
        approver=funds.approver1 if first else funds.approver2)
    who.upload = lambda kind, user: upload(application, kind, user)
    return who


def upload(application: EquityApplication, kind: str, user: User):
    """A paper of a kind, uploaded by ``user``."""
    return save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), user)


def step(world, funds: Funds, application: EquityApplication, trigger: str,
         today: date | None = None) -> tuple[User | None, str, dict]:
    """(actor, comment, data) the demo gives for a step (the founder fires the founder's)."""
    who = people(world, funds, application)
    others = {  # the steps no demo walk takes
        "resubmit": (None, "", {}), "fund_resubmit": (None, "", {}),
        "prescreen_decline": (who.officer, "不符合基金投资方向。", {}),
        "return_project": (who.approver, "请补充市场分析。", {}),
        "dd_decline": (who.approver, "尽调发现重大风险。", {}),
        "uphold_objection": (who.approver, "公示期收到实名异议，经核实成立。", {}),
        "return_exit": (who.approver, "退出价格偏低，请重新协商。", {}),
    }
    if trigger in others:
        actor, comment, data = others[trigger]
    else:
        actor, comment, data = equity_demo.step(trigger, application, who,
                                                today or business_today())
    if "founder" in WORKFLOW.transition(trigger).roles and actor is None:
        actor = application.applicant
    return actor, comment, data


def advance(world, funds: Funds, application: EquityApplication, trigger: str, *,
            papers: bool = True, today: date | None = None, **override) -> engine.Fired:
    """Fire one step with the data its actor would give (``actor``, ``comment`` and
    ``data`` override them; ``data`` is merged); with ``papers`` its documents first."""
    actor, comment, data = step(world, funds, application, trigger, today)
    actor = override.get("actor", actor)
    comment = override.get("comment", comment)
    data = {**data, **override.get("data", {})}
    who = people(world, funds, application)
    for kind in equity_demo.PAPERS_BEFORE.get(trigger, ()) if papers else ():
        upload(application, kind, who.founder if kind == "registration_change" else who.officer)
    if trigger in equity_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=equity_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    return engine.fire(application, trigger, actor, comment=comment, data=data, today=today)


def file_all_findings(application: EquityApplication, red_flag: str = "") -> None:
    """Each workstream's owner uploads its report and files it (the legal one with a red
    flag when ``red_flag`` says what it is)."""
    for stream in diligence.workstreams(application):
        report = upload(application, diligence.REPORT_KINDS[stream.kind], stream.owner)
        flag = stream.kind == "legal" and red_flag
        diligence.file_finding(application, stream.kind, stream.owner,
                               "red_flag" if flag else "clear", red_flag if flag else "",
                               report)
    db.session.commit()


def open_meeting(application: EquityApplication, held_on: date | None = None) -> Meeting:
    """The chair of the application's fund opens the committee's meeting on it."""
    chair = committee.chair_of(application.partner_org_id)
    return committee.open_meeting(application, chair, "审议投资方案。",
                                  held_on or business_today())


def vote_all(meeting: Meeting, votes: list[str] | str) -> None:
    """The meeting's members vote in turn (one vote for all, or one each; a recusal or a
    vote against says why)."""
    votes = [votes] * len(meeting.member_ids) if isinstance(votes, str) else votes
    for member_id, choice in zip(meeting.member_ids, votes, strict=False):
        reason = "本人持有该企业股份。" if choice == "recuse" else (
            "估值偏高。" if choice == "against" else "")
        committee.cast_vote(meeting, db.session.get(User, member_id), choice, reason)


def prepare(application: EquityApplication, trigger: str, funded_on: date | None) -> None:
    """What happens before a step of the walk: the workstreams filed, the meeting held,
    the publicity period over (the day before the money goes in)."""
    if trigger == "complete_dd":
        file_all_findings(application)
    elif trigger in ("ic_approve", "ic_reject"):
        vote_all(open_meeting(application), "for" if trigger == "ic_approve" else "against")
    elif trigger == "close_publicity":
        application.publicity_ends_on = (funded_on or business_today()) - timedelta(days=1)
        db.session.commit()


def equity_in(world, funds: Funds, state: str, *, funded_on: date | None = None,
              **draft_args) -> EquityApplication:
    """A 人才投 application walked by the engine to ``state``; one walked past the signing
    has its agreement signed (and its money paid in) on ``funded_on``: by default today,
    or 400 days ago for a portfolio firm or an exit."""
    if funded_on is None and state in FUNDED:
        funded_on = business_today() - timedelta(days=FUNDED_DAYS_AGO)
    application = draft(world, funds, **draft_args)
    for trigger in PATHS[state]:
        prepare(application, trigger, funded_on)
        data = {}
        if trigger == "sign" and funded_on is not None:
            data = {"signed_on": funded_on}
        elif trigger == "record_funding" and funded_on is not None:
            data = {"funded_on": funded_on}
        advance(world, funds, application, trigger, data=data)
    return application


def set_parameter(key: str, value: str, since: date = date(2020, 1, 1)) -> None:
    """A policy parameter's new value, in force from ``since``."""
    db.session.add(PolicyParameter(key=key, value=value, effective_from=since))
    db.session.commit()


def refused(world, funds: Funds, application: EquityApplication, trigger: str, *,
            error: type[engine.TransitionError] = engine.Refused, **override) -> str:
    """Fire a step that must not happen (as ``advance``): what the user is told, in
    English; the application stays where it was."""
    before = application.status
    with force_locale("en"), pytest.raises(error) as caught:
        advance(world, funds, application, trigger, **override)
    assert type(caught.value) is error, caught.value
    db.session.expire_all()
    assert application.status == before
    return caught.value.message


def refusal(call, *args, error: type[Exception] = engine.Refused, **kwargs) -> str:
    """Call a service that must refuse: its message, in English."""
    with force_locale("en"), pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is error, caught.value
    return caught.value.message
