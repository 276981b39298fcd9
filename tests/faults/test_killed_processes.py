"""The worker and the scheduler killed (kill -9) in the middle of their work."""

import hashlib

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.models import Dossier
from talentfin.models import JobRun
from talentfin.models import OutboxTask
from talentfin.pool.models import PoolStatement
from talentfin.pool.statements import previous_month
from talentfin.storage import dossier_folder
from talentfin.storage import dossier_path
from tests import factories
from tests.faults import processes

pytestmark = pytest.mark.faults


@pytest.mark.parametrize("point", ["rendered", "stored"])
def test_a_worker_killed_while_making_a_dossier_leaves_it_to_another_exactly_once(
        app, db, world, tmp_path, point):
    application = factories.loan_in(world, "partner_review")  # submitted, park-approved
    dossiers = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id).order_by(Dossier.id)).all()
    expected = [(d.stage, d.version) for d in dossiers]
    assert len(expected) == 2 and {d.status for d in dossiers} == {"pending"}
    db.session.commit()
    env = processes.environment(app, OUTBOX_LEASE_SECONDS=2, WORKER_POLL_SECONDS=0.2)
    signal, log = tmp_path / "signal", tmp_path / "worker.log"

    first = processes.with_failpoint("worker", point, signal, env, log)
    try:
        processes.wait_for(signal.exists, 120, f"the first worker to reach {point}", first, log)
    finally:
        processes.kill_hard(first)
    [held] = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == "render_dossier", OutboxTask.locked_until.is_not(None))).all()
    assert held.status == "pending"  # the dead worker's lease, nothing recorded
    assert db.session.get(Dossier, held.payload["dossier_id"]).status == "pending"
    left_behind = {path.name for path in dossier_folder().glob("*.pdf")}
    assert len(left_behind) == (1 if point == "stored" else 0)

    second = processes.flask(["worker"], env, log)
    try:
        # The dossiers ready and their tasks marked done (a commit after the render's).
        processes.wait_for(lambda: db.session.scalar(select(func.count(OutboxTask.id)).where(
            OutboxTask.kind == "render_dossier", OutboxTask.status == "done"))
            == len(expected), 120, "another worker to finish the dossiers", second, log)
    finally:
        processes.stop(second)

    # Exactly one version of each, its file the one recorded, whole and matching its hash.
    rows = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id).order_by(Dossier.id)).all()
    assert [(row.stage, row.version) for row in rows] == expected
    for row in rows:
        content = dossier_path(row).read_bytes()
        assert content.startswith(b"%PDF")
        assert hashlib.sha256(content).hexdigest() == row.sha256
        assert row.file_name not in left_behind  # never the dead worker's unrecorded file
    tasks = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == "render_dossier")).all()
    assert [(t.status, t.attempts) for t in tasks] == [("done", 1)] * len(expected)


def _statement_run(db) -> JobRun | None:
    return db.session.scalars(select(JobRun).where(
        JobRun.job == "monthly_pool_statement")).one_or_none()


@pytest.mark.parametrize("point", ["statement-before", "statement-after"])
def test_a_scheduler_killed_in_a_job_has_it_done_once_for_its_period_at_the_next_start(
        app, db, tmp_path, point):
    env = processes.environment(app)
    signal, log = tmp_path / "signal", tmp_path / "scheduler.log"
    last_month = previous_month(business_today())

    first = processes.with_failpoint("scheduler", point, signal, env, log)
    try:
        processes.wait_for(signal.exists, 120, f"the scheduler to reach {point}", first, log)
    finally:
        processes.kill_hard(first)
    run = _statement_run(db)
    assert run.finished_at is None and run.attempts == 1
    made = db.session.scalar(select(func.count(PoolStatement.id)))
    assert made == (1 if point == "statement-after" else 0)

    # The operator (or systemd) starts the scheduler again, the same day. (``--once``: every
    # job now, whatever the hour; the start-up catch-up by the hour is tested in test_jobs.)
    second = processes.flask(["scheduler", "--once"], env, log)
    try:
        processes.wait_for(lambda: _statement_run(db).finished_at, 120,
                           "the restarted scheduler to finish the job", second, log)
    finally:
        processes.stop(second)
    run = _statement_run(db)
    assert run.attempts == 2
    assert run.outcome == ("ok: 0" if point == "statement-after" else "ok: 1")
    statements = db.session.scalars(select(PoolStatement)).all()
    assert [(s.month, s.version) for s in statements] == [(last_month, 1)]
    content = (dossier_folder() / statements[0].file_name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == statements[0].sha256
    # Every other job of the period ran once too (caught up at the start).
    counts = dict(db.session.execute(select(JobRun.job, func.count(JobRun.id))
                                     .group_by(JobRun.job)).all())
    assert set(counts.values()) == {1}
