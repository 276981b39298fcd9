"""SQLite's query plan of a statement the app runs: what a plan test reads."""

from collections.abc import Callable

from sqlalchemy import event

from talentfin.extensions import db


def sqlite_plan(matches: Callable[[str], bool], run: Callable[[], object]) -> list[str]:
    """Run ``run``; the plan (one line a step) of the first statement it sent that
    ``matches``. SQLite plans without statistics, as the app leaves it (no ANALYZE)."""
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if matches(statement):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert seen, "no such statement was sent"
    statement, parameters = seen[0]
    return [row[-1] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, tuple(parameters))]
