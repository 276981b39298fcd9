"""Backup and restore, round trip on the suite's database (SQLite, or PostgreSQL with
pg_dump): a backup of an instance with a covered loan, its documents and dossiers restores
into an empty instance with every row, every file by its hash, and audit chains that
verify; a backup whose file was altered, or an instance that is not empty, is refused with
the reason; the nightly job keeps the newest backups."""

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.cli import backup_cli
from talentfin.extensions import db
from talentfin.factory import create_app
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.pool.models import LedgerEntry
from talentfin.services import backup
from talentfin.services.audit_chains import verify_all
from talentfin.services.outbox import run_pending
from talentfin.services.uploads import attachment_path
from talentfin.storage import dossier_path
from tests import factories
from tests.conftest import PG_URL
from tests.conftest import scratch_database

COUNTED = (Application, Attachment, Dossier, TransitionLog, User, LedgerEntry)


@contextmanager
def empty_instance(app, tmp_path: Path):
    """Another instance of the app: an empty database of the suite's kind, empty folders."""
    databases = scratch_database("restore") if PG_URL else None
    url = next(databases) if databases else f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                        "UPLOAD_FOLDER": str(tmp_path / "restored-uploads"),
                        "DOSSIER_FOLDER": str(tmp_path / "restored-dossiers"),
                        "SECRET_KEY": app.config["SECRET_KEY"], "SERVER_NAME": None,
                        "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"]})
    try:
        with other.app_context():
            yield other
            db.session.remove()
            db.engine.dispose()
    finally:
        if databases:
            databases.close()


def _counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count(model.id)))
            for model in COUNTED}


@pytest.fixture
def filled(app, world):
    """A covered loan with its documents, its dossiers rendered, the pool funded."""
    loan = factories.loan_in(world, "covered")
    run_pending(limit=100)
    assert db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.status == "ready")) >= 2
    return loan


def test_a_backup_restores_into_an_empty_instance_with_everything(app, filled, tmp_path):
    before = _counts()
    hashes = {a.stored_name: a.sha256 for a in db.session.scalars(select(Attachment))}
    manifest = backup.create(tmp_path / "b")
    assert manifest["database"]["kind"] == ("postgresql" if PG_URL else "sqlite")
    assert any(name.startswith("uploads/") for name in manifest["files"])
    assert any(name.startswith("dossiers/") for name in manifest["files"])
    assert backup.check(tmp_path / "b") == manifest
    with empty_instance(app, tmp_path):
        restored = backup.restore(tmp_path / "b")
        assert restored["chains"] == manifest["chains"]
        assert _counts() == before
        assert verify_all() == []
        for attachment in db.session.scalars(select(Attachment)):
            path = attachment_path(attachment)
            assert path.is_file() and hashes[attachment.stored_name] == attachment.sha256
            assert backup._sha256(path) == attachment.sha256
        for dossier in db.session.scalars(select(Dossier).where(Dossier.status == "ready")):
            assert backup._sha256(dossier_path(dossier)) == dossier.sha256


def test_an_altered_or_added_file_is_named_and_nothing_is_restored(app, filled, tmp_path):
    manifest = backup.create(tmp_path / "b")
    altered = next(name for name in manifest["files"] if name.startswith("uploads/"))
    (tmp_path / "b" / altered).write_bytes(b"%PDF-1.4 changed")
    (tmp_path / "b" / "dossiers" / "slipped-in.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(backup.BackupError) as refused:
        backup.check(tmp_path / "b")
    assert altered in str(refused.value) and "dossiers/slipped-in.pdf" in str(refused.value)
    with empty_instance(app, tmp_path):
        with pytest.raises(backup.BackupError):
            backup.restore(tmp_path / "b")
        assert not (tmp_path / "restored-uploads").exists()


def test_a_backup_is_not_restored_over_an_instance_that_has_data(app, filled, tmp_path):
    backup.create(tmp_path / "b")
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(tmp_path / "b")  # into the suite's own, filled instance
    assert "not empty" in str(refused.value)
    with pytest.raises(backup.BackupError):
        backup.create(tmp_path / "b")  # nor written over another backup


def test_the_commands_and_the_nightly_job(app, filled, tmp_path):
    runner = app.test_cli_runner()
    made = runner.invoke(backup_cli, ["create", str(tmp_path / "cli")])
    assert made.exit_code == 0 and "backup written" in made.output
    checked = runner.invoke(backup_cli, ["check", str(tmp_path / "cli")])
    assert checked.exit_code == 0 and "every part matches" in checked.output
    manifest = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    first = next(iter(manifest["files"]))
    (tmp_path / "cli" / first).write_bytes(b"x")
    broken = runner.invoke(backup_cli, ["check", str(tmp_path / "cli")])
    assert broken.exit_code != 0 and first in broken.output
    app.config.update(BACKUP_FOLDER=str(tmp_path / "nightly"), BACKUP_KEEP=2)
    try:
        for day in (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 3)):
            assert backup.nightly(day) == 1
        assert backup.nightly(date(2026, 11, 3)) == 0  # once a day
        kept = sorted(p.name for p in (tmp_path / "nightly").iterdir())
        assert kept == ["2026-11-02", "2026-11-03"]
    finally:
        app.config.update(BACKUP_FOLDER=None, BACKUP_KEEP=7)
