"""An application's archival bundle: one ZIP with every dossier and document the reader may
read, the transition log and the application's ledger lines as CSV and JSON, and a
manifest naming each file's SHA-256 and size and the audit chains' links (the last log
row's and ledger entry's sequence and hash). ``verify`` checks a bundle offline: every
file listed is there, whole, and nothing else is; the log's rows link one to the next from
the chain's start (an application's log is a chain of its own), and its last link is the
one the manifest names. (A row's own hash covers fields a bundle may leave blank, another
institution's internal notes, so it is checked against the database by ``audit verify``.)
"""

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass

from sqlalchemy import select

from talentfin.audit import GENESIS
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.pool.models import LedgerEntry
from talentfin.services.applications import current_attachments
from talentfin.services.applications import history
from talentfin.services.dossier_files import dossiers_for
from talentfin.services.uploads import download_name
from talentfin.storage import DOSSIERS
from talentfin.storage import UPLOADS
from talentfin.storage import stored_bytes
from talentfin.workflows import access

MANIFEST = "manifest.json"
LOG_JSON = "log/transitions.json"
FORMAT = "talentfin-bundle/1"
LOG_COLUMNS = ("seq", "id", "at_utc", "trigger", "from", "to", "actor_id", "actor", "via",
               "comment", "prev_hash", "row_hash")
LEDGER_COLUMNS = ("seq", "entry_id", "effective_on", "kind", "memo", "reverses_id",
                  "maker_id", "checker_id", "line_id", "account", "funder_id", "org_id",
                  "amount_fen", "row_hash")


def _csv(header: tuple, rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str).encode()


def _log(application: Application, reader: User) -> tuple[list[TransitionLog], list[list]]:
    logs = history(application)
    rows = [[log.seq, log.id, log.created_at.isoformat(), log.trigger, log.from_state,
             log.to_state, log.actor_id or "", log.actor.name if log.actor else "",
             (log.payload or {}).get("via") or "",
             log.comment if access.comment_visible(reader, application, log) else "",
             log.prev_hash, log.row_hash] for log in logs]
    return logs, rows


def _ledger(application: Application) -> tuple[list[LedgerEntry], list[list]]:
    entries = list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.application_id == application.id).order_by(LedgerEntry.seq)))
    rows = [[e.seq, e.id, e.effective_on.isoformat(), e.kind, e.memo, e.reverses_id or "",
             e.maker_id or "", e.checker_id or "", line.id, line.account, line.funder_id or "",
             line.org_id or "", line.amount_fen, e.row_hash]
            for e in entries for line in e.lines]
    return entries, rows


def _files(application: Application, reader: User) -> list[tuple[str, bytes]]:
    """(path in the bundle, bytes) of the dossiers and documents the reader may read."""
    files = []
    for dossier in dossiers_for(application):
        if dossier.status != "ready" \
                or not access.may_read_dossier(reader, application, dossier.stage):
            continue  # one being rendered has no file yet
        content = stored_bytes(DOSSIERS, dossier.file_name)
        if content is not None:
            files.append((f"dossiers/{dossier.file_name}", content))
    for attachment in current_attachments(application):
        if not access.may_read_document(reader, application, attachment.kind):
            continue
        content = stored_bytes(UPLOADS, attachment.stored_name)
        if content is not None:  # a replaced draft file's bytes are gone
            files.append((f"documents/{attachment.id}-{download_name(attachment)}", content))
    return files


def build(application: Application, reader: User):
    """The bundle as a file object (spooled: in memory when small), at its start."""
    logs, log_rows = _log(application, reader)
    entries, ledger_rows = _ledger(application)
    files = [*_files(application, reader),
             ("log/transitions.csv", _csv(LOG_COLUMNS, log_rows)),
             (LOG_JSON, _json([dict(zip(LOG_COLUMNS, row, strict=True))
                                             for row in log_rows])),
             ("ledger/lines.csv", _csv(LEDGER_COLUMNS, ledger_rows)),
             ("ledger/lines.json", _json([dict(zip(LEDGER_COLUMNS, row, strict=True))
                                          for row in ledger_rows]))]
    manifest = {
        "format": FORMAT, "application": application.reference or application.id,
        "product": application.product, "status": application.status,
        "made_at_utc": utcnow().isoformat(timespec="seconds"), "made_for": reader.email,
        "files": [{"path": path, "sha256": hashlib.sha256(content).hexdigest(),
                   "size": len(content)} for path, content in files],
        "chains": {
            TransitionLog.CHAIN: {"last_seq": logs[-1].seq, "last_hash": logs[-1].row_hash}
            if logs else None,
            "ledger": {"last_seq": entries[-1].seq, "last_hash": entries[-1].row_hash}
            if entries else None,
        },
    }
    bundle = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files:
            archive.writestr(path, content)
        archive.writestr(MANIFEST, _json(manifest))
    bundle.seek(0)
    return bundle


@dataclass
class Verdict:
    """What checking a bundle found: the files that match, and every problem, named."""

    checked: int
    problems: list[str]


def verify(source) -> Verdict:
    """Check a bundle (a path or a file object) against its manifest, offline."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        return Verdict(0, [f"not a readable ZIP file: {exc}"])
    with archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            return Verdict(0, [f"no {MANIFEST} in the bundle"])
        try:
            manifest = json.loads(archive.read(MANIFEST))
            listed = {entry["path"]: entry for entry in manifest["files"]}
        except (ValueError, KeyError, TypeError) as exc:
            return Verdict(0, [f"{MANIFEST} cannot be read: {exc}"])
        problems, checked = [], 0
        for path, entry in sorted(listed.items()):
            if path not in names:
                problems.append(f"{path}: missing")
                continue
            try:
                content = archive.read(path)
            except (zipfile.BadZipFile, OSError) as exc:  # a damaged member (its CRC)
                problems.append(f"{path}: cannot be read ({exc})")
                continue
            if hashlib.sha256(content).hexdigest() != entry.get("sha256") \
                    or len(content) != entry.get("size"):
                problems.append(f"{path}: does not match its SHA-256 in the manifest")
                continue
            checked += 1
        problems += [f"{path}: not in the manifest" for path in sorted(names - set(listed))
                     if path != MANIFEST]
        if LOG_JSON in listed and LOG_JSON in names:
            problems += _log_chain_problems(archive.read(LOG_JSON), manifest)
    return Verdict(checked, problems)


def _log_chain_problems(content: bytes, manifest: dict) -> list[str]:
    """The log's rows link from the chain's start, one to the next, to the manifest's last
    link."""
    try:
        rows = json.loads(content)
        links = [(int(row["seq"]), str(row["prev_hash"]), str(row["row_hash"])) for row in rows]
        last = (manifest.get("chains") or {}).get(TransitionLog.CHAIN)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"{LOG_JSON}: cannot be read ({exc})"]
    seq, previous = 0, GENESIS
    for row_seq, prev_hash, row_hash in links:
        if row_seq != seq + 1 or prev_hash != previous:
            return [f"{LOG_JSON}: the chain breaks at seq {row_seq} (a row changed, removed, "
                    "added or moved)"]
        seq, previous = row_seq, row_hash
    named = (last or {}).get("last_seq"), (last or {}).get("last_hash")
    if links and named != (seq, previous) or not links and last is not None:
        return [f"{MANIFEST}: its last link of the log is not the log's last row"]
    return []
