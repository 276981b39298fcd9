"""Scratch databases for the benchmark; the user's own database is never opened.

SQLite: a file in a temporary folder, removed afterwards. PostgreSQL: a dedicated database
(``talentfin_bench`` by default) created on the server named by ``TALENTFIN_DATABASE_URL``
and dropped afterwards, or, when asked explicitly, a dedicated schema inside the given
database, dropped afterwards.
"""

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.engine import make_url

from talentfin import create_app
from talentfin.extensions import db
from talentfin.services.parameters import seed_defaults

BENCH_SCHEMA = "talentfin_bench"
# Seeded accounts only need to log in a few times; a cheap hash keeps seeding fast.
CHEAP_HASH = "pbkdf2:sha256:1000"


@dataclass(frozen=True)
class Scratch:
    """Where the benchmark writes: the database URL and a temporary folder for files."""

    kind: str
    url: str
    folder: Path
    where: str


@contextmanager
def scratch_database(kind: str, given_url: str | None = None, *,
                     pg_database: str = "talentfin_bench",
                     in_given_database: bool = False) -> Iterator[Scratch]:
    """Create the scratch database, yield it, and remove it whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="talentfin-bench-"))
    try:
        if kind == "sqlite":
            path = folder / "bench.sqlite3"
            yield Scratch("sqlite", f"sqlite:///{path}", folder, f"temporary file {path}")
        elif in_given_database:
            with _postgres_schema(_postgres_url(given_url)) as (url, where):
                yield Scratch("postgresql", url, folder, where)
        else:
            with _postgres_database(_postgres_url(given_url), pg_database) as (url, where):
                yield Scratch("postgresql", url, folder, where)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _postgres_url(given_url: str | None) -> URL:
    if not given_url:
        raise click.ClickException("--db postgresql needs TALENTFIN_DATABASE_URL (the server).")
    url = make_url(given_url)
    if not url.drivername.startswith("postgresql"):
        raise click.ClickException(f"TALENTFIN_DATABASE_URL is not PostgreSQL: {url.drivername}")
    return url.set(drivername="postgresql+psycopg")


def _quoted(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise click.ClickException(f"unsafe database or schema name: {name!r}")
    return f'"{name}"'


@contextmanager
def _postgres_database(server: URL, name: str) -> Iterator[tuple[str, str]]:
    """CREATE DATABASE ``name`` on the server of ``server``; DROP it afterwards."""
    if name == server.database:
        raise click.ClickException(
            f"the bench database {name!r} is the one in TALENTFIN_DATABASE_URL; pick another "
            "name with --pg-database or pass --pg-in-given-database"
        )
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    # The name belongs to the benchmark: a copy left by an interrupted run is dropped.
    drop = text(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
    try:
        with admin.connect() as connection:
            connection.execute(drop)
            connection.execute(text(f"CREATE DATABASE {_quoted(name)}"))
        url = server.set(database=name)
        yield url.render_as_string(hide_password=False), f"database {name} on {server.host}"
    finally:
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


@contextmanager
def _postgres_schema(given: URL) -> Iterator[tuple[str, str]]:
    """A dedicated schema inside the given database, first on every connection's path."""
    admin = create_engine(given, isolation_level="AUTOCOMMIT")
    drop = text(f"DROP SCHEMA IF EXISTS {_quoted(BENCH_SCHEMA)} CASCADE")
    try:
        with admin.connect() as connection:
            connection.execute(drop)
            connection.execute(text(f"CREATE SCHEMA {_quoted(BENCH_SCHEMA)}"))
        url = given.update_query_dict({"options": f"-csearch_path={BENCH_SCHEMA}"})
        yield (url.render_as_string(hide_password=False),
               f"schema {BENCH_SCHEMA} in database {given.database} on {given.host}")
    finally:
        with admin.connect() as connection:
            connection.execute(drop)
        admin.dispose()


def scratch_config(scratch: Scratch) -> dict:
    """The configuration of an app on the scratch database (no instance config, no env)."""
    return {
        "SQLALCHEMY_DATABASE_URI": scratch.url,
        "SECRET_KEY": secrets.token_hex(32),
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # The measured staff (the pool's, the auditor) sign in with their password alone:
        # the queue is timed, not the sign-in.
        "SECOND_FACTOR_REQUIRED": False,
        "UPLOAD_FOLDER": str(scratch.folder / "uploads"),
        "DOSSIER_FOLDER": str(scratch.folder / "dossiers"),
    }


def scratch_app(scratch: Scratch) -> Flask:
    """A talentfin app on the scratch database with the schema created."""
    app = create_app(scratch_config(scratch))
    with app.app_context():
        db.create_all()
        seed_defaults()
    return app


def release(app: Flask) -> None:
    """Close the scratch app's connections so its database can be dropped."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
