"""An application's archival bundle: downloaded by those who see the file, holding the
dossiers and documents they may read, the log and the ledger lines, and a manifest of each
file's SHA-256 and the chains' last links; ``flask bundle verify`` checks it offline and
names a file whose byte was changed, one missing and one added."""

import csv
import hashlib
import io
import json
import zipfile

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.services import bundles
from talentfin.services.applications import current_attachments
from talentfin.storage import dossier_path
from tests import factories
from tests.web import login
from tests.web import switch_to


def _ready_dossier(application) -> Dossier:
    item = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id)).first()
    item.status, item.file_name = "ready", f"bundle-{application.id}.pdf"
    db.session.commit()
    dossier_path(item).write_bytes(factories.DEMO_PDF)
    return item


def _rewrite(source: bytes, change) -> bytes:
    """The same ZIP with ``change(name, content) -> content or None (left out)``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            content = change(name, old.read(name))
            if content is not None:
                new.writestr(name, content)
    return out.getvalue()


def test_a_bundle_holds_the_file_and_verifies_offline(client, auth, world, runner, tmp_path):
    factories.fund_pool(world)
    application = factories.loan_in(world, "compensated")
    dossier = _ready_dossier(application)
    login(auth, world.officer1)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="/applications/{application.id}/bundle.zip"' in page
    response = client.get(f"/applications/{application.id}/bundle.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data = response.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        log_rows = list(csv.DictReader(io.StringIO(
            archive.read("log/transitions.csv").decode("utf-8-sig"))))
        ledger = json.loads(archive.read("ledger/lines.json"))
    assert f"dossiers/{dossier.file_name}" in names
    attachment = current_attachments(application)[0]
    assert any(n.startswith(f"documents/{attachment.id}-") for n in names)
    logs = db.session.scalars(select(TransitionLog).where(
        TransitionLog.application_id == application.id).order_by(TransitionLog.seq)).all()
    assert [r["trigger"] for r in log_rows] == [log.trigger for log in logs]
    assert manifest["chains"]["transition_log"] == {"last_seq": logs[-1].seq,
                                                    "last_hash": logs[-1].row_hash}
    assert {line["kind"] for line in ledger} >= {"compensation_payout"}
    assert sum(line["amount_fen"] for line in ledger) == 0  # the entries balance
    assert {f["path"] for f in manifest["files"]} == names - {"manifest.json"}

    good = tmp_path / "good.zip"
    good.write_bytes(data)
    result = runner.invoke(["bundle", "verify", str(good)])
    assert result.exit_code == 0 and f"{len(names) - 1} files match" in result.output
    # One byte of the dossier changed; a document left out; a file slipped in.
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(_rewrite(data, lambda name, content: (
        content[:100] + bytes([content[100] ^ 1]) + content[101:]
        if name.startswith("dossiers/") else None if name.startswith("documents/")
        else content)))
    result = runner.invoke(["bundle", "verify", str(tampered)])
    assert result.exit_code == 1
    assert f"dossiers/{dossier.file_name}: does not match" in result.output
    assert "documents/" in result.output and "missing" in result.output
    slipped = tmp_path / "slipped.zip"
    slipped.write_bytes(data)
    with zipfile.ZipFile(slipped, "a") as archive:
        archive.writestr("extra.txt", b"not from talentfin")
    assert "extra.txt: not in the manifest" in bundles.verify(slipped).problems
    assert bundles.verify(io.BytesIO(b"not a zip")).problems


def test_a_bundle_is_for_those_who_see_the_file_with_what_they_may_read(
        client, auth, world):
    application = factories.loan_in(world, "bank_approval")  # the officer's internal note
    login(auth, world.park_reviewer)
    with zipfile.ZipFile(io.BytesIO(client.get(
            f"/applications/{application.id}/bundle.zip").data)) as archive:
        rows = list(csv.DictReader(io.StringIO(
            archive.read("log/transitions.csv").decode("utf-8-sig"))))
    assert {r["trigger"]: r["comment"] for r in rows}["recommend"] == ""  # the bank's note
    switch_to(auth, world.officer2)
    assert client.get(f"/applications/{application.id}/bundle.zip").status_code == 404


def _resealed(data: bytes, change_log, change_manifest=lambda manifest: None) -> io.BytesIO:
    """The bundle with its log JSON changed and the manifest's hashes made to match, as a
    forger who rewrites both would."""
    with zipfile.ZipFile(io.BytesIO(data)) as old:
        files = {name: old.read(name) for name in old.namelist()}
    rows = json.loads(files[bundles.LOG_JSON])
    change_log(rows)
    files[bundles.LOG_JSON] = json.dumps(rows).encode()
    manifest = json.loads(files[bundles.MANIFEST])
    for entry in manifest["files"]:
        content = files[entry["path"]]
        entry["sha256"], entry["size"] = hashlib.sha256(content).hexdigest(), len(content)
    change_manifest(manifest)
    files[bundles.MANIFEST] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as new:
        for name, content in files.items():
            new.writestr(name, content)
    out.seek(0)
    return out


def test_the_logs_chain_is_checked_even_when_the_manifest_was_rewritten(client, auth, world):
    application = factories.loan_in(world, "approved")
    login(auth, world.officer1)
    data = client.get(f"/applications/{application.id}/bundle.zip").data
    assert bundles.verify(io.BytesIO(data)).problems == []
    broken = "log/transitions.json: the chain breaks at seq"
    for change in (lambda rows: rows.pop(1),  # a row removed
                   lambda rows: rows.insert(1, rows.pop(2)),  # two rows swapped
                   lambda rows: rows[2].update(row_hash="f" * 64)):  # a link altered
        assert any(p.startswith(broken)
                   for p in bundles.verify(_resealed(data, change)).problems)
    # The last row cut off, and the manifest's last link left pointing at it.
    assert bundles.verify(_resealed(data, lambda rows: rows.pop())).problems == [
        "manifest.json: its last link of the log is not the log's last row"]
    # A whole log rewritten to end elsewhere than the manifest says.
    assert bundles.verify(_resealed(
        data, lambda rows: None,
        lambda manifest: manifest["chains"]["transition_log"].update(last_seq=99))).problems \
        == ["manifest.json: its last link of the log is not the log's last row"]
