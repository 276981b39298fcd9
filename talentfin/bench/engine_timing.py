"""Firings per second of one transition through the workflow engine against raw SQL.

The measured product's benchmark profile names the transition (``ENGINE``: its source
and destination, its trigger and the role firing it). Both sides fire it on applications
standing in its source state at a partner kept out of the queues, one transaction per
firing. The engine side loads the application and calls ``engine.fire`` (policy, guards,
effects, the log row, the pending dossier and its outbox task, commit). The raw side makes
the same state change in plain SQL, in one transaction: the ``SELECT`` of the application's
version and audit chain head (a valid log row needs its predecessor's hash, as a raw
firing needs the version it read), the ``UPDATE`` of the envelope conditional on both
(``applications``: status, version, status_changed_at, updated_at and the chain head,
``WHERE id = ? AND status = ? AND version = ?``; the amount that counts is left as it is,
as the profile's transition does not change it), the ``UPDATE`` of the product's own table
with the columns the transition's effect writes (the profile's ``writes``), and the
``INSERT`` of the linked log row. Rounds alternate so noise hits both. The statements
each engine firing sends are counted with an SQLAlchemy cursor hook.

The decision does much besides the state change (its guards read the caps, it freezes the
dossier's summary and queues the outbox's tasks), which the raw statements do not. So the
profile may also name a bare move (``BARE``: no guard, effect or dossier), measured the
same way against the same raw statements: the engine's own cost (``bare`` in the figures).

Besides the single stream, one more round fires from ``CONCURRENT_FIRERS`` processes at
once, each on its own applications, as web workers on several hosts would: each
application's chain is headed on its own row, so nothing global is held across a firing,
and the figure shows how far commits overlap (group commit) on this machine.
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

from talentfin import audit
from talentfin.bench.profile import checked_engine
from talentfin.bench.profile import measured
from talentfin.bench.profile import own_table
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
from talentfin.workflows.spec import Product

CONCURRENT_FIRERS = 8

def measure_engine(app: Flask, cast: Cast, rounds: int, per_round: int,
                   rng: random.Random) -> dict:
    """Transitions per second (engine) and raw per second, medians over ``rounds``; the
    bare move's too when the profile names one (``bare``)."""
    product = measured()
    spec = checked_engine(product)
    # The extra partner: its applications never show in a measured queue.
    partner = cast.partners[product.partner_kind][-1]
    ids = _standing(app, cast, rng, product, spec, partner, 3 * rounds * per_round)
    actor_id = cast.member(partner, spec.role)
    single = _single_stream(app, product, spec, ids, actor_id, rounds, per_round)
    concurrent = _parallel_round(app, spec, ids[2 * rounds * per_round:], actor_id,
                                 CONCURRENT_FIRERS)
    with app.app_context():
        _check_all_moved(spec, ids)
    figures = {
        **single,
        "concurrent_per_s": concurrent,
        "concurrent_firers": CONCURRENT_FIRERS,
        "concurrency_gain": concurrent / single["transitions_per_s"],
        "cores": os.cpu_count(),
        "product": product.key,
        "transition": spec.trigger,
        "noun": spec.noun,
        "rounds": rounds,
        "per_round": per_round,
    }
    bare = getattr(product.bench, "BARE", None)
    if bare is not None:
        checked_engine(product, bare, bare=True)
        ids = _standing(app, cast, rng, product, bare, partner, 2 * rounds * per_round)
        actor = cast.member(cast.pool if getattr(bare, "at", "") == "pool" else partner,
                            bare.role)
        figures["bare"] = {**_single_stream(app, product, bare, ids, actor, rounds, per_round),
                           "transition": bare.trigger, "noun": bare.noun}
        with app.app_context():
            _check_all_moved(bare, ids)
    return figures


def _standing(app: Flask, cast: Cast, rng: random.Random, product: Product, spec,
              partner: int, count: int) -> list[int]:
    """``count`` new applications standing in the transition's source state."""
    with app.app_context():
        ids = seed_batch(cast, count, rng, product=product, state=spec.source,
                         partner_id=partner, per_company=1)
        _release_claims(ids)
        finish_load()
    return ids


def _single_stream(app: Flask, product: Product, spec, ids: list[int], actor_id: int,
                   rounds: int, per_round: int) -> dict:
    """Engine and raw rounds, alternating so that noise hits both: their medians."""
    fired, raw, statements = [], [], []
    for n in range(rounds):
        chunk = ids[2 * n * per_round:2 * (n + 1) * per_round]
        # A request context, so that a refusal's translated reason can be built.
        with statement_log(app) as log, app.test_request_context():
            fired.append(_fire_round(spec, chunk[:per_round], actor_id))
            statements.append(log.count / per_round)
        with app.app_context():
            raw.append(_raw_round(product, spec, chunk[per_round:], actor_id))
    transitions, raw_rate = median(fired), median(raw)
    return {"transitions_per_s": transitions, "raw_per_s": raw_rate,
            "ratio": raw_rate / transitions, "statements_per_fire": median(statements)}


def _release_claims(ids: list[int]) -> None:
    """Nobody holds these applications, so the measured role may act on every one."""
    with db.engine.begin() as connection:
        connection.execute(update(Application.__table__)
                           .where(Application.__table__.c.id.in_(ids))
                           .values(claimed_by_id=None, claimed_at=None))


def _fire_round(spec, ids: list[int], actor_id: int) -> float:
    started = time.perf_counter()
    for application_id in ids:
        actor = db.session.get(User, actor_id)
        application = db.session.get(Application, application_id)
        engine.fire(application, spec.trigger, actor, comment=spec.comment)
    elapsed = time.perf_counter() - started
    db.session.remove()
    return len(ids) / elapsed


def _parallel_round(app: Flask, spec, ids: list[int], actor_id: int, processes: int) -> float:
    """Firings per second with ``processes`` forked processes firing at once."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection may cross the fork
    context = multiprocessing.get_context("fork")
    start = context.Barrier(processes + 1)
    shares = [ids[n::processes] for n in range(processes)]
    workers = [context.Process(target=_parallel_worker, args=(app, spec, share, actor_id, start))
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


def _parallel_worker(app: Flask, spec, ids: list[int], actor_id: int, start) -> None:
    with app.test_request_context():
        db.engine.dispose(close=False)  # the parent's pool is not this process's
        db.session.get(User, actor_id)  # connect before the clock starts
        db.session.rollback()
        start.wait()
        _fire_round(spec, ids, actor_id)


def _raw_round(product: Product, spec, ids: list[int], actor_id: int) -> float:
    """The same firings in plain SQL: head SELECT, conditional envelope UPDATE, product
    UPDATE (when the transition writes the product's columns), chained log INSERT."""
    envelope = Application.__table__
    own = own_table(product)
    writes = spec.writes(actor_id)
    # A product without a table of its own keeps its columns in the envelope.
    envelope_writes = writes if own is None else {}
    started = time.perf_counter()
    for application_id in ids:
        now = utcnow()
        with db.engine.begin() as connection:
            version, head_seq, head_hash = connection.execute(
                select(envelope.c.version, envelope.c.log_seq, envelope.c.log_hash)
                .where(envelope.c.id == application_id)).one()
            log = {"application_id": application_id, "trigger": spec.trigger,
                   "from_state": spec.source, "to_state": spec.dest, "actor_id": actor_id,
                   "comment": spec.comment, "payload": {}, "created_at": now}
            log["seq"], log["prev_hash"], log["row_hash"] = audit.next_link(
                head_seq, head_hash, TransitionLog.chain_payload(SimpleNamespace(**log)))
            moved = connection.execute(
                update(envelope)
                .where(envelope.c.id == application_id, envelope.c.status == spec.source,
                       envelope.c.version == version)
                .values(status=spec.dest, version=version + 1, status_changed_at=now,
                        updated_at=now, log_seq=log["seq"], log_hash=log["row_hash"],
                        **envelope_writes)
            ).rowcount
            if moved != 1:
                raise RuntimeError(f"raw {spec.trigger} of {application_id} changed {moved} rows")
            if own is not None and writes:
                connection.execute(update(own).where(own.c.id == application_id)
                                   .values(**writes))
            connection.execute(insert(TransitionLog.__table__).values(**log))
    return len(ids) / (time.perf_counter() - started)


def _check_all_moved(spec, ids: list[int]) -> None:
    """Every firing really happened (a refused guard would make the figure meaningless)."""
    left = db.session.scalar(select(Application.id).where(
        Application.id.in_(ids), Application.status != spec.dest).limit(1))
    db.session.remove()
    if left is not None:
        raise RuntimeError(f"application {left} did not reach {spec.dest!r}")
