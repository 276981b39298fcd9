"""Project approval and due diligence: the approver opens the business, legal and financial
workstreams, each with an owner among the fund's active staff; only its owner, or the fund's
approver, files a workstream's report and finding; a red flag says what it is; due
diligence completes only when all three are closed, and past a red flag only with the
manager's word on why the project goes on."""

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services.equity import desk
from talentfin.workflows import engine
from talentfin.workflows.equity import diligence
from tests import factories
from tests.equity.factories import advance
from tests.equity.factories import equity_in
from tests.equity.factories import refusal
from tests.equity.factories import refused
from tests.equity.factories import upload

NOT_YOURS = "Only the workstream's owner, or the fund's approver, files its finding."
STILL_OPEN = "Still open: {}. Every workstream files its report and finding first."
RED_FLAG_COMMENT = ("Due diligence raised a red flag: say in the comment why the project "
                    "goes on.")


@pytest.fixture
def manager1b(funds):
    """A second investment manager of fund 1."""
    return factories.user("im1b@t.cn", "fund_officer", funds.fund1)


def _approved(world, funds, owners: dict):
    """A project approved with these workstream owners."""
    application = equity_in(world, funds, "project_approval")
    advance(world, funds, application, "approve_project",
            data={"owners": {kind: user.id for kind, user in owners.items()}})
    assert application.status == "due_diligence"
    return application


def _owners(funds, manager1b) -> dict:
    return {"business": funds.manager1, "legal": manager1b, "financial": funds.approver1b}


def _streams(application) -> list[tuple]:
    db.session.expire_all()
    return [(w.kind, w.owner.email, w.finding, w.finding_text, w.closed_at is not None)
            for w in diligence.workstreams(application)]


def _file(application, kind, user, finding="clear", text=""):
    """The user uploads the workstream's report and files its finding (the fund's desk)."""
    desk.file_finding(application, kind, user, finding, text,
                      factories.pdf_upload(f"dd_{kind}.pdf"))


def test_project_approval_opens_the_three_workstreams_with_their_owners(world, funds,
                                                                        manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    assert _streams(application) == [
        ("business", "im1@t.cn", None, "", False), ("legal", "im1b@t.cn", None, "", False),
        ("financial", "fa1b@t.cn", None, "", False)]
    assert {w.started_on for w in diligence.workstreams(application)} == {business_today()}
    assert db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == application.id,
        Dossier.stage == "project_approval")).all() == ["project_approval"]


@pytest.mark.parametrize("owner", ["manager2", "member", "gone", "founder", None])
def test_each_owner_is_one_of_the_funds_active_staff(world, funds, manager1b, owner):
    if owner == "gone":
        manager1b.active = False
        db.session.commit()
    chosen = {"manager2": funds.manager2, "member": funds.members1[1], "gone": manager1b,
              "founder": world.founder, None: None}[owner]
    application = equity_in(world, funds, "project_approval")
    owners = {"business": funds.manager1.id, "legal": chosen.id if chosen else None,
              "financial": funds.approver1.id}
    assert (refused(world, funds, application, "approve_project", data={"owners": owners})
            == "Choose the owner of the Legal due diligence among the fund's staff.")
    assert diligence.workstreams(application) == []


def test_only_the_owner_or_the_funds_approver_files_a_finding(world, funds, manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    for other in (funds.manager1, funds.approver2, funds.manager2, funds.members1[0],
                  world.founder):
        assert refusal(desk.file_finding, application, "legal", other, "clear", "",
                       factories.pdf_upload(), error=engine.Forbidden) == NOT_YOURS
    assert _streams(application)[1] == ("legal", "im1b@t.cn", None, "", False)
    _file(application, "legal", manager1b)  # its owner
    _file(application, "business", funds.approver1)  # the approver, for the owner
    streams = {w.kind: w for w in diligence.workstreams(application)}
    assert (streams["legal"].closed_by_id, streams["business"].closed_by_id) == (
        manager1b.id, funds.approver1.id)
    assert streams["legal"].report.kind == "dd_legal"


@pytest.mark.parametrize("text", ["", "   "])
def test_a_red_flag_says_what_it_is(world, funds, manager1b, text):
    application = _approved(world, funds, _owners(funds, manager1b))
    assert refusal(desk.file_finding, application, "legal", manager1b, "red_flag", text,
                   factories.pdf_upload()) == "Say what the red flag is."
    assert refusal(desk.file_finding, application, "legal", manager1b, "unsure", "",
                   factories.pdf_upload()) == "Choose the finding: no red flag, or a red flag."
    assert _streams(application)[1] == ("legal", "im1b@t.cn", None, "", False)
    _file(application, "legal", manager1b, "red_flag", " 核心专利存在权属争议。 ")
    assert _streams(application)[1] == ("legal", "im1b@t.cn", "red_flag", "核心专利存在权属争议。",
                                        True)


def test_a_finding_needs_its_own_workstreams_report(world, funds, manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    upload(application, "dd_business", funds.manager1)  # another workstream's report
    assert refusal(diligence.file_finding, application, "legal", manager1b, "clear", "",
                   None) == "Upload the Legal due diligence report."
    report = upload(application, "dd_legal", manager1b)
    diligence.file_finding(application, "legal", manager1b, "clear", "", None)
    db.session.commit()
    assert diligence.workstreams(application)[1].report_id == report.id


def test_due_diligence_completes_only_when_all_three_are_closed(world, funds, manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    assert refused(world, funds, application, "complete_dd") == STILL_OPEN.format(
        "Business due diligence, Legal due diligence, Financial due diligence")
    _file(application, "business", funds.manager1)
    _file(application, "legal", manager1b)
    assert (refused(world, funds, application, "complete_dd")
            == STILL_OPEN.format("Financial due diligence"))
    _file(application, "financial", funds.approver1b)
    advance(world, funds, application, "complete_dd", comment="")  # no red flag: no word
    assert application.status == "valuation"
    summary = db.session.scalars(select(Dossier.summary).where(
        Dossier.application_id == application.id, Dossier.stage == "dd_summary")).one()
    assert [(w["kind"], w["owner"], w["finding"], w["report"]) for w in
            summary["workstreams"]] == [("business", "im1", "clear", "dd_business.pdf"),
                                        ("legal", "im1b", "clear", "dd_legal.pdf"),
                                        ("financial", "fa1b", "clear", "dd_financial.pdf")]


def test_past_a_red_flag_the_manager_says_why_the_project_goes_on(world, funds, manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    _file(application, "business", funds.manager1)
    _file(application, "legal", manager1b, "red_flag", "核心专利存在权属争议。")
    _file(application, "financial", funds.approver1b)
    for comment in ("", "  "):
        assert (refused(world, funds, application, "complete_dd", comment=comment)
                == RED_FLAG_COMMENT)
    advance(world, funds, application, "complete_dd", comment="专利争议已有和解协议，风险可控。")
    assert application.status == "valuation"
    summary = db.session.scalars(select(Dossier.summary).where(
        Dossier.application_id == application.id, Dossier.stage == "dd_summary")).one()
    assert summary["decision"]["comment"] == "专利争议已有和解协议，风险可控。"
    assert [w["finding_text"] for w in summary["workstreams"]] == ["", "核心专利存在权属争议。",
                                                                   ""]


def test_a_finding_filed_again_replaces_the_first(world, funds, manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    _file(application, "business", funds.manager1)
    _file(application, "legal", manager1b, "red_flag", "核心专利存在权属争议。")
    _file(application, "financial", funds.approver1b)
    _file(application, "legal", manager1b, "clear", "")  # the dispute was settled
    assert _streams(application)[1] == ("legal", "im1b@t.cn", "clear", "", True)
    assert diligence.red_flags(application) == []
    advance(world, funds, application, "complete_dd", comment="")
    assert application.status == "valuation"


def test_findings_are_filed_only_while_due_diligence_is_under_way(world, funds):
    application = equity_in(world, funds, "valuation")  # its workstreams all closed
    assert refusal(diligence.file_finding, application, "legal", funds.manager1, "red_flag",
                   "迟到的发现。", None) == "Due diligence is not under way on this application."
    assert [w.finding for w in diligence.workstreams(application)] == ["clear"] * 3


def test_the_approver_may_decline_after_due_diligence_with_a_reason(world, funds, manager1b):
    application = _approved(world, funds, _owners(funds, manager1b))
    assert (refused(world, funds, application, "dd_decline", comment="")
            == "Please give a reason.")
    advance(world, funds, application, "dd_decline")
    assert application.status == "declined"
