"""The demo data at schema revision 0013, for tests of the migrations that follow it.

``tests/data/demo_at_0013.json.gz`` holds every table (but ``alembic_version``) of a
database made by ``flask db upgrade`` then ``flask seed-demo`` at commit 00b22f5, whose
head revision is ``0013_audit_sign_offs``. Its form::

    {"revision": "0013_audit_sign_offs", "made_from_commit": "00b22f5",
     "tables": {"<table>": {"columns": [...], "rows": [[...], ...]}, ...}}

Tables come parents first, rows in primary-key order. Dates and datetimes are ISO 8601
strings, booleans JSON booleans, JSON columns the parsed value; null is SQL NULL. The
PDFs and uploads the rows name are not part of it.
"""

import datetime as dt
import gzip
import json
from pathlib import Path

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Connection
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

FIXTURE = Path(__file__).parent / "data" / "demo_at_0013.json.gz"
REVISION = "0013_audit_sign_offs"


def load_demo_at_0013(connection: Connection) -> dict[str, int]:
    """Make the data of a database at revision 0013 the demo's; rows inserted per table.

    ``connection`` is open on a database (SQLite or PostgreSQL) already upgraded to
    0013_audit_sign_offs. The rows its migrations wrote (the policy defaults, the
    transition-log chain head) are deleted first, as is anything else in the fixture's
    tables: the fixture is the whole of the demo's data, those rows included. Rows go in
    the fixture's order (parents first); a self-reference to a later row is set once
    that row exists. On PostgreSQL each ``id`` sequence then continues after the
    largest id. The caller commits.
    """
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        fixture = json.load(handle)
    _check_revision(connection, fixture["revision"])
    metadata = MetaData()
    metadata.reflect(connection, only=list(fixture["tables"]))
    tables = {name: metadata.tables[name] for name in fixture["tables"]}
    for table in reversed(tables.values()):
        connection.execute(delete(table))
    counts = {}
    for name, dump in fixture["tables"].items():
        counts[name] = _insert_rows(connection, tables[name], dump["columns"], dump["rows"])
    if connection.dialect.name == "postgresql":
        for table in tables.values():
            _reset_id_sequence(connection, table)
    return counts


def _check_revision(connection: Connection, revision: str) -> None:
    if revision != REVISION:
        raise ValueError(f"the fixture is at {revision}, expected {REVISION}")
    if not inspect(connection).has_table("alembic_version"):
        raise ValueError("the database has no alembic_version: upgrade it to 0013 first")
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if found != [revision]:
        raise ValueError(f"the database is at {found}, the fixture needs {revision}")


def _insert_rows(connection: Connection, table: Table, columns: list[str],
                 rows: list[list]) -> int:
    missing = [name for name in columns if name not in table.c]
    if missing:
        raise ValueError(f"{table.name} has no column(s) {missing}")
    if not rows:
        return 0
    keys = {name: f"p{index}" for index, name in enumerate(columns)}
    # Explicit binds: a JSON column's None must be SQL NULL, not the JSON 'null'.
    statement = insert(table).values(
        {name: bindparam(keys[name], type_=_bind_type(table.c[name])) for name in columns}
    )
    convert = [_converter(table.c[name]) for name in columns]
    records = [
        {keys[name]: to_python(value)
         for name, to_python, value in zip(columns, convert, row, strict=True)}
        for row in rows
    ]
    later = _forward_self_references(table, columns, records, keys)
    connection.execute(statement, records)
    for pk_values, values in later:
        connection.execute(update(table).where(*pk_values).values(values))
    return len(records)


def _bind_type(column):
    if isinstance(column.type, JSON):
        return type(column.type)(none_as_null=True)
    return column.type


def _converter(column):
    column_type = column.type
    if isinstance(column_type, DateTime):
        return lambda value: None if value is None else dt.datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return lambda value: None if value is None else dt.date.fromisoformat(value)
    if isinstance(column_type, Boolean):
        return lambda value: None if value is None else bool(value)
    return lambda value: value


def _forward_self_references(table: Table, columns: list[str], records: list[dict],
                             keys: dict[str, str]) -> list:
    """Blank self-references to rows not yet inserted; the updates that set them later."""
    later = []
    for foreign_key in table.foreign_keys:
        target = foreign_key.column
        if target.table is not table or foreign_key.parent.name not in columns:
            continue
        if target.name not in columns or len(table.primary_key.columns) != 1:
            continue
        source_key, target_key = keys[foreign_key.parent.name], keys[target.name]
        pk_key = keys[table.primary_key.columns[0].name]
        seen = set()
        for record in records:
            value = record[source_key]
            if value is not None and value not in seen and value != record[target_key]:
                record[source_key] = None
                later.append(((table.primary_key.columns[0] == record[pk_key],),
                              {foreign_key.parent.name: value}))
            seen.add(record[target_key])
    return later


def _reset_id_sequence(connection: Connection, table: Table) -> None:
    if "id" not in table.c or not isinstance(table.c.id.type, Integer):
        return
    quoted = connection.dialect.identifier_preparer.quote(table.name)
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": quoted}
    ).scalar()
    if sequence is None:
        return
    largest = connection.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1))
    following = (largest.scalar() or 0) + 1
    connection.execute(text("SELECT setval(:sequence, :value, false)"),
                       {"sequence": sequence, "value": following})
