"""Alembic: one head, upgrade from empty works, and the migrations match the models."""

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy import text

from talentfin import create_app
from talentfin.extensions import db
from tests.conftest import PG_URL


def _script(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_one_head(app):
    assert len(_script(app).get_heads()) == 1


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the engine under test (a scratch schema on PostgreSQL)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS talentfin_migrations"))
        connection.execute(text("CREATE DATABASE talentfin_migrations"))
    yield PG_URL.rsplit("/", 1)[0] + "/talentfin_migrations"
    with engine.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS talentfin_migrations WITH (FORCE)"))
    engine.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database,
                      "UPLOAD_FOLDER": str(tmp_path), "DOSSIER_FOLDER": str(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            count = connection.execute(text("SELECT count(*) FROM policy_parameters")).scalar()
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert count >= 15  # the policy defaults are data, written by a migration


def test_flask_db_upgrade_cli(tmp_path):
    env = {"TALENTFIN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "talentfin", "db", "upgrade"],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "0002_policy_defaults" in result.stderr


def test_existing_history_is_chained_by_the_upgrade(empty_database, tmp_path):
    """A database that had transition logs before the chain existed verifies after upgrade."""
    from talentfin.audit import verify_all

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database,
                      "UPLOAD_FOLDER": str(tmp_path), "DOSSIER_FOLDER": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0003_ledger")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO organisations (id, kind, code, name, name_en, district, active, "
                "created_at, updated_at) VALUES (1, 'park', 'p', 'p', '', '', true, "
                "'2026-01-01', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO enterprises (id, name, uscc, park_id, registered_in_district, "
                "registered_capital_fen, legal_representative, address, industry, employees, "
                "created_at, updated_at) VALUES (1, 'e', '91350100M000100Y43', 1, true, 0, "
                "'', '', '', 1, '2026-01-01', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO users (id, email, name, password_hash, role, enterprise_id, locale, "
                "active, created_at, updated_at) VALUES (1, 'f@x.cn', 'f', 'x', 'founder', 1, "
                "'zh', true, '2026-01-01', '2026-01-01')"))
            connection.execute(text(
                "INSERT INTO applications (id, product, status, version, enterprise_id, "
                "applicant_id, purpose, details, status_changed_at, created_at, updated_at) "
                "VALUES (1, 'loan', 'park_review', 2, 1, 1, '', '{}', '2026-01-02', "
                "'2026-01-01', '2026-01-02')"))
            for number, (trigger, source, dest) in enumerate(
                    [("submit", "draft", "park_review"), ("withdraw", "park_review", "withdrawn")],
                    start=1):
                connection.execute(text(
                    "INSERT INTO transition_logs (id, application_id, trigger, from_state, "
                    "to_state, actor_id, comment, payload, created_at) VALUES "
                    "(:id, 1, :trigger, :source, :dest, 1, 'c', :payload, :at)"),
                    {"id": number, "trigger": trigger, "source": source, "dest": dest,
                     "payload": '{"k": [1, "二"]}', "at": f"2026-01-0{number} 10:00:00.123456"})
        upgrade()
        assert verify_all() == []
        db.session.remove()
        db.engine.dispose()
