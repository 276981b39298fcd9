"""The storage full (ENOSPC) under the dossiers and the uploads: a real, small filesystem."""

import subprocess
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.services import outbox
from tests import factories
from tests.faults import cannot_run_here
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import text
from tests.web import upload

pytestmark = pytest.mark.faults


@pytest.fixture
def small_disk(tmp_path, app, monkeypatch):
    """A 4 MB tmpfs as the dossier and upload folders (needs the right to mount)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        cannot_run_here(f"cannot mount a small filesystem here: {done.stderr.strip()}")
    for name in ("dossiers", "uploads"):
        (mount / name).mkdir()
    monkeypatch.setitem(app.config, "DOSSIER_FOLDER", str(mount / "dossiers"))
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(mount / "uploads"))
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount) -> None:
    """Fill the filesystem to the last byte."""
    with open(mount / "filler", "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 65536)
        except OSError:
            pass
    with open(mount / "filler2", "wb", buffering=0) as out:  # the last bytes too
        try:
            while True:
                out.write(b"\0")
        except OSError:
            pass


def test_a_full_disk_fails_the_render_not_the_decision_and_it_is_retried(
        client, auth, db, world, small_disk):
    application = factories.loan_in(world, "park_review")
    assert outbox.run_pending()[1] == 0  # the submission's dossier, while there is room
    _fill(small_disk)

    login(auth, world.park_reviewer)
    response = fire(client, application.id, "park_approve", comment="材料齐全")
    assert response.status_code == 302
    assert fresh(application.id).status == "partner_review"  # the decision stands
    ok, failed = outbox.run_pending()
    assert failed == 1
    task = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == "render_dossier", OutboxTask.status == "pending")).one()
    assert "No space left on device" in task.last_error and task.attempts == 1
    stage_dossier = db.session.get(Dossier, task.payload["dossier_id"])
    assert stage_dossier.status == "pending"
    # No half-written file is left behind, and the page says the dossier is being prepared.
    assert not list((small_disk / "dossiers").glob(".rendering-*"))
    assert "being prepared" in text(client.get(f"/applications/{application.id}"))

    # A founder's upload on the full disk: a clear message, nothing recorded, no 500.
    switch_to(auth, world.founder)
    draft = factories.draft(world, documents=False)
    stored_before = set((small_disk / "uploads").iterdir())
    response = upload(client, draft.id, "business_plan", follow=True)
    assert response.status_code == 422  # the documents step again, with the message
    assert "could not be stored just now" in text(response)
    assert db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.application_id == draft.id)) == 0
    assert set((small_disk / "uploads").iterdir()) == stored_before  # no partial file

    # Room again (an operator cleared the disk): the retry renders it, once.
    (small_disk / "filler").unlink()
    (small_disk / "filler2").unlink()
    db.session.execute(update(OutboxTask).values(available_at=datetime(2000, 1, 1)))
    db.session.commit()
    assert outbox.run_pending()[1] == 0
    db.session.expire_all()
    assert db.session.get(Dossier, stage_dossier.id).status == "ready"
    assert db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.application_id == application.id)) == 2
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.application_id == application.id,
        TransitionLog.trigger == "park_approve")) == 1
    assert upload(client, draft.id, "business_plan").status_code == 302
