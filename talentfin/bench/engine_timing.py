"""Approvals per second through the workflow engine against a raw conditional UPDATE.

Both sides approve applications standing in ``bank_approval`` at a bank kept out of the
queues, one transaction per approval. The engine side loads the application and calls
``engine.fire`` (policy, guards, effects, the log row, the pending dossier and its outbox
task, commit); the raw side runs the same state change as ``UPDATE ... WHERE id = ? AND
status = ?`` plus the ``INSERT`` of the log row, linked into the tamper-evident chain with
the two statements on its head that a valid row needs. Rounds alternate so noise hits both.

Besides the single stream the issue's figures compare, one more round fires from as many
processes as the machine has cores, each on its own applications, as the web server's
workers would: every firing still links into the one audit chain, so this shows what the
chain's head row costs under contention.
"""

import multiprocessing
import os
import random
import time
from types import SimpleNamespace

from flask import Flask
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from talentfin.bench.queue_timing import statement_log
from talentfin.bench.seeding import Cast
from talentfin.bench.seeding import finish_load
from talentfin.bench.seeding import seed_batch
from talentfin.bench.stats import median
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.workflows import engine

SOURCE = "bank_approval"
TRIGGER = "bank_approve"
DEST = "approved"


def measure_engine(app: Flask, cast: Cast, rounds: int, per_round: int,
                   rng: random.Random) -> dict:
    """Transitions per second (engine) and raw per second, medians over ``rounds``."""
    bank = cast.banks[-1]  # the extra bank: its applications never show in a measured queue
    with app.app_context():
        ids = seed_batch(cast, 3 * rounds * per_round, rng, state=SOURCE, bank_id=bank,
                         per_company=1)
        _release_claims(ids)
        finish_load()
    approver_id = cast.approver_id(bank)
    fired, raw, statements = [], [], []
    for n in range(rounds):
        chunk = ids[2 * n * per_round:2 * (n + 1) * per_round]
        # A request context, so that a refusal's translated reason can be built.
        with statement_log(app) as log, app.test_request_context():
            fired.append(_fire_round(chunk[:per_round], approver_id))
            statements.append(log.count / per_round)
        with app.app_context():
            raw.append(_raw_round(chunk[per_round:], approver_id))
    processes = max(2, os.cpu_count() or 1)
    parallel = _parallel_round(app, ids[2 * rounds * per_round:], approver_id, processes)
    with app.app_context():
        _check_all_moved(ids)
    transitions = median(fired)
    raw_rate = median(raw)
    return {
        "parallel_per_s": parallel,
        "parallel_processes": processes,
        "transitions_per_s": transitions,
        "raw_per_s": raw_rate,
        "ratio": raw_rate / transitions,
        "statements_per_fire": median(statements),
        "transition": TRIGGER,
        "rounds": rounds,
        "per_round": per_round,
    }


def _release_claims(ids: list[int]) -> None:
    """Nobody holds these applications, so the approver may decide every one."""
    with db.engine.begin() as connection:
        connection.execute(update(Application.__table__)
                           .where(Application.__table__.c.id.in_(ids))
                           .values(claimed_by_id=None, claimed_at=None))


def _fire_round(ids: list[int], approver_id: int) -> float:
    started = time.perf_counter()
    for application_id in ids:
        approver = db.session.get(User, approver_id)
        application = db.session.get(Application, application_id)
        engine.fire(application, TRIGGER, approver, comment="同意发放。")
    elapsed = time.perf_counter() - started
    db.session.remove()
    return len(ids) / elapsed


def _parallel_round(app: Flask, ids: list[int], approver_id: int, processes: int) -> float:
    """Approvals per second with ``processes`` forked processes firing at once."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection may cross the fork
    context = multiprocessing.get_context("fork")
    start = context.Barrier(processes + 1)
    shares = [ids[n::processes] for n in range(processes)]
    workers = [context.Process(target=_parallel_worker, args=(app, share, approver_id, start))
               for share in shares]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    failed = [worker.exitcode for worker in workers if worker.exitcode]
    if failed:
        raise RuntimeError(f"a parallel engine process failed (exit codes {failed})")
    return len(ids) / elapsed


def _parallel_worker(app: Flask, ids: list[int], approver_id: int, start) -> None:
    with app.test_request_context():
        db.engine.dispose(close=False)  # the parent's pool is not this process's
        db.session.get(User, approver_id)  # connect before the clock starts
        db.session.rollback()
        start.wait()
        _fire_round(ids, approver_id)


def _raw_round(ids: list[int], approver_id: int) -> float:
    table = Application.__table__
    started = time.perf_counter()
    for application_id in ids:
        now = utcnow()
        with db.engine.begin() as connection:
            moved = connection.execute(
                update(table)
                .where(table.c.id == application_id, table.c.status == SOURCE)
                .values(status=DEST, version=table.c.version + 1, decided_by_id=approver_id,
                        status_changed_at=now, updated_at=now)
            ).rowcount
            if moved != 1:
                raise RuntimeError(f"raw approval of {application_id} changed {moved} rows")
            log = {"application_id": application_id, "trigger": TRIGGER, "from_state": SOURCE,
                   "to_state": DEST, "actor_id": approver_id, "comment": "同意发放。",
                   "payload": {}, "created_at": now}
            log.update(_raw_link(connection, log))
            connection.execute(insert(TransitionLog.__table__).values(**log))
    return len(ids) / (time.perf_counter() - started)


def _raw_link(connection, log: dict) -> dict:
    """The log row's link in the tamper-evident chain, in plain SQL (none without a chain)."""
    if "seq" not in TransitionLog.__table__.c:
        return {}
    from talentfin import audit
    from talentfin.models import ChainHead
    from talentfin.workflows.engine import LOG_CHAIN

    head = ChainHead.__table__
    seq, previous = connection.execute(
        update(head).where(head.c.name == LOG_CHAIN).values(seq=head.c.seq + 1)
        .returning(head.c.seq, head.c.last_hash)
    ).one()
    row_hash = audit.link_hash(previous, seq,
                               TransitionLog.chain_payload(SimpleNamespace(**log)))
    connection.execute(update(head).where(head.c.name == LOG_CHAIN).values(last_hash=row_hash))
    return {"seq": seq, "prev_hash": previous, "row_hash": row_hash}


def _check_all_moved(ids: list[int]) -> None:
    """Every approval really happened (a refused guard would make the figure meaningless)."""
    left = db.session.scalar(select(Application.id).where(
        Application.id.in_(ids), Application.status != DEST).limit(1))
    db.session.remove()
    if left is not None:
        raise RuntimeError(f"application {left} was not approved")
