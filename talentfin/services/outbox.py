"""The durable outbox: work recorded in a transaction, done after it, retried on failure.

Tasks are claimed with a conditional UPDATE (a lease in ``locked_until``), so several
workers, on one host or many, never run the same task at once; on PostgreSQL the claim
skips the rows other workers are taking (``SKIP LOCKED``), so N workers spread over the
queue instead of queueing on its first row. A task whose worker died is taken again when
its lease runs out. Handlers must be safe to run twice.
"""

import logging
import time
import traceback
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import OutboxTask
from talentfin.models.base import utcnow
from talentfin.services import webhook_delivery
from talentfin.services.dossier_rendering import render_dossier_task
from talentfin.services.mail import mail_enabled
from talentfin.services.mail import send_mail
from talentfin.services.notifications import mail_notifications
from talentfin.services.notifications import notify_transition

log = logging.getLogger(__name__)


def lease() -> timedelta:
    """How long a claimed task is held before another worker may take it (its worker is
    then presumed dead: killed, or its machine gone)."""
    return timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])


def handlers() -> dict[str, Callable[[dict], None]]:
    """Task kind -> function taking the payload."""
    return {"render_dossier": render_dossier_task, "notify_transition": notify_transition,
            "mail_notifications": mail_notifications, "send_mail": send_one_mail,
            webhook_delivery.TASK: webhook_delivery.deliver}


def send_one_mail(payload: dict) -> None:
    """Outbox handler: one message (a registration's link). Without a mail server
    (``MAIL_ENABLED`` off, as under ``make run``) it is written to the log instead, where
    the person running the site can read it."""
    if not mail_enabled():
        log.warning("mail not sent (MAIL_ENABLED is off) to %s: %s\n%s", payload["to"],
                    payload["subject"], payload["body"])
        return
    send_mail(payload["to"], payload["subject"], payload["body"])


def _claim(task_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxTask)
        .where(OutboxTask.id == task_id, OutboxTask.status == "pending",
               or_(OutboxTask.locked_until.is_(None), OutboxTask.locked_until < now))
        .values(locked_until=now + lease())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def due_task_ids(limit: int) -> list[int]:
    """Pending tasks whose time has come and that no live worker holds."""
    return list(db.session.scalars(
        select(OutboxTask.id).where(*_due())
        .order_by(OutboxTask.available_at, OutboxTask.id).limit(limit)
    ))


def run_task(task_id: int) -> bool:
    """Run one claimed task; on failure record the error and schedule a retry."""
    task = db.session.get(OutboxTask, task_id)
    try:
        handler = handlers().get(task.kind)
        if handler is None:
            raise LookupError(f"no handler for outbox task kind {task.kind!r}")
        handler(dict(task.payload))
    except Exception:
        db.session.rollback()
        task = db.session.get(OutboxTask, task_id)
        task.attempts += 1
        task.last_error = traceback.format_exc(limit=5)[-4000:]
        task.locked_until = None
        if task.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            task.status = "failed"
        else:
            task.available_at = utcnow() + timedelta(seconds=min(3600, 2 ** task.attempts))
        db.session.commit()
        log.warning("outbox task %s (%s) failed, attempt %s", task.id, task.kind, task.attempts)
        return False
    task = db.session.get(OutboxTask, task_id)
    task.status = "done"
    task.attempts += 1
    task.finished_at = utcnow()
    task.locked_until = None
    task.last_error = ""
    db.session.commit()
    return True


def _due():
    now = utcnow()
    return (OutboxTask.status == "pending", OutboxTask.available_at <= now,
            or_(OutboxTask.locked_until.is_(None), OutboxTask.locked_until < now))


def claim_next() -> int | None:
    """PostgreSQL: take the next due task no other worker holds, in one statement.

    ``FOR UPDATE SKIP LOCKED`` passes over the rows other workers are claiming at this
    moment, so N workers (on any number of hosts) each take a different task without
    waiting for one another; the lease then keeps it theirs while it runs.
    """
    chosen = (select(OutboxTask.id).where(*_due())
              .order_by(OutboxTask.available_at, OutboxTask.id).limit(1)
              .with_for_update(skip_locked=True).scalar_subquery())
    taken = db.session.execute(
        update(OutboxTask).where(OutboxTask.id == chosen)
        .values(locked_until=utcnow() + lease()).returning(OutboxTask.id)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    db.session.commit()
    return taken


def _claimed(limit: int):
    """The tasks this worker takes, one at a time (each claimed just before it runs, so
    its lease covers its own run only)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for _ in range(limit):
            task_id = claim_next()
            if task_id is None:
                return
            yield task_id
        return
    # SQLite has one writer at a time: list the due tasks, claim each conditionally.
    for task_id in due_task_ids(limit):
        if _claim(task_id):
            yield task_id


def run_pending(limit: int = 100) -> tuple[int, int]:
    """Run due tasks once; returns (succeeded, failed)."""
    ok = failed = 0
    for task_id in _claimed(limit):
        if run_task(task_id):
            ok += 1
        else:
            failed += 1
    return ok, failed


def retry_failed() -> int:
    """Put tasks that used up their attempts back in the queue (an operator's decision)."""
    result = db.session.execute(
        update(OutboxTask).where(OutboxTask.status == "failed")
        .values(status="pending", attempts=0, available_at=utcnow(), locked_until=None)
    )
    db.session.commit()
    return result.rowcount


def run_worker(poll_seconds: float, once: bool = False) -> None:
    """The worker process's loop: run due tasks, sleep, repeat."""
    while True:
        ok, failed = run_pending()
        if ok or failed:
            log.info("outbox: %s done, %s failed", ok, failed)
        db.session.remove()
        if once:
            return
        time.sleep(poll_seconds)
