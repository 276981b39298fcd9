"""人才投's demo, seeded as ``flask seed-demo`` seeds it (the other products left out to keep
it quick): applications standing in every state of the route, the README's fund accounts
with the committee's chair, and every dossier the walks produced rendered in Chinese; the
committee's resolution names each member's vote."""

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from talentfin import demo
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services.equity import portfolio
from talentfin.storage import dossier_path
from talentfin.workflows.equity import EQUITY
from talentfin.workflows.equity import committee
from talentfin.workflows.equity.deal import Returns
from talentfin.workflows.equity.deal import returns
from talentfin.workflows.equity.definition import WORKFLOW
from talentfin.workflows.equity.models import EquityApplication
from tests.conftest import _empty_tables

TITLES = {"application_form": "投资申请书", "park_opinion": "园区推荐意见书",
          "project_approval": "立项报告", "dd_summary": "尽职调查报告摘要",
          "ic_resolution": "投资决策委员会决议", "investment_notice": "投资决定通知书",
          "exit_report": "退出报告"}


@pytest.fixture(scope="module")
def seeded(_app):
    """The demo seeded once for this module's tests (with 人才投 its only product), then
    every table emptied as the ``app`` fixture does."""
    with _app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "products", lambda: [EQUITY])
        lines = demo.seed_demo()
        yield lines
        db.session.remove()
        _empty_tables()
    for folder in ("UPLOAD_FOLDER", "DOSSIER_FOLDER"):
        for path in Path(_app.config[folder]).glob("*"):
            if path.is_file():
                path.unlink()


def _deals() -> dict[str, EquityApplication]:
    db.session.expire_all()
    return {a.status: a for a in db.session.scalars(select(EquityApplication))}


def _rendered(dossier: Dossier) -> str:
    """The dossier's PDF as pdftotext reads it."""
    return subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_the_demo_seeds_every_equity_state_once(seeded):
    deals = _deals()
    assert sorted(deals) == sorted(state.name for state in WORKFLOW.states)
    assert len(db.session.scalars(select(EquityApplication)).all()) == len(WORKFLOW.states)
    assert "outbox tasks done (dossiers, notifications): " in seeded[-1]
    assert seeded[-1].endswith("(failed: 0)")
    fund = db.session.scalar(select(Organisation).where(Organisation.code == "fund-laoshan"))
    assert {d.partner_org_id for d in deals.values()} == {fund.id}
    accounts = {u.email: u.role for u in db.session.scalars(select(User).where(
        User.org_id == fund.id))}
    assert accounts == {"manager@fund.demo.cn": "fund_officer",
                        "approver@fund.demo.cn": "fund_approver",
                        **{f"ic{i}@fund.demo.cn": "fund_ic" for i in range(1, 6)}}
    assert committee.chair_of(fund.id).email == "ic1@fund.demo.cn"
    # The portfolio has reports filed and some late; the exit returned 1.3 times the ticket.
    holdings = {h.application.status: h for h in portfolio.portfolio(fund.id, business_today())}
    assert set(holdings) == {"monitoring", "exit_approval"}
    assert holdings["monitoring"].last is not None and holdings["monitoring"].late
    deal = deals["exited"]
    assert (deal.exited_on - deal.funded_on).days == 413
    # 1.3 ** (365 / 413) = e ** (0.262364 × 0.883777) = 1.260955: 26.10 % a year.
    assert returns(deal) == Returns(8_000_000_00, 10_400_000_00, Decimal("1.30"),
                                    Decimal("0.2610"))


def test_every_equity_dossier_renders_ready_in_chinese(seeded):
    dossiers = db.session.scalars(select(Dossier).where(Dossier.application_id.in_(
        [a.id for a in _deals().values()])).order_by(Dossier.id)).all()
    assert {d.stage for d in dossiers} == set(TITLES) == set(EQUITY.dossiers)
    assert [d for d in dossiers if d.status != "ready" or not d.sha256] == []
    for stage, title in TITLES.items():
        dossier = next(d for d in dossiers if d.stage == stage)
        content = _rendered(dossier)
        assert title in content and "人才投" in content, stage
        assert dossier.verify_code in content and dossier.application.reference in content


def test_an_ic_resolution_names_each_members_vote(seeded):
    deals = _deals()
    approved = db.session.scalars(select(Dossier).where(
        Dossier.application_id == deals["publicity"].id,
        Dossier.stage == "ic_resolution")).one()
    meeting = approved.summary["meeting"]
    assert (meeting["outcome"], meeting["chair"]) == ("approved", "李主任")
    assert [(v["member"], v["vote"], v["reason"]) for v in meeting["votes"]] == [
        ("李主任", "for", ""), ("黄委员", "for", ""), ("何委员", "for", ""),
        ("罗委员", "for", ""), ("高委员", "recuse", "本人曾为该企业提供咨询服务。")]
    content = " ".join(_rendered(approved).split())
    for line in ("李主任（主任委员） 同意", "黄委员 同意", "何委员 同意", "罗委员 同意",
                 "高委员 回避 本人曾为该企业提供咨询服务。",
                 "同意 4 票，反对 0 票，弃权 0 票；回避 1 人", "决议同意"):
        assert line in content, line
    rejected = db.session.scalars(select(Dossier).where(
        Dossier.application_id == deals["ic_rejected"].id,
        Dossier.stage == "ic_resolution")).one()
    assert [(v["member"], v["vote"]) for v in rejected.summary["meeting"]["votes"]] == [
        ("李主任", "for"), ("黄委员", "against"), ("何委员", "against"), ("罗委员", "against"),
        ("高委员", "abstain")]
    content = " ".join(_rendered(rejected).split())
    assert "黄委员 反对 估值偏高。" in content and "决议不予投资" in content
