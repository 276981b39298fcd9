"""Fixtures: app, db, client, runner, auth, and factories for the common objects.

The suite runs on SQLite by default and on PostgreSQL when TALENTFIN_TEST_DATABASE_URL is
set (``make test-pg``). Services own their commits and the concurrency tests need real
ones from several connections, so a test does not run inside one rolled-back transaction:
the schema is created once per session and every table is emptied after each test.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.cli import FlaskGroup
from jinja2 import ChoiceLoader
from jinja2 import FileSystemLoader
from sqlalchemy import create_engine
from sqlalchemy import text

from talentfin import create_app
from talentfin.extensions import db as _db
from talentfin.institutions import register_kind
from talentfin.institutions import unregister_kind
from talentfin.services.parameters import seed_defaults
from talentfin.views.application_steps import REQUEST_STEPS
from talentfin.workflows import registry
from tests import factories
from tests.trial.pages import request_step
from tests.trial.product import LAB
from tests.trial.product import LAB_ROLES
from tests.trial.product import TRIAL

TRIAL_TEMPLATES = str(Path(__file__).parent / "trial" / "templates")

PG_URL = os.environ.get("TALENTFIN_TEST_DATABASE_URL")


def scratch_database(label: str) -> Iterator[str]:
    """A PostgreSQL database of its own beside TALENTFIN_TEST_DATABASE_URL's, created empty
    and dropped after use: whatever else lives in the shared database (another checkout's
    tables, a crashed run's) cannot get in the way, and two runs at once do not meet."""
    name = f"talentfin_{label}_{os.getpid()}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


# Run only when asked for (``-m faults``, ``-m cluster``, ``-m loadtest``: ``make
# test-faults``, ``make test-cluster``): each starts and stops real processes for seconds or
# minutes.
ON_REQUEST = ("faults", "cluster", "loadtest")


def app_on(url: str, folder) -> Flask:
    """An app of the tests' configuration on another database (a migration's scratch one),
    its files in ``folder``."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "UPLOAD_FOLDER": str(folder), "DOSSIER_FOLDER": str(folder)})


def pytest_collection_modifyitems(config, items):
    """The fault tests (tests/faults), the cluster's and the load test's run only when
    asked for."""
    asked = config.getoption("markexpr") or ""
    skipped = [mark for mark in ON_REQUEST if mark not in asked]
    kept = [item for item in items
            if not any(item.get_closest_marker(mark) for mark in skipped)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    """The database the suite runs on."""
    if PG_URL:
        yield from scratch_database("suite")
        return
    yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    base = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(base / "uploads"),
        "DOSSIER_FOLDER": str(base / "dossiers"),
        "SERVER_NAME": None,
    })
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    return app


@pytest.fixture
def app(_app):
    """The app with an empty database (policy defaults in place), inside an app context."""
    with _app.app_context():
        seed_defaults()
        yield _app
        _db.session.remove()
        _empty_tables()
    for folder in ("UPLOAD_FOLDER", "DOSSIER_FOLDER"):
        for path in Path(_app.config[folder]).glob("*"):
            if path.is_file():
                path.unlink()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # DELETEs in one round trip and the sequences set back: about 15 ms a test where
            # a TRUNCATE of the 50-odd tables took about 250 ms (it makes new files for each).
            # Table names come from our own metadata, not from input.
            connection.exec_driver_sql(
                "; ".join(f"DELETE FROM {name}" for name in tables))  # noqa: S608
            connection.exec_driver_sql(
                "SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
        else:
            for name in tables:
                # Table names come from our own metadata, not from input.
                connection.execute(text(f"DELETE FROM {name}"))  # noqa: S608


@pytest.fixture
def db(app):
    """The SQLAlchemy handle."""
    return _db


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


class CommandRunner:
    """Runs ``flask --app talentfin ...`` on the test app, its commands loaded as Flask's
    CLI loads them (the ``flask.commands`` entry points)."""

    def __init__(self, app):
        self._runner = app.test_cli_runner()
        self._cli = FlaskGroup(create_app=lambda: app, load_dotenv=False)

    def invoke(self, args: list[str], **kwargs):
        """Invoke a command line; the result's ``exit_code`` and ``output`` as click's."""
        return self._runner.invoke(self._cli, args=args, **kwargs)


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return CommandRunner(app)


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        """Post the login form."""
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        """Post the logout form."""
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to the client."""
    return AuthActions(client)


@pytest.fixture
def trial(app):
    """The test-only product, registered for one test with its kind of partner, its request
    step and its templates; removed afterwards. Nothing in the core changes for it."""
    register_kind(LAB, *LAB_ROLES)
    registry.register(TRIAL)
    REQUEST_STEPS["trial"] = request_step
    loader = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader([loader, FileSystemLoader(TRIAL_TEMPLATES)])
    yield TRIAL
    app.jinja_env.loader = loader
    REQUEST_STEPS.pop("trial", None)
    registry.unregister(TRIAL.key)
    unregister_kind(LAB.key)


@pytest.fixture
def world(app):
    """Park, two banks, the pool and one account per role (see tests/factories.py)."""
    return factories.make_world()
