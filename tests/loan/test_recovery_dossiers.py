"""The pool committee's write-off and clawback are decisions with a dossier (the recovery
notice): the printed document names the decision in Chinese under 处理意见, never a code."""

import subprocess

import pytest
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services import outbox
from talentfin.storage import dossier_path
from talentfin.workflows import engine
from tests import factories

DECISIONS = {"write_off": "核销剩余损失", "claw_back": "发现欺诈，追回补偿"}


@pytest.mark.parametrize("trigger", sorted(DECISIONS))
def test_the_recovery_notice_names_the_committees_decision(world, trigger):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "in_recovery")
    engine.fire(loan, trigger, world.committee, comment="委员会决定。")
    assert outbox.run_pending()[1] == 0
    db.session.expire_all()
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == loan.id, Dossier.stage == "recovery_notice")
        .order_by(Dossier.id.desc())).first()
    assert dossier.status == "ready"
    text = "".join(subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                                  check=True, capture_output=True, text=True).stdout.split())
    assert f"处理意见{DECISIONS[trigger]}" in text
    assert trigger not in text and "报告提交" not in text
