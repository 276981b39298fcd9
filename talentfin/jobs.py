"""Scheduled jobs as data, and the scheduler process that runs them.

Run it as its own process (``flask --app talentfin scheduler``), never inside web workers
(each worker would fire every job). A second copy started by mistake cannot take the lock
(a file lock on SQLite, a PostgreSQL advisory lock) and exits; and every job records its
period in ``job_runs`` first, so even two runs that slip past the lock do the work once.
"""

import fcntl
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentfin.clock import business_datetime
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import JobRun
from talentfin.models.base import utcnow
from talentfin.services import parameters
from talentfin.services.sla import send_sla_escalations
from talentfin.services.sla import send_sla_reminders
from talentfin.workdays import add_working_days
from talentfin.workflows import engine

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x7461_6C65  # "tale": one scheduler per PostgreSQL database


def expire_info_requests(today: date) -> int:
    """Requests for information unanswered after N working days expire the application."""
    days = parameters.int_parameter("info_request_expiry_working_days", today)
    waiting = db.session.scalars(
        select(Application).where(Application.status.in_(("info_requested",
                                                           "bank_info_requested")))
    ).all()
    expired = 0
    for application in waiting:
        if add_working_days(application.status_changed_at.date(), days) < today:
            expired += _fire_quietly(application, "expire", today)
    return expired


def lapse_unfiled_loans(today: date) -> int:
    """Disbursed loans not filed with the pool within the window become not covered."""
    disbursed = db.session.scalars(
        select(Application).where(Application.status == "disbursed")
    ).all()
    lapsed = 0
    for application in disbursed:
        lapsed += _fire_quietly(application, "lapse_filing", today)
    return lapsed


def retry_failed_outbox(today: date) -> int:
    """Put outbox work that used up its attempts back in the queue (e.g. after a fix)."""
    from talentfin.services.outbox import retry_failed

    return retry_failed()


def monthly_pool_statement(today: date) -> int:
    """Last month's pool statement PDF, made once (see services.statements)."""
    from talentfin.services.statements import statement_for_last_month

    return statement_for_last_month(today)


def suspension_check(today: date) -> int:
    """Suspend banks above the covered-NPL threshold (the committee reinstates)."""
    from talentfin.services.standing import check_suspensions

    return check_suspensions(today)


def classify_non_performing(today: date) -> int:
    """Overdue loans reach non-performing at 90 days (the bank may classify them earlier)."""
    overdue = db.session.scalars(select(Application).where(Application.status == "overdue")).all()
    return sum(_fire_quietly(application, "classify_npl", today) for application in overdue)


def _fire_quietly(application: Application, trigger: str, today: date) -> int:
    try:
        engine.fire(application, trigger, None, today=today)
    except engine.TransitionError as exc:  # a guard says not yet, or someone acted first
        log.info("%s on %s skipped: %s", trigger, application.reference, exc.message)
        return 0
    return 1


@dataclass(frozen=True)
class Job:
    """A job: its function (taking the day), its schedule, and how its period is named."""

    name: str
    func: Callable[[date], int]
    trigger: str
    schedule: dict = field(default_factory=dict)
    period: str = "day"  # "day", "hour" or "month": the job does its work once per period


JOBS = (
    Job("expire_info_requests", expire_info_requests, "cron", {"hour": 1, "minute": 5}),
    Job("lapse_unfiled_loans", lapse_unfiled_loans, "cron", {"hour": 1, "minute": 15}),
    Job("retry_failed_outbox", retry_failed_outbox, "interval", {"hours": 1}, period="hour"),
    Job("classify_non_performing", classify_non_performing, "cron", {"hour": 1, "minute": 25}),
    Job("suspension_check", suspension_check, "cron", {"hour": 1, "minute": 35}),
    # 08:30 Beijing time: the start of the working day (and the same date in UTC).
    Job("sla_reminders", send_sla_reminders, "cron", {"hour": 8, "minute": 30}),
    Job("sla_escalations", send_sla_escalations, "cron", {"hour": 8, "minute": 35}),
    # 09:00 Beijing time on the 1st: already the 1st in UTC too, so "last month" is right.
    Job("monthly_pool_statement", monthly_pool_statement, "cron",
        {"day": 1, "hour": 9, "minute": 0}, period="month"),
)


def period_key(job: Job, now: datetime) -> str:
    """The period a run at ``now`` belongs to."""
    if job.period == "month":
        return now.strftime("%Y-%m")
    return now.strftime("%Y-%m-%dT%H") if job.period == "hour" else now.date().isoformat()


def run_job(job: Job, now: datetime | None = None) -> str:
    """Run a job once for the current period; a second call in the period does nothing.

    ``now`` is a naive UTC timestamp like every stored one (the current time by default).
    """
    # Periods and the day a job works for are China's: a job at 01:05 in Qingdao is
    # still the previous day in UTC.
    local = business_datetime(now or utcnow())
    run = JobRun(job=job.name, period=period_key(job, local), host=socket.gethostname())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "already done"
    try:
        result = job.func(local.date())
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(JobRun, run.id)
        run.outcome = f"failed: {exc}"[:2000]
        run.finished_at = utcnow()
        db.session.commit()
        log.exception("job %s failed", job.name)
        return run.outcome
    run = db.session.get(JobRun, run.id)
    run.outcome = f"ok: {result}"
    run.finished_at = utcnow()
    db.session.commit()
    return run.outcome


class SchedulerLock:
    """Held for the scheduler process's life; a second process cannot take it."""

    def __init__(self, app: Flask):
        self.app = app
        self._file = None
        self._connection = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another scheduler holds it."""
        with self.app.app_context():
            engine_ = db.engine
        if engine_.dialect.name == "postgresql":
            self._connection = engine_.connect()
            got = self._connection.execute(
                select(func.pg_try_advisory_lock(ADVISORY_LOCK_KEY))).scalar()
            self._connection.commit()
            return bool(got)
        path = Path(self.app.instance_path) / "scheduler.lock"
        self._file = open(path, "a+")  # noqa: SIM115 (held open while the process lives)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self) -> None:
        """Give the lock back (also released when the process ends)."""
        if self._connection is not None:
            self._connection.close()
        if self._file is not None:
            self._file.close()


def run_scheduler(app: Flask, once: bool = False) -> int:
    """The scheduler process: take the lock, then run the jobs on their schedules."""
    lock = SchedulerLock(app)
    if not lock.acquire():
        log.warning("another scheduler holds the lock; not starting")
        return 3
    try:
        if once:
            with app.app_context():
                for job in JOBS:
                    log.info("%s: %s", job.name, run_job(job))
            return 0
        from apscheduler.schedulers.blocking import BlockingScheduler

        scheduler = BlockingScheduler(timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
        for job in JOBS:
            scheduler.add_job(_in_context(app, job), job.trigger, id=job.name, name=job.name,
                              max_instances=1, coalesce=True, misfire_grace_time=3600,
                              **job.schedule)
        log.info("scheduler started with %s jobs", len(JOBS))
        scheduler.start()
        return 0
    finally:
        lock.release()


def _in_context(app: Flask, job: Job):
    def run():
        with app.app_context():
            log.info("%s: %s", job.name, run_job(job))
            db.session.remove()

    return run
