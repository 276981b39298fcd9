"""One benchmark run on a scratch database: seed, measure each part, collect the figures."""

import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from talentfin.bench.dossier_timing import measure_dossier
from talentfin.bench.engine_timing import measure_engine
from talentfin.bench.http_load import measure_http
from talentfin.bench.plan import Plan
from talentfin.bench.profile import measured
from talentfin.bench.queue_distinct import measure_queue_distinct
from talentfin.bench.queue_distinct import queue_staff
from talentfin.bench.queue_timing import measure_queue
from talentfin.bench.report import machine
from talentfin.bench.report import revision
from talentfin.bench.report import targets
from talentfin.bench.scratch import Scratch
from talentfin.bench.scratch import release
from talentfin.bench.scratch import scratch_app
from talentfin.bench.seeding import STAFF_PASSWORD
from talentfin.bench.seeding import seed_cast
from talentfin.bench.seeding import seeded_tables
from talentfin.bench.seeding import top_up
from talentfin.extensions import db
from talentfin.institutions import role_label


def run(plan: Plan, scratch: Scratch, say: Callable[[str], None]) -> dict:
    """Every part of the plan, in an order that never lets one part disturb another."""
    app = scratch_app(scratch)
    try:
        with app.app_context():
            product = measured()
            with force_locale("en"):
                queue_of = role_label(product.bench.QUEUE_ROLE).lower()
            results = {"db": scratch.kind, "db_version": _db_version(), "machine": machine(),
                       "date": datetime.now(UTC).isoformat(timespec="seconds"),
                       "revision": revision(), "sizes": list(plan.sizes), "seed": plan.seed,
                       "product": product.key, "queue_of": queue_of}
            cast = seed_cast()
        email = cast.queue_email(product)
        rng = random.Random(plan.seed)
        queue, distinct, seeding, engine = {}, {}, {}, {}
        for size in plan.sizes:
            started = time.perf_counter()
            with app.app_context():
                added = top_up(cast, size, rng)
            seconds = time.perf_counter() - started
            seeding[str(size)] = {"added": added, "seconds": round(seconds, 1)}
            say(f"{size:,} applications ({added:,} added in {seconds:.1f} s)")
            if "queue" not in plan.skip:
                queue[str(size)] = measure_queue(app, email, STAFF_PASSWORD,
                                                 plan.queue_requests,
                                                 plans=size == plan.sizes[-1])
                say(f"queue at {size:,}: p95 {queue[str(size)]['p95_ms']:.1f} ms")
                distinct[str(size)] = measure_queue_distinct(
                    app, queue_staff(cast), STAFF_PASSWORD, plan.queue_requests,
                    random.Random(plan.seed + size))
                say(f"queue_distinct at {size:,}: p50 {distinct[str(size)]['p50_ms']:.1f} ms, "
                    f"p95 {distinct[str(size)]['p95_ms']:.1f} ms")
            if "engine" not in plan.skip:
                # At every size: the audit chains must not slow firings as the book grows.
                engine[str(size)] = measure_engine(app, cast, plan.engine_rounds,
                                                   plan.engine_per_round, rng)
                say(f"engine at {size:,}: {engine[str(size)]['transitions_per_s']:.0f}/s, "
                    f"{engine[str(size)]['concurrent_per_s']:.0f}/s from "
                    f"{engine[str(size)]['concurrent_firers']} firers")
        with app.app_context():
            results["rows"] = _row_counts()
        results["seeding"] = seeding
        if distinct:
            results["queue_distinct"] = distinct
        if queue:
            results["queue"] = queue
            results["queue_plans"] = queue[str(plan.sizes[-1])].pop("plans")
        if "http" not in plan.skip:
            say("http: gunicorn with 2 workers")
            results["http"] = measure_http(scratch, email, STAFF_PASSWORD,
                                           seconds=plan.http_seconds, rounds=plan.http_rounds)
        if engine:
            # The figures the targets read are the largest size's; every size is kept.
            results["engine"] = engine[str(plan.sizes[-1])]
            results["engine_by_size"] = engine
    finally:
        release(app)
    if "dossier" not in plan.skip:
        say("dossier: rendering in a child process")
        results["dossier"] = measure_dossier(plan.dossier_renders)
    results["targets"] = targets(results)
    return results


def _db_version() -> str:
    if db.engine.dialect.name == "sqlite":
        return sqlite3.sqlite_version
    with db.engine.connect() as connection:
        return connection.scalar(text("SHOW server_version"))


def _row_counts() -> dict[str, int]:
    """Rows of each seeded table at the largest size (before the engine adds its own)."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in seeded_tables()}
