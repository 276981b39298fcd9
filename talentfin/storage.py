"""Where the programme keeps files: the uploads (``UPLOADS``) and what it produces, dossiers
and statements (``DOSSIERS``). Files are written once under a new name and never
overwritten; a new version, or a retry after a crash, gets a new name.

Two backends behind one interface, chosen by ``STORAGE_BACKEND``:

- ``local`` (the default): the instance folders ``UPLOAD_FOLDER`` and ``DOSSIER_FOLDER``
  (a temporary file, fsync, then a hard link that fails instead of overwriting);
- ``s3``: an S3-compatible object store through boto3 (``S3_ENDPOINT_URL``, ``S3_BUCKET``,
  ``S3_ACCESS_KEY_ID``, ``S3_SECRET_ACCESS_KEY``, ``S3_REGION``, ``S3_PREFIX``), so that
  several web servers and workers on several hosts read and write the same files; a
  write is conditional (``If-None-Match: *``), so it never replaces an object either.

A backend's failure (a full disk, an unreachable store) is a ``StorageError``, an
``OSError``, which the callers already treat as "not stored, nothing saved".
"""

import importlib
import io
import os
import tempfile
from pathlib import Path

from flask import Response
from flask import abort
from flask import current_app
from flask import send_file

from talentfin.models import Dossier

UPLOADS, DOSSIERS = "uploads", "dossiers"
# A file being written (put_new) before it is linked under its name: never a stored file.
TEMP_PREFIX = ".writing-"
_FOLDERS = {UPLOADS: "UPLOAD_FOLDER", DOSSIERS: "DOSSIER_FOLDER"}
NAME_ATTEMPTS = 100


class StorageError(OSError):
    """The store could not keep or give a file (the message says which and why)."""


class LocalStore:
    """Files in the instance folders of this host."""

    def __init__(self, config):
        self.config = config

    def folder(self, area: str) -> Path:
        """The folder of an area (created when missing)."""
        folder = Path(self.config[_FOLDERS[area]])
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def put(self, area: str, name: str, content: bytes) -> None:
        """Write a file under a name no file has (FileExistsError otherwise)."""
        path = self.folder(area) / name
        with open(path, "xb") as handle:  # fails instead of overwriting
            try:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            except OSError:  # a full disk: no half-written file stays under the name
                path.unlink(missing_ok=True)
                raise

    def put_new(self, area: str, stem: str, suffix: str, content: bytes) -> str:
        """Write under ``stem + suffix``, or the next free ``stem-rN + suffix``; the name."""
        folder = self.folder(area)
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX,
                                                  suffix=suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            for name in names(stem, suffix):
                try:
                    os.link(temp_name, folder / name)  # atomic; fails instead of overwriting
                except FileExistsError:
                    continue
                return name
            raise FileExistsError(f"no free file name for {stem}")
        finally:
            os.unlink(temp_name)

    def read(self, area: str, name: str) -> bytes:
        """A file's bytes (FileNotFoundError when it is not there)."""
        return (self.folder(area) / name).read_bytes()

    def exists(self, area: str, name: str) -> bool:
        """Whether the file is there."""
        return (self.folder(area) / name).is_file()

    def remove(self, area: str, name: str) -> None:
        """Delete a file (nothing when it is not there)."""
        (self.folder(area) / name).unlink(missing_ok=True)

    def path(self, area: str, name: str) -> Path | None:
        """The file's path on this host."""
        return self.folder(area) / name


def names(stem: str, suffix: str):
    """The names a new file tries in turn: ``stem.pdf``, ``stem-r2.pdf``, ..."""
    for attempt in range(1, NAME_ATTEMPTS):
        yield f"{stem}{suffix}" if attempt == 1 else f"{stem}-r{attempt}{suffix}"


# The backends by name, as "module:class": the S3 one is imported only by a site that
# uses it (boto3 costs a process about 0.2 s and 30 MB to import).
BACKENDS = {"local": "talentfin.storage:LocalStore", "s3": "talentfin.storage_s3:S3Store"}


def store():
    """This app's store, made once per app (a boto3 client is thread-safe)."""
    found = current_app.extensions.get("talentfin_store")
    if found is None:
        module, name = BACKENDS[current_app.config.get("STORAGE_BACKEND") or "local"].split(":")
        found = getattr(importlib.import_module(module), name)(current_app.config)
        current_app.extensions["talentfin_store"] = found
    return found


def send(area: str, name: str, *, mimetype: str, download_name: str | None = None,
         as_attachment: bool = False) -> Response:
    """A response carrying a stored file: from its path on this host (conditional requests
    and ranges as Flask gives them), else its bytes from the object store; a 404 when
    the file is not there (a replaced draft file: its row and hash stay, its bytes not)."""
    backend = store()
    path = backend.path(area, name)
    if path is not None:
        if not path.is_file():
            abort(404)
        return send_file(path, mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name or name)
    try:
        content = backend.read(area, name)
    except FileNotFoundError:
        abort(404)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=as_attachment,
                     download_name=download_name or name)


def stored_bytes(area: str, name: str) -> bytes | None:
    """A stored file's bytes, or None when it is not there."""
    try:
        return store().read(area, name)
    except FileNotFoundError:
        return None


def store_new_file(stem: str, content: bytes) -> str:
    """Keep a new PDF the programme produced (a dossier, a statement); its file name."""
    return store().put_new(DOSSIERS, stem, ".pdf", content)


def dossier_folder() -> Path:
    """Where dossier PDFs are kept on this host (the local backend)."""
    return LocalStore(current_app.config).folder(DOSSIERS)


def dossier_path(dossier: Dossier) -> Path:
    """The stored PDF of a rendered dossier on this host (the local backend)."""
    return dossier_folder() / dossier.file_name
