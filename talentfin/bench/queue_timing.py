"""Server time of the review-queue page, through the real view, at each size.

Requests go through ``app.test_client()`` logged in through the real login form, so the
figure covers the view, the queue service's SQL and the template, but no network. The SQL
statements of one request are kept with their query plans, as evidence for the report.
"""

import time
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event
from sqlalchemy import select

from talentfin.bench.stats import csrf_token
from talentfin.bench.stats import median
from talentfin.bench.stats import percentile
from talentfin.extensions import db
from talentfin.models import User
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queues import queue_page

QUEUE_URLS = {
    "default": "/queue/",
    "filtered": "/queue/?tier=B&min_amount=100000",
}


class StatementLog:
    """Counts statements, their time and (when asked) their text and parameters."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.keep = False
        self.kept: list[tuple[str, object]] = []
        self._started = 0.0

    def before(self, conn, cursor, statement, parameters, context, executemany):
        """SQLAlchemy's before_cursor_execute hook."""
        self._started = time.perf_counter()
        if self.keep:
            self.kept.append((statement, parameters))

    def after(self, conn, cursor, statement, parameters, context, executemany):
        """SQLAlchemy's after_cursor_execute hook."""
        self.count += 1
        self.seconds += time.perf_counter() - self._started


@contextmanager
def statement_log(app: Flask):
    """Listen to the app's engine for the duration of the block."""
    log = StatementLog()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", log.before)
    event.listen(engine, "after_cursor_execute", log.after)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", log.before)
        event.remove(engine, "after_cursor_execute", log.after)


def logged_in_client(app: Flask, email: str, password: str):
    """A test client logged in through the login form, CSRF token included."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"bench login failed for {email}: HTTP {response.status_code}")
    return client


def measure_queue(app: Flask, email: str, password: str, repeat: int, *,
                  plans: bool = False) -> dict:
    """p50/p95 server time of each queue URL (requests interleaved), queries per request.

    Call it with no context of ``app`` pushed: each request must get its own app context
    (fresh ``g``, fresh session), as under a real server.
    """
    client = logged_in_client(app, email, password)
    samples = {label: [] for label in QUEUE_URLS}
    sql = {label: [] for label in QUEUE_URLS}
    queries = {}
    rows = {}
    for label, url in QUEUE_URLS.items():  # warm-up: caches, templates, connections
        for _ in range(3):
            response = client.get(url)
        if response.status_code != 200 or b"table-queue" not in response.data:
            raise RuntimeError(f"queue page {url} answered HTTP {response.status_code}")
        rows[label] = response.data.count(b"<tr>") - 1
    with statement_log(app) as log:
        for _ in range(repeat):
            for label, url in QUEUE_URLS.items():
                log.count, log.seconds = 0, 0.0
                started = time.perf_counter()
                client.get(url)
                samples[label].append((time.perf_counter() - started) * 1000)
                sql[label].append(log.seconds * 1000)
                queries[label] = log.count
    figures = {
        "p50_ms": percentile(samples["default"], 50),
        "p95_ms": percentile(samples["default"], 95),
        "filtered_p50_ms": percentile(samples["filtered"], 50),
        "filtered_p95_ms": percentile(samples["filtered"], 95),
        "sql_p50_ms": median(sql["default"]),
        "filtered_sql_p50_ms": median(sql["filtered"]),
        "queries": queries["default"],
        "filtered_queries": queries["filtered"],
        "rows_shown": rows["default"],
        "requests": repeat,
    }
    with app.app_context():
        figures.update(queue_totals(email))
    if plans:
        figures["plans"] = {label: query_plans(app, client, url)
                            for label, url in QUEUE_URLS.items()}
    return figures


def queue_totals(email: str) -> dict:
    """How many applications the two queue pages select (what the count and sort handle)."""
    user = db.session.scalar(select(User).where(User.email == email))
    default = queue_page(user, QueueFilter(), 1).total
    filtered = queue_page(user, QueueFilter(tier="B", min_amount_fen=10_000_000), 1).total
    return {"queue_total": default, "filtered_total": filtered}


def query_plans(app: Flask, client, url: str) -> list[dict]:
    """Each SELECT one request runs, with the database's plan for it."""
    with statement_log(app) as log:
        log.keep = True
        client.get(url)
    with app.app_context():
        return _explain(log.kept)


def _explain(kept: list[tuple[str, object]]) -> list[dict]:
    dialect = db.engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    out = []
    with db.engine.connect() as connection:
        for statement, parameters in kept:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            result = connection.exec_driver_sql(prefix + statement, parameters)
            if dialect == "sqlite":
                plan = [row[-1] for row in result]
            else:
                plan = [row[0] for row in result]
            out.append({"sql": " ".join(statement.split()), "plan": plan})
    return out
