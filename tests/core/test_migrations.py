"""Alembic: one head, upgrade from empty works, and the migrations match the models."""

import json
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import Column
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.services.audit_chains import verify_all
from talentfin.services.signoffs import broken_sign_offs
from tests.conftest import app_on
from tests.demo_snapshot import load_demo_at_0013


def _script(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_one_head(app):
    assert len(_script(app).get_heads()) == 1


# SQLite's reflection skips indexes on expressions (the amount indexes), with a warning;
# test_upgrade_from_empty_matches_the_models compares those by their SQL instead.
SKIPS_EXPRESSION_INDEXES = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")


@SKIPS_EXPRESSION_INDEXES
def test_upgrade_from_empty_matches_the_models(empty_database, tmp_path):
    app = app_on(empty_database, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            count = connection.execute(text("SELECT count(*) FROM policy_parameters")).scalar()
            expression_indexes = _expression_indexes(connection)
            of_the_models = _expression_indexes_of_the_models(connection.dialect)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert count >= 15  # the policy defaults are data, written by a migration
    if expression_indexes is not None:
        assert expression_indexes == of_the_models


def _expression_indexes(connection) -> dict | None:
    """SQLite: the CREATE INDEX statements of the applications' expression indexes."""
    if connection.dialect.name != "sqlite":
        return None  # PostgreSQL reflects them, and compare_metadata compares them
    rows = connection.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%(%(%'"))
    return {name: " ".join(sql.split()) for name, sql in rows}


def _expression_indexes_of_the_models(dialect) -> dict:
    """The same statements as the models would create them."""
    return {index.name: " ".join(str(CreateIndex(index).compile(dialect=dialect))
                                 .split())
            for index in Application.__table__.indexes
            if any(not isinstance(e, Column) for e in index.expressions)}


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
    app = app_on(empty_database, tmp_path)
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


LOAN_COLUMNS = ("requested_term_months", "recommended_amount_fen", "recommended_rate_bp",
                "recommended_term_months", "recommended_by_id", "decided_by_id", "contract_no",
                "contract_signed_on", "disbursed_on", "disbursed_amount_fen", "filed_on",
                "filing_no", "outstanding_fen", "overdue_since", "classification")


def _loan_columns(connection, table: str) -> dict[int, tuple]:
    rows = connection.execute(text(
        f"SELECT id, {', '.join(LOAN_COLUMNS)} FROM {table} ORDER BY id")).all()  # noqa: S608
    return {row[0]: tuple(row[1:]) for row in rows}


def _counts(connection, tables) -> dict[str, int]:
    return {name: connection.execute(text(f"SELECT count(*) FROM {name}")).scalar()  # noqa: S608
            for name in tables}


@SKIPS_EXPRESSION_INDEXES
def test_the_envelope_migration_keeps_every_row_of_the_demo(empty_database, tmp_path):
    """The demo as seeded at the previous head (tests/data/demo_at_0013.json.gz) upgrades:
    every loan column moves to loan_applications unchanged, no row is lost, the amounts
    are the ones that counted, the hash chains still verify and the app reads the loans;
    a downgrade brings the columns back as they were."""
    app = app_on(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="0013_audit_sign_offs")
        with db.engine.begin() as connection:
            loaded = load_demo_at_0013(connection)
        with db.engine.connect() as connection:
            before = _loan_columns(connection, "applications")
            amounts = dict(connection.execute(text(
                "SELECT id, COALESCE(disbursed_amount_fen, recommended_amount_fen, "
                "requested_amount_fen) FROM applications")).all())
        assert loaded["applications"] == 22 and loaded["transition_logs"] > 100

        upgrade()
        with db.engine.connect() as connection:
            assert _loan_columns(connection, "loan_applications") == before
            assert _counts(connection, loaded) == {
                name: count for name, count in loaded.items()
                if name not in ("alembic_version",)}
            assert dict(connection.execute(text(
                "SELECT id, amount_fen FROM applications")).all()) == amounts
            assert connection.execute(text(
                "SELECT count(*) FROM loan_applications WHERE security IS NOT NULL")
            ).scalar() == 0  # nobody had recorded it
            # The pool sees the paid-out loans from their payout day (0037's copy).
            reached = connection.execute(text(
                "SELECT l.disbursed_on, a.pool_since FROM applications a "
                "JOIN loan_applications l ON l.id = a.id")).all()
            assert any(day is not None for day, _since in reached)
            assert all(str(since or "")[:10] == str(day or "") for day, since in reached)
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        assert verify_all() == []
        loans = db.session.scalars(select(Application).order_by(Application.id)).all()
        assert {type(loan).__name__ for loan in loans} == {"LoanApplication"}
        iso = [str(value) if value is not None else None  # SQLite's text gives text
               for value in (before[loan.id][8] for loan in loans)]
        assert [str(loan.disbursed_on) if loan.disbursed_on else None for loan in loans] == iso
        db.session.remove()

        downgrade(revision="0013_audit_sign_offs")
        with db.engine.connect() as connection:
            assert _loan_columns(connection, "applications") == before
        db.engine.dispose()


def test_the_chain_per_application_migration_converts_and_verifies(empty_database, tmp_path):
    """The demo's one global chain at 0030 (with a sign-off on it) becomes one chain per
    application sealed by the conversion checkpoint: everything verifies, the sign-off is
    attested by the checkpoint, and an edit made before the upgrade stops it."""
    app = app_on(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="0013_audit_sign_offs")
        with db.engine.begin() as connection:
            load_demo_at_0013(connection)
        upgrade(revision="0030_webhooks")
        with db.engine.begin() as connection:
            logs = connection.execute(text(
                "SELECT id, application_id, seq, row_hash FROM transition_logs ORDER BY seq")
            ).all()
            attested = logs[40]
            connection.execute(text(
                "INSERT INTO audit_sign_offs (id, auditor_id, log_seq, log_hash, ledger_seq, "
                "ledger_hash, note, created_at) VALUES (900, (SELECT min(id) FROM users), "
                ":seq, :hash, 0, '', 'before', '2026-11-01')"),
                {"seq": attested.seq, "hash": attested.row_hash})
        upgrade()
        with db.engine.connect() as connection:
            converted = connection.execute(text(
                "SELECT application_id, seq FROM transition_logs ORDER BY application_id, seq")
            ).all()
            legacy = connection.execute(text(
                "SELECT legacy FROM audit_checkpoints WHERE seq = 1")).scalar()
        by_application: dict[int, list[int]] = {}
        for application_id, seq in converted:
            by_application.setdefault(application_id, []).append(seq)
        assert len(by_application) > 1
        assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in by_application.values())
        legacy = legacy if isinstance(legacy, dict) else json.loads(legacy)
        assert legacy["head"] == [logs[-1].seq, logs[-1].row_hash]
        assert legacy["sign_offs"] == {"900": [attested.seq, attested.row_hash]}
        assert verify_all() == []
        assert broken_sign_offs() == []
        db.session.remove()

        downgrade(revision="0030_webhooks")
        with db.engine.begin() as connection:
            seqs = connection.execute(text("SELECT seq FROM transition_logs ORDER BY seq"))
            assert [row[0] for row in seqs] == list(range(1, len(logs) + 1))
            # An edit to the old chain: the upgrade refuses to convert what does not verify.
            connection.execute(text("UPDATE transition_logs SET comment = 'x' WHERE seq = 3"))
        with pytest.raises(SystemExit):  # Flask-Migrate logs "row ... does not verify"
            upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")
                                      ).scalar() == "0030_webhooks"
        db.session.remove()
        db.engine.dispose()
