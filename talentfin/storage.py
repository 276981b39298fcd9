"""Files the programme produces (dossiers, statements): kept under the instance folder and
never overwritten; a new version, or a retry after a crash, gets a new file name."""

import os
import tempfile
from pathlib import Path

from flask import current_app

from talentfin.models import Dossier


def store_new_file(stem: str, content: bytes) -> Path:
    """Write ``content`` under a name no file has yet (temp file, fsync, then link)."""
    folder = dossier_folder()
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=".rendering-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        # A crashed earlier attempt may have left a file under the first name; it was
        # never recorded, but it is not ours to replace: take the next free name.
        for attempt in range(1, 100):
            target = folder / (f"{stem}.pdf" if attempt == 1 else f"{stem}-r{attempt}.pdf")
            try:
                os.link(temp_name, target)  # atomic, and fails instead of overwriting
            except FileExistsError:
                continue
            return target
        raise FileExistsError(f"no free file name for dossier {stem}")
    finally:
        os.unlink(temp_name)


def dossier_folder() -> Path:
    """Where dossier PDFs are kept."""
    folder = Path(current_app.config["DOSSIER_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dossier_path(dossier: Dossier) -> Path:
    """The stored PDF of a rendered dossier."""
    return dossier_folder() / dossier.file_name
