"""Dossiers: scheduled inside the deciding transaction, rendered after it by the worker."""

import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User

VERIFY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verify_code() -> str:
    """A random, unambiguous 12-character code, grouped for reading aloud."""
    raw = "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def schedule_dossier(application: Application, stage: str, log: TransitionLog,
                     user: User | None) -> Dossier:
    """Add a pending dossier and its outbox task to the current transaction (no commit)."""
    version = (db.session.scalar(
        select(func.max(Dossier.version)).where(Dossier.application_id == application.id,
                                                Dossier.stage == stage)
    ) or 0) + 1
    dossier = Dossier(
        application_id=application.id, stage=stage, version=version,
        transition_log_id=log.id, status="pending", verify_code=new_verify_code(),
        data_version=application.version, made_by_id=user.id if user else None,
        made_at=log.created_at, summary={},
    )
    db.session.add(dossier)
    db.session.flush()
    db.session.add(OutboxTask(kind="render_dossier", payload={"dossier_id": dossier.id}))
    return dossier


def dossiers_for(application: Application) -> list[Dossier]:
    """The application's dossiers, oldest first."""
    return list(db.session.scalars(
        select(Dossier).where(Dossier.application_id == application.id).order_by(Dossier.id)
    ))


def dossier_folder() -> Path:
    """Where dossier PDFs are kept."""
    folder = Path(current_app.config["DOSSIER_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dossier_path(dossier: Dossier) -> Path:
    """The stored PDF of a rendered dossier."""
    return dossier_folder() / dossier.file_name
