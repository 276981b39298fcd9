"""Scheduled jobs: expiry, filing lapse, once per period, one scheduler at a time."""

import os
import subprocess
import sys
import threading
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from talentfin.clock import ZONE
from talentfin.clock import business_today
from talentfin.extensions import db as _db
from talentfin.jobs import JOBS
from talentfin.jobs import catch_up
from talentfin.jobs import due_in_period
from talentfin.jobs import run_job
from talentfin.models import Application
from talentfin.models import JobRun
from talentfin.models import TransitionLog
from talentfin.models.base import utcnow
from talentfin.scheduler import SchedulerLock
from talentfin.scheduler import run_scheduler
from tests import factories

JOB = {job.name: job for job in JOBS}


def _age(db, application, **changes):
    factories.set_columns(application, **changes)


def test_unanswered_request_for_information_expires_after_ten_working_days(db, world):
    stale = factories.loan_in(world, "info_requested")
    fresh = factories.loan_in(world, "info_requested")
    _age(db, stale, status_changed_at=utcnow() - timedelta(days=30))
    _age(db, fresh, status_changed_at=utcnow() - timedelta(days=3))
    assert run_job(JOB["expire_info_requests"]).startswith("ok: 1")
    db.session.expire_all()
    assert db.session.get(Application, stale.id).status == "expired"
    assert db.session.get(Application, fresh.id).status == "info_requested"
    last = db.session.scalar(select(TransitionLog).where(TransitionLog.application_id == stale.id)
                             .order_by(TransitionLog.id.desc()).limit(1))
    assert (last.trigger, last.actor_id) == ("expire", None)


def test_loan_not_filed_within_the_window_is_not_covered(db, world):
    late = factories.loan_in(world, "disbursed")
    on_time = factories.loan_in(world, "disbursed")
    _age(db, late, disbursed_on=business_today() - timedelta(days=91))
    _age(db, on_time, disbursed_on=business_today() - timedelta(days=90))
    run_job(JOB["lapse_unfiled_loans"])
    db.session.expire_all()
    assert db.session.get(Application, late.id).status == "not_covered"
    assert db.session.get(Application, on_time.id).status == "disbursed"


def test_a_job_runs_once_per_period(db, world):
    assert run_job(JOB["lapse_unfiled_loans"]).startswith("ok")
    assert run_job(JOB["lapse_unfiled_loans"]) == "already done"
    assert db.session.scalar(select(func.count(JobRun.id))) == 1


def _scheduler(database_url: str) -> subprocess.Popen:
    env = dict(os.environ, TALENTFIN_DATABASE_URL=database_url)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "talentfin", "scheduler",
                             "--once"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_two_schedulers_started_together_run_each_job_once(app, db, world, database_url):
    factories.loan_in(world, "disbursed")
    first, second = _scheduler(database_url), _scheduler(database_url)
    codes = sorted(process.wait(timeout=120) for process in (first, second))
    assert codes[0] == 0 and codes[1] in (0, 3)
    runs = db.session.execute(select(JobRun.job, func.count(JobRun.id)).group_by(JobRun.job)).all()
    assert dict(runs) == {job.name: 1 for job in JOBS}


def test_a_second_scheduler_cannot_take_the_lock(app, database_url):
    lock = SchedulerLock(app)
    assert lock.acquire()
    try:
        process = _scheduler(database_url)
        assert process.wait(timeout=120) == 3
        assert "another scheduler" in process.stderr.read()
    finally:
        lock.release()


def test_a_released_lock_is_free_for_any_other_connection(app):
    # On PostgreSQL the lock belongs to a pooled connection: released, it must not stay with
    # that connection when it goes back to the pool (another host's scheduler would wait for
    # ever, and so would a standby on this one that draws another connection).
    first = SchedulerLock(app)
    assert first.acquire()
    first.release()
    if _db.engine.dialect.name == "postgresql":
        held = _db.session.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )).scalar()
        assert held == 0
    second = SchedulerLock(app)
    assert second.acquire()
    second.release()


def test_overdue_loans_become_non_performing_at_ninety_days(db, world):
    late = factories.loan_in(world, "overdue")
    _age(db, late, overdue_since=business_today() - timedelta(days=90))
    recent = factories.loan_in(world, "overdue")
    _age(db, recent, overdue_since=business_today() - timedelta(days=89))
    assert run_job(JOB["classify_non_performing"]).startswith("ok: 1")
    db.session.expire_all()
    assert db.session.get(Application, late.id).status == "npl"
    assert db.session.get(Application, recent.id).status == "overdue"


def _local(year, month, day, hour, minute=0):
    """A moment given in China's time, as the naive UTC timestamp the jobs take."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC).replace(
        tzinfo=None)


def test_a_job_is_due_in_its_period_once_its_time_has_come():
    # sla_reminders: 08:30 every day; monthly_pool_statement: the 1st at 09:00.
    assert not due_in_period(JOB["sla_reminders"], _local(2026, 11, 30, 8, 29))
    assert due_in_period(JOB["sla_reminders"], _local(2026, 11, 30, 8, 30))
    # 07:00 in China is still the day before in UTC: the job is not due yet that day.
    assert not due_in_period(JOB["sla_reminders"], _local(2026, 12, 1, 7, 0))
    assert not due_in_period(JOB["monthly_pool_statement"], _local(2026, 12, 1, 8, 59))
    assert due_in_period(JOB["monthly_pool_statement"], _local(2026, 12, 1, 9, 0))
    assert due_in_period(JOB["monthly_pool_statement"], _local(2026, 12, 17, 3, 0))
    assert due_in_period(JOB["retry_failed_outbox"], _local(2026, 12, 17, 3, 0))


def test_a_run_cut_short_by_the_schedulers_death_is_finished_once_at_the_next_start(db, world):
    now = _local(2026, 11, 30, 10, 0)
    job = JOB["sla_reminders"]
    # The dead scheduler's run of today: started, never finished.
    db.session.add(JobRun(job=job.name, period="2026-11-30", host="old", started_at=now))
    # And one of an earlier day, which today's run catches up.
    db.session.add(JobRun(job=job.name, period="2026-11-27", host="old", started_at=now))
    db.session.commit()
    assert run_job(job, now) == "already done"  # the scheduler's timers never rerun it

    outcomes = dict(line.split(": ", 1) for line in catch_up(JOBS, now))

    assert outcomes["sla_reminders"].startswith("ok")
    today = db.session.scalars(select(JobRun).where(JobRun.job == job.name,
                                                    JobRun.period == "2026-11-30")).one()
    assert today.attempts == 2 and today.finished_at is not None
    earlier = db.session.scalars(select(JobRun).where(JobRun.period == "2026-11-27")).one()
    assert earlier.outcome.startswith("interrupted") and earlier.finished_at is not None
    # A second start finds everything of the period done.
    again = dict(line.split(": ", 1) for line in catch_up(JOBS, now))
    assert set(again.values()) == {"already done"}
    assert db.session.get(JobRun, today.id).attempts == 2


def test_a_scheduler_started_after_a_jobs_time_runs_what_it_missed(db, world):
    # Started at 10:00 on the 1st: the night's jobs and the month's statement had their
    # time while no scheduler ran; its timers would wait for tomorrow and next month.
    now = _local(2026, 12, 1, 10, 0)
    outcomes = dict(line.split(": ", 1) for line in catch_up(JOBS, now))
    assert set(outcomes) == {job.name for job in JOBS}
    assert all(outcome.startswith("ok") for outcome in outcomes.values()), outcomes
    # At 01:00 only the hourly job and those due before 01:00 run.
    later = {line.split(": ")[0] for line in catch_up(JOBS, _local(2026, 12, 2, 1, 0))}
    assert "sla_reminders" not in later and "retry_failed_outbox" in later


def test_a_standby_scheduler_takes_over_when_the_active_one_is_gone(app):
    active = SchedulerLock(app)
    assert active.acquire()
    outcome: list = []
    standby = threading.Thread(target=lambda: outcome.append(
        run_scheduler(app, once=True, standby_seconds=0.1)))
    try:
        standby.start()
        standby.join(timeout=1.5)
        assert standby.is_alive() and outcome == []  # waiting while the lock is held
    finally:
        active.release()  # the active scheduler's process (or host) is gone
    standby.join(timeout=120)
    assert outcome == [0]  # it took the lock and ran the period's jobs
