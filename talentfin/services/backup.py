"""Backup and restore: the database, every stored file, and a manifest that proves them.

``create`` writes into an empty folder: the database (SQLite's online backup API, so a
running site is copied consistently; ``pg_dump`` in its custom format for PostgreSQL),
then the uploads and the dossiers (a file is never rewritten, so each one the database copy
names was stored before it and is there, unless it was deleted since: a replaced or
expired upload, which the backup then leaves out; a ``.writing-*`` file is a write under
way, not a stored file), and ``manifest.json`` with each part's SHA-256 and the audit
chains' heads. ``restore`` checks every part against the manifest first and refuses a
mismatch, naming it; it restores only into an empty instance (no table holds a row, the
file folders are empty), then checks the audit chains and their heads against the
manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from talentfin.extensions import db
from talentfin.models import ChainHead
from talentfin.services.audit_chains import verify_all
from talentfin.storage import TEMP_PREFIX

MANIFEST = "manifest.json"
FOLDERS = {"uploads": "UPLOAD_FOLDER", "dossiers": "DOSSIER_FOLDER"}


class BackupError(RuntimeError):
    """A backup or restore that must not go on; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_files(folder: Path):
    """The stored files of a folder of the running site, by path, sorted: not the temporary
    files of a write under way; a folder that vanishes meanwhile is passed over."""
    found = []
    for parent, _dirs, names in os.walk(folder):
        found.extend(Path(parent) / name for name in names if not name.startswith(TEMP_PREFIX))
    return sorted(found)


def _copy(path: Path, copied: Path) -> str | None:
    """Copy one file of the running site; the copy's SHA-256, or None when the file was
    deleted before it could be opened (once open, it is read whole even if deleted)."""
    try:
        with open(path, "rb") as source:
            copied.parent.mkdir(parents=True, exist_ok=True)
            with open(copied, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            stat = os.fstat(source.fileno())
    except FileNotFoundError as exc:
        if os.fspath(exc.filename) != os.fspath(path):
            raise  # not the site's file gone: the backup's own folder
        return None
    os.utime(copied, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return _sha256(copied)


def _kind() -> str:
    return "postgresql" if db.engine.url.get_backend_name() == "postgresql" else "sqlite"


def _libpq_url() -> str:
    """The database's address as pg_dump and pg_restore take it."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    """The PostgreSQL client program's full path (Debian's postgresql-client)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian's postgresql-client)")
    return path


def _chain_heads() -> dict[str, dict]:
    return {head.name: {"seq": head.seq, "last_hash": head.last_hash}
            for head in db.session.scalars(select(ChainHead).order_by(ChainHead.name))}


def _local_files_only() -> None:
    """Backups copy the local folders; files on object storage are the store's to keep."""
    if (current_app.config.get("STORAGE_BACKEND") or "local") != "local":
        raise BackupError("the files are on object storage (STORAGE_BACKEND = s3): back "
                          "the bucket up with the store's own tools (versioning, replication) "
                          "and the database with pg_dump; this command copies local folders")


def create(destination: Path) -> dict:
    """Write a backup of this instance into ``destination`` (new or empty); its manifest."""
    _local_files_only()
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty")
    destination.mkdir(parents=True, exist_ok=True)
    db.session.commit()  # nothing of ours half-done in the copy
    heads = _chain_heads()
    kind = _kind()
    if kind == "sqlite":
        target = destination / "database.sqlite3"
        source = sqlite3.connect(db.engine.url.database)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        target = destination / "database.pgdump"
        subprocess.run(  # noqa: S603 (our own arguments: the tool, a path, our database)
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
             _libpq_url()], check=True, capture_output=True, timeout=3600)
    files = {}
    for folder, setting in FOLDERS.items():
        source_folder = Path(current_app.config[setting])
        for path in _stored_files(source_folder):
            relative = path.relative_to(source_folder)
            digest = _copy(path, destination / folder / relative)
            if digest is not None:  # (a file deleted meanwhile is not in the backup)
                files[f"{folder}/{relative.as_posix()}"] = digest
    manifest = {"created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"kind": kind, "file": target.name, "sha256": _sha256(target)},
                "files": files, "chains": heads}
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def check(source: Path) -> dict:
    """The backup's manifest if every part matches it; BackupError naming what does not."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source / MANIFEST} cannot be read: {exc}") from exc
    wrong = []
    database = source / manifest["database"]["file"]
    if not database.is_file() or _sha256(database) != manifest["database"]["sha256"]:
        wrong.append(manifest["database"]["file"])
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != digest:
            wrong.append(name)
    present = {p.relative_to(source).as_posix() for folder in FOLDERS
               for p in (source / folder).rglob("*") if p.is_file()}
    wrong.extend(sorted(present - set(manifest["files"])))  # a file slipped in
    if wrong:
        raise BackupError("these parts do not match the manifest: " + ", ".join(wrong))
    return manifest


def _empty_instance() -> None:
    tables = inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        filled = [name for name in tables
                  # The names are the database's own tables, from its catalogue.
                  if connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()]  # noqa: S608
    if filled:
        raise BackupError("the instance is not empty (rows in: " + ", ".join(filled) + ")")
    for setting in FOLDERS.values():
        folder = Path(current_app.config[setting])
        if folder.exists() and any(folder.rglob("*")):
            raise BackupError(f"{folder} is not empty")


def restore(source: Path) -> dict:
    """Restore a checked backup into this empty instance; the manifest restored."""
    _local_files_only()
    source = Path(source)
    manifest = check(source)
    if manifest["database"]["kind"] != _kind():
        raise BackupError(f"the backup is of a {manifest['database']['kind']} database; this "
                          f"instance uses {_kind()}")
    _empty_instance()
    db.session.remove()
    database = source / manifest["database"]["file"]
    if _kind() == "sqlite":
        db.engine.dispose()
        backup = sqlite3.connect(database)
        target = sqlite3.connect(db.engine.url.database)
        with target:
            backup.backup(target)
        target.close()
        backup.close()
    else:
        with db.engine.begin() as connection:  # the empty tables go; the dump brings its own
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
        subprocess.run(  # noqa: S603 (our own arguments: the tool, our database, a path)
            [_tool("pg_restore"), "--no-owner", "--dbname", _libpq_url(), str(database)],
            check=True, capture_output=True, timeout=3600)
    for folder, setting in FOLDERS.items():
        target_folder = Path(current_app.config[setting])
        for name in (n for n in manifest["files"] if n.startswith(f"{folder}/")):
            destination = target_folder / name.split("/", 1)[1]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, destination)
    breaks = verify_all()
    if breaks:
        raise BackupError(f"the restored audit chains do not verify: {breaks}")
    if _chain_heads() != manifest["chains"]:
        raise BackupError("the restored audit chains' heads differ from the manifest")
    return manifest


def nightly(today) -> int:
    """Scheduled job: a backup into ``BACKUP_FOLDER``/<date> (when configured), keeping the
    newest ``BACKUP_KEEP``; 1 if made."""
    root = current_app.config.get("BACKUP_FOLDER")
    if not root:
        return 0
    root = Path(root)
    destination = root / today.isoformat()
    if destination.exists():
        return 0
    create(destination)
    kept = sorted((p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).exists()),
                  key=lambda p: p.name)
    for old in kept[:-int(current_app.config.get("BACKUP_KEEP") or 7)]:
        shutil.rmtree(old)
    return 1
