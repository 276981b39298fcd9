"""The scheduler process: one per database, running the jobs of ``talentfin.jobs``.

Run it as its own process (``flask --app talentfin scheduler``), never inside web workers
(each worker would fire every job). A second copy started by mistake cannot take the lock
(a file lock on SQLite, a PostgreSQL advisory lock) and exits, or with ``--standby`` waits
to take over.
"""

import fcntl
import logging
import time
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.jobs import Job
from talentfin.jobs import all_jobs
from talentfin.jobs import catch_up
from talentfin.jobs import run_job

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x7461_6C65  # "tale": one scheduler per PostgreSQL database


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
            if not got:  # a standby asks again later on a new connection
                self._connection.close()
                self._connection = None
            return bool(got)
        path = Path(self.app.instance_path) / "scheduler.lock"
        self._file = open(path, "a+")  # noqa: SIM115 (held open while the process lives)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            self._file = None
            return False
        return True

    def release(self) -> None:
        """Give the lock back (also released when the process ends)."""
        if self._connection is not None:
            # A session's advisory lock outlives its transactions: closing only hands the
            # connection back to the pool still holding it, so unlock first.
            self._connection.execute(select(func.pg_advisory_unlock(ADVISORY_LOCK_KEY)))
            self._connection.commit()
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None


def run_scheduler(app: Flask, once: bool = False, standby_seconds: float | None = None) -> int:
    """The scheduler process: take the lock, then run the jobs on their schedules.

    With ``standby_seconds`` a scheduler that finds the lock taken (by another host's, on
    PostgreSQL) waits and asks again that often: when the active one dies, its connection
    and so its lock go, and the standby takes over (and catches up what was missed).
    """
    lock = SchedulerLock(app)
    while not lock.acquire():
        if standby_seconds is None:
            log.warning("another scheduler holds the lock; not starting")
            return 3
        log.info("another scheduler holds the lock; standing by")
        time.sleep(standby_seconds)
    try:
        jobs = all_jobs()
        with app.app_context():
            if once:  # every job, whatever its schedule, for the current period
                for job in jobs:
                    log.info("%s: %s", job.name, run_job(job, take_over=True))
                return 0
            catch_up(jobs)
            db.session.remove()
        scheduler = BlockingScheduler(timezone=app.config["BABEL_DEFAULT_TIMEZONE"])
        for job in jobs:
            scheduler.add_job(_in_context(app, job), job.trigger, id=job.name, name=job.name,
                              max_instances=1, coalesce=True, misfire_grace_time=3600,
                              **job.schedule)
        log.info("scheduler started with %s jobs", len(jobs))
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
