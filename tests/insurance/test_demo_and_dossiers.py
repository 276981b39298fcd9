"""人才险's demo walks reach their states through the engine as the demo seeds them, and
every deciding stage's dossier renders in Chinese: the quote request, the park's opinion,
the underwriting decision, the policy summary, the subsidy request and the subsidy decision
with its payment voucher (both funders' shares), the claim decision and the denial notice."""

import subprocess

import pytest
from sqlalchemy import select

from talentfin.demo import walk
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services.dossier_rendering import render_dossier_task
from talentfin.storage import dossier_path
from talentfin.workflows.insurance import INSURANCE
from talentfin.workflows.insurance.demo import GUARANTEES
from talentfin.workflows.insurance.demo import WALKS
from tests import factories

TITLES = {"application_form": "投保询价申请书", "park_opinion": "园区推荐意见书",
          "underwriting_decision": "核保意见书", "policy_summary": "保险单摘要",
          "subsidy_request": "保费补贴申请表", "subsidy_decision": "保费补贴决定及拨付凭证",
          "claim_decision": "赔付决定书", "denial_notice": "拒赔通知书"}


@pytest.fixture
def demo_world(world, insurers):
    """The test world with the accounts the demo's walk looks up and a funded pool."""
    factories.user("park@demo.cn", "park_reviewer", world.park)
    factories.user("pool@demo.cn", "pool_admin", world.pool)
    factories.user("committee@demo.cn", "pool_committee", world.pool)
    factories.fund_pool(world)
    return world, insurers


def _walk(demo_world, targets=None) -> dict[str, object]:
    world, insurers = demo_world
    walked = {}
    for index, (target, _founder, _insurer) in enumerate(WALKS):
        if targets is None or target in targets:
            walked[target] = walk(INSURANCE, world.founder, insurers.insurer1, target, index)
    return walked


def _rendered(application, stage: str) -> str:
    """The stage's dossier rendered by the outbox's handler, as pdftotext reads it."""
    db.session.expire_all()
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id, Dossier.stage == stage)).one()
    render_dossier_task({"dossier_id": dossier.id})
    db.session.refresh(dossier)
    assert dossier.status == "ready" and dossier.sha256
    content = subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                             check=True, capture_output=True, text=True).stdout
    assert TITLES[stage] in content and "人才险" in content
    assert dossier.verify_code in content and application.reference in content
    return content


def test_every_demo_walk_reaches_its_state(demo_world):
    world, _insurers = demo_world
    loans = [factories.loan_in(world, "approved") for _ in GUARANTEES]
    walked = _walk(demo_world)
    assert {target: a.status for target, a in walked.items()} == {t: t for t, *_ in WALKS}
    assert {walked[target].loan_id for target in GUARANTEES} == {loan.id for loan in loans}
    assert {walked[target].cover for target in GUARANTEES} == {"loan_guarantee"}
    stages = {d.stage for d in db.session.scalars(select(Dossier).where(
        Dossier.application_id.in_([a.id for a in walked.values()])))}
    assert stages == set(TITLES)  # every deciding stage made its dossier somewhere


def test_each_stages_dossier_renders_in_chinese_and_says_what_was_decided(demo_world):
    world, _insurers = demo_world
    loan = factories.loan_in(world, "approved")
    walked = _walk(demo_world, {"subsidy_paid", "claim_paid", "claim_denied", "declined",
                                "counter_offered"})
    policy = walked["subsidy_paid"]  # the guarantee of the loan
    assert policy.loan_id == loan.id
    for stage in ("application_form", "park_opinion", "underwriting_decision",
                  "subsidy_request"):
        _rendered(policy, stage)
    summary = _rendered(policy, "policy_summary")
    assert policy.policy_no in summary and loan.reference in summary
    voucher = _rendered(policy, "subsidy_decision")
    subsidy = policy.annual_premium_fen // 2
    city, district = subsidy * 6 // 10, subsidy - subsidy * 6 // 10
    for name, amount in (("市级财政", city), ("区级财政", district)):
        assert f"{name}承担" in voucher and f"{amount / 100:,.2f}" in voucher
    assert "记账凭证" in voucher and "予以拨付" in voucher
    assert "拒绝承保" in _rendered(walked["declined"], "underwriting_decision")
    assert "调整条件后承保" in _rendered(walked["counter_offered"], "underwriting_decision")
    assert "除外责任" in _rendered(walked["claim_denied"], "denial_notice")
    agreed = walked["claim_paid"].sum_insured_fen // 10
    assert f"{agreed / 100:,.2f}" in _rendered(walked["claim_paid"], "claim_decision")
