"""Issue #11: a backup of a running site. Between the listing of the folders and the copy
of a file, the site goes on: a replaced or expired upload is deleted, a dossier is being
written (its ``.writing-*`` temporary file is there, half written). The backup completes without
them (the deleted file is not in the manifest, no temporary file is copied) and
``backup check`` passes."""

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from talentfin.cli import backup_cli
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.services import backup
from talentfin.services.outbox import run_pending
from talentfin.services.uploads import attachment_path
from talentfin.storage import TEMP_PREFIX
from tests import factories


def test_a_file_deleted_or_being_written_during_the_backup_does_not_fail_it(
        app, world, tmp_path, monkeypatch):
    factories.loan_in(world, "covered")
    run_pending(limit=100)
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    gone, kept = attachment_path(attachments[0]), attachment_path(attachments[1])
    dossiers = Path(current_app.config["DOSSIER_FOLDER"])
    writing = dossiers / f"{TEMP_PREFIX}k3j9x.pdf"  # a dossier's write under way
    writing.write_bytes(b"%PDF-1.7 half")
    listed = backup._stored_files

    def listed_then_deleted(folder):
        found = listed(folder)
        gone.unlink(missing_ok=True)  # deleted by the site after the listing
        return found

    monkeypatch.setattr(backup, "_stored_files", listed_then_deleted)
    runner = app.test_cli_runner()
    made = runner.invoke(backup_cli, ["create", str(tmp_path / "b")])
    assert made.exit_code == 0, made.output
    manifest = backup.check(tmp_path / "b")
    assert f"uploads/{gone.name}" not in manifest["files"]
    assert f"uploads/{kept.name}" in manifest["files"]
    assert any(name.startswith("dossiers/") for name in manifest["files"])
    assert not any(TEMP_PREFIX in name for name in manifest["files"])
    assert not list((tmp_path / "b").rglob(f"{TEMP_PREFIX}*"))
    checked = runner.invoke(backup_cli, ["check", str(tmp_path / "b")])
    assert checked.exit_code == 0 and "every part matches" in checked.output
