"""Uploaded documents: type sniffed from the content, size-limited, random stored names."""

import hashlib
import logging
import secrets
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import filetype
from flask import current_app
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from werkzeug.datastructures import FileStorage

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.storage import UPLOADS
from talentfin.storage import store
from talentfin.text import clean_file_name
from talentfin.workflows.access import may_upload

log = logging.getLogger(__name__)

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class UploadRefused(ValueError):
    """The file was refused; the message says why."""


def upload_folder() -> Path:
    """Where uploads are kept (outside the static files)."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def readable_size(size: int) -> str:
    """A byte count as people read it: '10 MB', '1.5 MB', '512 KB'."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = (Decimal(size) / factor).quantize(Decimal("0.1")).normalize()
            return f"{value:f} {unit}"
    return f"{size} B"


def read_checked(storage: FileStorage) -> tuple[bytes, str]:
    """The file's bytes and sniffed MIME type, or UploadRefused with the reason."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    content = storage.stream.read(limit + 1)
    if not content:
        raise UploadRefused(_("The file is empty."))
    if len(content) > limit:
        raise UploadRefused(
            _("The file is larger than %(size)s; please upload a smaller file.",
              size=readable_size(limit))
        )
    kind = filetype.guess(content)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise UploadRefused(
            _("Only PDF, JPEG and PNG files are accepted; this file's content is not one of them.")
        )
    return content, mime


def save_attachment(application: Application, kind: str, storage: FileStorage,
                    user: User) -> Attachment:
    """Store a document for an application; it supersedes the previous one of its kind.

    Each kind is uploaded by its own party (``workflows.access.may_upload``): a founder's
    file never counts as a bank's claim paper, nor the other way round.
    """
    allowed, reason = may_upload(user, application, kind)
    if not allowed:
        raise UploadRefused(reason)
    content, mime = read_checked(storage)
    _within_quotas(application, kind, user, len(content))
    stored_name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    try:
        store().put(UPLOADS, stored_name, content)  # a random name: never overwrites
    except OSError as exc:  # the disk full (ENOSPC), a quota, a failing volume or store
        db.session.rollback()
        log.error("upload for %s not stored: %s", application.id, exc)
        raise UploadRefused(_("The file could not be stored just now; nothing was saved. "
                              "Please try again later, and tell the programme office if "
                              "this goes on.")) from exc
    original = clean_file_name(storage.filename or "", ALLOWED_TYPES[mime])
    try:
        replaced = list(db.session.scalars(select(Attachment).where(
            Attachment.application_id == application.id, Attachment.kind == kind,
            Attachment.superseded_at.is_(None))))
        db.session.execute(
            update(Attachment)
            .where(Attachment.application_id == application.id, Attachment.kind == kind,
                   Attachment.superseded_at.is_(None))
            .values(superseded_at=utcnow())
        )
        attachment = Attachment(
            application_id=application.id, kind=kind, original_name=original,
            stored_name=stored_name, content_type=mime, size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(), uploaded_by_id=user.id,
        )
        db.session.add(attachment)
        db.session.commit()
    except Exception:
        db.session.rollback()
        store().remove(UPLOADS, stored_name)
        raise
    _remove_unreferenced(application, replaced)
    return attachment


def _within_quotas(application: Application, kind: str, user: User, size: int) -> None:
    """The application's documents in force (the one replaced aside) and what the account
    uploaded in the last 24 hours stay within their quotas. The account's row is locked
    first (a no-op UPDATE), so its uploads at the same moment are counted one by one."""
    config = current_app.config
    db.session.execute(update(User).where(User.id == user.id).values(id=User.id)
                       .execution_options(synchronize_session=False))
    in_force = db.session.scalar(select(func.coalesce(func.sum(Attachment.size_bytes), 0))
                                 .where(Attachment.application_id == application.id,
                                        Attachment.kind != kind,
                                        Attachment.superseded_at.is_(None)))
    if in_force + size > config["UPLOAD_MAX_PER_APPLICATION_BYTES"]:
        db.session.rollback()
        raise UploadRefused(_("This application's documents would take more than %(size)s; "
                              "replace a large file with a smaller one.",
                              size=readable_size(config["UPLOAD_MAX_PER_APPLICATION_BYTES"])))
    files, volume = (config["UPLOAD_MAX_PER_ACCOUNT_DAY_FILES"],
                     config["UPLOAD_MAX_PER_ACCOUNT_DAY_BYTES"])
    if files is None or volume is None:  # lifted (the demo's seeding)
        return
    count, total = db.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size_bytes), 0))
        .where(Attachment.uploaded_by_id == user.id,
               Attachment.uploaded_at >= utcnow() - timedelta(days=1))).one()
    if count + 1 > files or total + size > volume:
        db.session.rollback()
        raise UploadRefused(_("You have uploaded %(count)s files (%(size)s) in the last 24 "
                              "hours, the most an account may; please try again tomorrow.",
                              count=count, size=readable_size(total)))


def _remove_unreferenced(application: Application, replaced: list[Attachment]) -> None:
    """Delete the bytes of the files just replaced that no submission referred to (a
    draft's earlier upload); a file the application was submitted with stays, as its
    record. The rows stay either way: their hashes prove what was there."""
    snapshot = application.submitted_snapshot or {}
    submitted = {item.get("sha256") for item in (snapshot.get("attachments") or {}).values()}
    for old in replaced:
        if old.sha256 not in submitted:
            store().remove(UPLOADS, old.stored_name)


def download_name(attachment: Attachment) -> str:
    """The name a download carries: the uploaded name cleaned, with the extension of the
    type found in its content (rows stored before names were cleaned included)."""
    return clean_file_name(attachment.original_name, ALLOWED_TYPES.get(
        attachment.content_type, "bin"))


def attachment_path(attachment: Attachment) -> Path:
    """Where an attachment's bytes are stored on this host (the local backend)."""
    return upload_folder() / attachment.stored_name


# The common route's endings without a decision for the applicant (talentfin.workflows.common).
ENDED_WITHOUT_DECISION = ("rejected", "withdrawn", "expired")


def remove_expired_uploads(today) -> int:
    """Scheduled job: the files of applications rejected, withdrawn or expired more than the
    policy's ``upload_retention_days`` ago are deleted (their rows, names and hashes, the
    dossiers and the log stay, which the audit needs). How many files."""
    days = int_parameter("upload_retention_days", today)
    before = datetime.combine(today - timedelta(days=days), datetime.min.time())
    removed = 0
    for attachment in db.session.scalars(
            select(Attachment).join(Application, Application.id == Attachment.application_id)
            .where(Application.status.in_(ENDED_WITHOUT_DECISION),
                   Application.status_changed_at < before)):
        if store().exists(UPLOADS, attachment.stored_name):
            store().remove(UPLOADS, attachment.stored_name)
            removed += 1
    return removed
