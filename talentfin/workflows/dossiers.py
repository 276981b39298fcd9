"""Dossiers scheduled inside the deciding transaction: the code, the frozen summary, the rows.

``take_snapshot`` freezes what the document attests into ``Dossier.summary`` (the common
part here, the product's own part from its ``summary`` hook); the worker renders only from
that snapshot (``talentfin.services.dossier_files``), so a retry prints the same content
and later edits never change an old dossier.
"""

import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.workflows.registry import product_for

VERIFY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verify_code() -> str:
    """A random, unambiguous 12-character code, grouped for reading aloud."""
    raw = "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_verify_code(text: str) -> str:
    """A code as typed ('abcd efgh jkmn', 'ABCDEFGHJKMN') in its stored form."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(raw) == 12:
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return text.strip().upper()


def verify_url(code: str) -> str:
    """The public address of the check page for a code (no request context needed)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/verify/" + code


@dataclass(frozen=True)
class Snapshot:
    """What a dossier will attest, frozen before its transaction takes any shared lock."""

    code: str
    summary: dict


def take_snapshot(application: Application, log: TransitionLog, user: User | None) -> Snapshot:
    """The verification code and the frozen summary of a decision (reads, writes nothing)."""
    code = new_verify_code()
    return Snapshot(code, build_summary(application, log, user, code))


def add_dossier(dossier: Dossier) -> Dossier:
    """Add a pending dossier and its render task to the current transaction (no commit)."""
    db.session.add(dossier)
    db.session.flush()
    # Added after the flush that gave the dossier its id; inserted with the transaction's
    # other outbox rows in one statement when the session flushes next.
    db.session.add(OutboxTask(kind="render_dossier", payload={"dossier_id": dossier.id}))
    return dossier


def schedule_dossier(application: Application, stage: str, log: TransitionLog,
                     user: User | None, snapshot: Snapshot | None = None) -> Dossier:
    """Add a pending dossier of a decision and its outbox task to the current transaction.

    ``log`` must be flushed (the dossier points at it); ``snapshot`` defaults to one
    taken now.
    """
    snapshot = snapshot or take_snapshot(application, log, user)
    # The next version is computed inside the INSERT: no separate round trip. Two
    # firings on one application cannot race here, as the version column of the
    # application lets only one of them commit.
    version = select(func.coalesce(func.max(Dossier.version), 0) + 1).where(
        Dossier.application_id == application.id, Dossier.stage == stage
    ).scalar_subquery()
    return add_dossier(Dossier(
        application_id=application.id, stage=stage, version=version,
        transition_log_id=log.id, status="pending", verify_code=snapshot.code,
        data_version=application.version, made_by_id=user.id if user else None,
        made_at=log.created_at, summary=snapshot.summary,
    ))


def build_summary(application: Application, log: TransitionLog, user: User | None,
                  code: str) -> dict:
    """Everything the PDF and the check page show, as of the decision (JSON-ready)."""
    enterprise = application.enterprise
    talent = enterprise.talent
    names = _organisation_names(application, user)
    summary = {
        "reference": application.reference,
        "product": application.product,
        # The identity the application was submitted on (``Application.company_name``).
        "enterprise": {"name": application.company_name, "uscc": application.company_uscc},
        "founder": {"name": talent.founder_name if talent else ""},
        "talent": {
            # The tier the park checked at submission, not what the profile says now.
            "tier": application.talent_tier or talent.tier,
            "certificate_no": talent.certificate_no,
            "issuer": talent.issuer, "valid_until": iso(talent.valid_until),
        } if talent else None,
        "park": names.get(application.park_id, ""),
        "partner": names.get(application.partner_org_id, ""),
        "request": {
            "amount_fen": application.requested_amount_fen,
            "purpose": application.purpose or "",
            "details": dict(application.details or {}),
        },
        "decision": {
            "trigger": log.trigger, "from_state": log.from_state, "to_state": log.to_state,
            "comment": log.comment or "", "at": iso(log.created_at),
            "decider": decider(user, application.company_name, names),
        },
        "attachments": _attachment_checklist(application),
        "verify_url": verify_url(code),
    }
    own = product_for(application.product).hooks.get("summary")
    extra = dict(own(application)) if own else {}
    summary["request"].update(extra.pop("request", {}))
    summary.update(extra)
    return summary


# Built once: the snapshot runs inside every deciding firing, and constructing a statement
# costs more than running these.
_ORGANISATION_NAMES = select(Organisation.id, Organisation.name).where(
    Organisation.id.in_(bindparam("ids", expanding=True)))
_CURRENT_ATTACHMENTS = (
    select(Attachment)
    .where(Attachment.application_id == bindparam("application_id"),
           Attachment.superseded_at.is_(None))
    .order_by(Attachment.id)
)


def _organisation_names(application: Application, user: User | None) -> dict[int, str]:
    """Names of the park, the partner and the decider's organisation, in one query."""
    ids = {application.park_id, application.partner_org_id, user.org_id if user else None}
    ids.discard(None)
    if not ids:
        return {}
    return dict(db.session.execute(_ORGANISATION_NAMES, {"ids": list(ids)}).tuples().all())


def decider(user: User | None, firm: str, names: dict[int, str]) -> dict:
    """Who decided, with their role and organisation (the firm's name for a founder)."""
    if user is None:
        return {"name": "", "role": "system", "organisation": ""}
    if user.org_id is not None:
        organisation = names.get(user.org_id, "")
    else:
        organisation = firm if user.enterprise_id is not None else ""
    return {"name": user.name, "role": user.role, "organisation": organisation}


def _attachment_checklist(application: Application) -> list[dict]:
    current = db.session.scalars(_CURRENT_ATTACHMENTS, {"application_id": application.id})
    order = {d.key: index for index, d in enumerate(product_for(application.product).documents)}
    return [
        {"kind": item.kind, "name": item.original_name, "size_bytes": item.size_bytes,
         "sha256": item.sha256}
        for item in sorted(current, key=lambda a: (order.get(a.kind, len(order)), a.id))
    ]


def present(**fields) -> dict | None:
    """The fields, or None when none of them is set yet."""
    return fields if any(value is not None for value in fields.values()) else None


def iso(value) -> str | None:
    """A date or time as ISO text (None stays None)."""
    return value.isoformat() if value is not None else None
