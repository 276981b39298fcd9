"""Scheduled jobs as data: what each does, when it is due, and its run once per period.

The process that runs them is ``talentfin.scheduler``. Every job records its period in
``job_runs`` first, so even two runs that slip past the scheduler's lock do the work once.
"""

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from talentfin import programme  # noqa: F401 (the products whose transitions are scheduled)
from talentfin.clock import ZONE
from talentfin.clock import business_datetime
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import JobRun
from talentfin.models.base import utcnow
from talentfin.pool.standing import check_suspensions
from talentfin.pool.statements import statement_for_last_month
from talentfin.services import backup
from talentfin.services import checkpoints
from talentfin.services import idempotency
from talentfin.services import rates
from talentfin.services.outbox import retry_failed
from talentfin.services.registration import prune_registrations
from talentfin.services.sla import send_documents_due
from talentfin.services.sla import send_sla_escalations
from talentfin.services.sla import send_sla_reminders
from talentfin.services.uploads import remove_expired_uploads
from talentfin.workflows import engine
from talentfin.workflows.registry import products

log = logging.getLogger(__name__)


def fire_scheduled(job: str, today: date) -> int:
    """Try every transition a product schedules under this job name on the applications
    waiting in its source states; each one's guards decide (a window not closed yet, an
    answer still due). Returns how many fired."""
    fired = 0
    for product in products():
        for transition in product.workflow.transitions:
            if transition.job != job:
                continue
            waiting = db.session.scalars(select(Application).where(
                Application.product == product.key,
                Application.status.in_(transition.sources)).order_by(Application.id)).all()
            fired += sum(_fire_quietly(a, transition.trigger, today) for a in waiting)
    return fired


def retry_failed_outbox(today: date) -> int:
    """Put outbox work that used up its attempts back in the queue (e.g. after a fix)."""
    return retry_failed()


def monthly_pool_statement(today: date) -> int:
    """Last month's pool statement PDF, made once (see pool.statements)."""
    return statement_for_last_month(today)


def audit_checkpoint(today: date) -> int:
    """Seal the heads of the audit chains that moved into checkpoints; how many made."""
    made = 0
    while checkpoints.seal() is not None:
        db.session.commit()
        made += 1
    db.session.commit()
    return made


def suspension_check(today: date) -> int:
    """Suspend banks above the covered-NPL threshold (the committee reinstates)."""
    return check_suspensions(today)


def _fire_quietly(application: Application, trigger: str, today: date) -> int:
    try:
        engine.fire(application, trigger, None, today=today)
    except engine.TransitionError as exc:  # a guard says not yet, or someone acted first
        log.debug("%s on %s skipped: %s", trigger, application.reference, exc.message)
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


CORE_JOBS = (
    Job("retry_failed_outbox", retry_failed_outbox, "interval", {"hours": 1}, period="hour"),
    # Every application's transition log chain and the ledger, sealed into one Merkle root.
    Job("audit_checkpoint", audit_checkpoint, "interval", {"hours": 1}, period="hour"),
    Job("suspension_check", suspension_check, "cron", {"hour": 1, "minute": 35}),
    # The files of applications ended without a decision, past the policy's retention.
    Job("upload_retention", remove_expired_uploads, "cron", {"hour": 2, "minute": 20}),
    # A backup into BACKUP_FOLDER, when one is configured, keeping the newest BACKUP_KEEP.
    Job("nightly_backup", backup.nightly, "cron", {"hour": 3, "minute": 0}),
    # The rate limits' old counts, the registrations nobody confirmed in time and the API's
    # idempotency keys past their 24 hours.
    Job("prune_rate_events",
        lambda _day: rates.prune() + prune_registrations() + idempotency.prune(),
        "cron", {"hour": 2, "minute": 10}),
    # 08:30 Beijing time: the start of the working day (and the same date in UTC).
    Job("sla_reminders", send_sla_reminders, "cron", {"hour": 8, "minute": 30}),
    Job("sla_escalations", send_sla_escalations, "cron", {"hour": 8, "minute": 35}),
    # Documents products schedule (a portfolio firm's reports): reminded, then escalated.
    Job("documents_due", send_documents_due, "cron", {"hour": 8, "minute": 40}),
    # 09:00 Beijing time on the 1st: already the 1st in UTC too, so "last month" is right.
    Job("monthly_pool_statement", monthly_pool_statement, "cron",
        {"day": 1, "hour": 9, "minute": 0}, period="month"),
)


def product_jobs() -> tuple[Job, ...]:
    """One job per name the registered products schedule transitions under."""
    schedules: dict[str, dict] = {}
    for product in products():
        for name, schedule in product.jobs.items():
            schedules.setdefault(name, schedule)
    return tuple(Job(name, partial(fire_scheduled, name), "cron", schedule)
                 for name, schedule in schedules.items())


def all_jobs() -> tuple[Job, ...]:
    """The scheduled transitions' jobs (early morning), then the core's."""
    return (*product_jobs(), *CORE_JOBS)


JOBS = all_jobs()


def period_key(job: Job, now: datetime) -> str:
    """The period a run at ``now`` belongs to."""
    if job.period == "month":
        return now.strftime("%Y-%m")
    return now.strftime("%Y-%m-%dT%H") if job.period == "hour" else now.date().isoformat()


def run_job(job: Job, now: datetime | None = None, *, take_over: bool = False) -> str:
    """Run a job once for the current period; a second call in the period does nothing.

    ``now`` is a naive UTC timestamp like every stored one (the current time by default).
    With ``take_over`` (only the scheduler holding the lock, at its start) a run of the
    period that was started but never finished, because the scheduler died in it, is run
    again to its end: every job does its work in steps that each commit with their own
    check (a statement made once, a transition's guards), so a rerun only does what the
    interrupted run had not done.
    """
    # Periods and the day a job works for are China's: a job at 01:05 in Qingdao is
    # still the previous day in UTC.
    local = business_datetime(now or utcnow())
    period = period_key(job, local)
    run = JobRun(job=job.name, period=period, host=socket.gethostname())
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        run = _take_over(job, period) if take_over else None
        if run is None:
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


def _take_over(job: Job, period: str) -> JobRun | None:
    """The period's unfinished run, claimed for this process; None when it finished."""
    result = db.session.execute(
        update(JobRun).where(JobRun.job == job.name, JobRun.period == period,
                             JobRun.finished_at.is_(None))
        .values(attempts=JobRun.attempts + 1, host=socket.gethostname(), started_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()
    if result.rowcount != 1:
        return None
    run = db.session.scalars(select(JobRun).where(JobRun.job == job.name,
                                                  JobRun.period == period)).one()
    log.warning("%s: the run for %s was interrupted (the scheduler stopped); running it "
                "again (start %s)", job.name, period, run.attempts)
    return run


def due_in_period(job: Job, now: datetime) -> bool:
    """Whether the job's time in the current period (China's) has come by ``now`` (UTC):
    an hourly job always, a daily one after its hour, a monthly one after its day."""
    if job.trigger != "cron":
        return True
    local = business_datetime(now)
    start = local.replace(minute=0, second=0, microsecond=0)
    if job.period in ("day", "month"):
        start = start.replace(hour=0)
    if job.period == "month":
        start = start.replace(day=1)
    first = CronTrigger(timezone=ZONE, **job.schedule).get_next_fire_time(
        None, start.replace(tzinfo=ZONE))
    return first is not None and first <= local.replace(tzinfo=ZONE)


def catch_up(jobs: tuple[Job, ...], now: datetime | None = None) -> list[str]:
    """At the scheduler's start: finish the runs a dead scheduler left unfinished in the
    current period, and run each job whose time in the period passed while no scheduler
    ran (the scheduler's own timers only look forward). Runs of earlier periods left
    unfinished are marked interrupted: their work is caught up by the current period's
    run (due transitions fire, missed statements are made). Returns the outcomes."""
    now = now or utcnow()
    local = business_datetime(now)
    by_name = {job.name: job for job in jobs}
    for run in db.session.scalars(select(JobRun).where(JobRun.finished_at.is_(None))):
        job = by_name.get(run.job)
        if job is None or run.period != period_key(job, local):
            run.outcome = "interrupted: the scheduler stopped during this run"
            run.finished_at = now
    db.session.commit()
    outcomes = []
    for job in jobs:
        if due_in_period(job, now):
            outcome = run_job(job, now, take_over=True)
            outcomes.append(f"{job.name}: {outcome}")
            log.info("catch-up %s: %s", job.name, outcome)
    return outcomes
