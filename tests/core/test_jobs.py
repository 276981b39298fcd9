"""Scheduled jobs: expiry, filing lapse, once per period, one scheduler at a time."""

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.jobs import JOBS
from talentfin.jobs import SchedulerLock
from talentfin.jobs import run_job
from talentfin.models import Application
from talentfin.models import JobRun
from talentfin.models import TransitionLog
from talentfin.models.base import utcnow
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


def test_overdue_loans_become_non_performing_at_ninety_days(db, world):
    late = factories.loan_in(world, "overdue")
    _age(db, late, overdue_since=business_today() - timedelta(days=90))
    recent = factories.loan_in(world, "overdue")
    _age(db, recent, overdue_since=business_today() - timedelta(days=89))
    assert run_job(JOB["classify_non_performing"]).startswith("ok: 1")
    db.session.expire_all()
    assert db.session.get(Application, late.id).status == "npl"
    assert db.session.get(Application, recent.id).status == "overdue"
