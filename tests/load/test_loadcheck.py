"""``flask loadtest-check``: a run's recorded submissions and decisions are found with
their log rows and their dossiers in the store; what is missing or altered is named."""

import json

from sqlalchemy import select

from talentfin.models import Dossier
from talentfin.services import outbox
from talentfin.storage import DOSSIERS
from talentfin.storage import store
from tests import factories


def _record(tmp_path, entries) -> str:
    path = tmp_path / "record.jsonl"
    path.write_text("".join(json.dumps(entry) + "\n" for entry in entries))
    return str(path)


def _run_of(world, application) -> list[dict]:
    return [{"kind": "submitted", "id": application.id, "trigger": "submit",
             "user": world.founder.email},
            {"kind": "decided", "id": application.id, "trigger": "park_approve",
             "user": world.park_reviewer.email}]


def test_a_run_whose_work_is_all_there_passes(runner, world, tmp_path):
    application = factories.loan_in(world, "partner_review")
    assert outbox.run_pending()[1] == 0  # the dossiers rendered
    result = runner.invoke(args=["loadtest-check", "--wait", "0",
                                 _record(tmp_path, _run_of(world, application))])
    assert result.exit_code == 0, result.output
    assert "1 submitted and 1 decided applications, 2 dossiers checked" in result.output
    assert "audit chains verified; problems: 0" in result.output


def test_missing_rows_and_dossiers_fail_the_check(runner, world, tmp_path):
    application = factories.loan_in(world, "partner_review")  # dossiers never rendered
    entries = [*_run_of(world, application),
               {"kind": "decided", "id": application.id, "trigger": "recommend",
                "user": world.officer1.email},
               {"kind": "submitted", "id": 999_999, "trigger": "submit",
                "user": world.founder.email}]
    result = runner.invoke(args=["loadtest-check", "--wait", "0", _record(tmp_path, entries)])
    assert result.exit_code == 1
    assert f"application {application.id} (submit): no rendered dossier" in result.output
    assert f"no log row of recommend by {world.officer1.email}" in result.output
    assert "application 999999: missing" in result.output


def test_a_dossier_gone_from_the_store_fails_the_check(db, runner, world, tmp_path):
    application = factories.loan_in(world, "partner_review")
    assert outbox.run_pending()[1] == 0
    gone = db.session.scalar(select(Dossier).where(Dossier.application_id == application.id,
                                                   Dossier.stage == "park_opinion"))
    store().remove(DOSSIERS, gone.file_name)
    result = runner.invoke(args=["loadtest-check", "--wait", "0",
                                 _record(tmp_path, _run_of(world, application))])
    assert result.exit_code == 1
    assert f"dossier {gone.id} not in the store" in result.output
