"""Several outbox workers at once (threads here, processes or hosts in production): every
task runs exactly once, and on PostgreSQL the workers share the work instead of queueing
on the first row."""

import threading
import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import OutboxTask
from talentfin.services import outbox

TASKS = 40
WORKERS = 4


@pytest.fixture
def counted(monkeypatch):
    """A task kind whose handler records which task ran, in which thread, slowly enough
    (20 ms) that the workers overlap."""
    runs: list[tuple[int, str]] = []
    lock = threading.Lock()

    def handle(payload: dict) -> None:
        time.sleep(0.02)
        with lock:
            runs.append((payload["n"], threading.current_thread().name))

    known = outbox.handlers()
    monkeypatch.setattr(outbox, "handlers", lambda: {**known, "count": handle})
    return runs


def _work(app, name: str, errors: list) -> None:
    with app.app_context():
        try:
            while outbox.run_pending(limit=5) != (0, 0):
                pass
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)
        finally:
            db.session.remove()


def test_workers_at_once_run_every_task_once(app, counted):
    db.session.add_all(OutboxTask(kind="count", payload={"n": n}) for n in range(TASKS))
    db.session.commit()
    errors: list = []
    threads = [threading.Thread(target=_work, args=(app, f"worker-{i}", errors),
                                name=f"worker-{i}") for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(n for n, _ in counted) == list(range(TASKS))
    assert db.session.scalar(select(func.count()).select_from(OutboxTask).where(
        OutboxTask.kind == "count", OutboxTask.status == "done")) == TASKS
    if db.engine.dialect.name == "postgresql":
        # SKIP LOCKED: the workers took different tasks side by side.
        assert len({worker for _, worker in counted}) > 1


def test_a_task_held_by_a_live_worker_is_not_taken(app, counted):
    task = OutboxTask(kind="count", payload={"n": 1})
    db.session.add(task)
    db.session.commit()
    assert list(outbox._claimed(5)) == [task.id]  # claimed: its lease runs
    assert outbox.run_pending() == (0, 0)  # another worker finds nothing to take
    assert counted == []
