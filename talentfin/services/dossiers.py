"""Dossiers: scheduled inside the deciding transaction, rendered after it by the worker.

``schedule_dossier`` freezes what the document attests into ``Dossier.summary``; the
worker renders only from that snapshot, so a retry prints the same content and later
edits to the application never change an old dossier. Files are never overwritten: a
new version, or a retry after a crash, gets a new file name.
"""

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.models import ATTACHMENT_KINDS
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow

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
    """The verification code and the frozen summary of a decision (reads, writes nothing).

    The engine takes it before linking the log row into the audit chain, so the chain's
    head row stays locked only for the inserts and the commit.
    """
    code = new_verify_code()
    return Snapshot(code, build_summary(application, log, user, code))


def schedule_dossier(application: Application, stage: str, log: TransitionLog,
                     user: User | None, snapshot: Snapshot | None = None) -> Dossier:
    """Add a pending dossier and its outbox task to the current transaction (no commit).

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
    dossier = Dossier(
        application_id=application.id, stage=stage, version=version,
        transition_log_id=log.id, status="pending", verify_code=snapshot.code,
        data_version=application.version, made_by_id=user.id if user else None,
        made_at=log.created_at, summary=snapshot.summary,
    )
    db.session.add(dossier)
    db.session.flush()
    # Added after the flush that gave the dossier its id; inserted with the transaction's
    # other outbox rows in one statement when the session flushes next.
    db.session.add(OutboxTask(kind="render_dossier", payload={"dossier_id": dossier.id}))
    return dossier


def build_summary(application: Application, log: TransitionLog, user: User | None,
                  code: str) -> dict:
    """Everything the PDF and the check page show, as of the decision (JSON-ready)."""
    enterprise = application.enterprise
    talent = enterprise.talent
    names = _organisation_names(application, user)
    return {
        "reference": application.reference,
        "product": application.product,
        "enterprise": {"name": enterprise.name, "uscc": enterprise.uscc},
        "founder": {"name": talent.founder_name if talent else ""},
        "talent": {
            # The tier the park checked at submission, not what the profile says now.
            "tier": application.talent_tier or talent.tier,
            "certificate_no": talent.certificate_no,
            "issuer": talent.issuer, "valid_until": _iso(talent.valid_until),
        } if talent else None,
        "park": names.get(application.park_id, ""),
        "partner": names.get(application.partner_org_id, ""),
        "request": {
            "amount_fen": application.requested_amount_fen,
            "term_months": application.requested_term_months,
            "purpose": application.purpose or "",
            "details": dict(application.details or {}),
        },
        "decision": {
            "trigger": log.trigger, "from_state": log.from_state, "to_state": log.to_state,
            "comment": log.comment or "", "at": _iso(log.created_at),
            "decider": _decider(user, application, names),
        },
        "terms": _present(amount_fen=application.recommended_amount_fen,
                          rate_bp=application.recommended_rate_bp,
                          term_months=application.recommended_term_months),
        "contract": _present(no=application.contract_no,
                             signed_on=_iso(application.contract_signed_on)),
        "disbursement": _present(amount_fen=application.disbursed_amount_fen,
                                 on=_iso(application.disbursed_on)),
        "filing": _present(no=application.filing_no, on=_iso(application.filed_on)),
        "attachments": _attachment_checklist(application),
        "verify_url": verify_url(code),
        **_servicing_summary(application),
    }


def _servicing_summary(application: Application) -> dict:
    """The latest claim (with the funders' split of its payout) and the recoveries."""
    from talentfin.models import Claim
    from talentfin.models import Recovery

    if application.disbursed_on is None:  # no money lent, so no claim: skip the queries
        return {}
    claim = db.session.scalar(select(Claim).where(Claim.application_id == application.id)
                              .order_by(Claim.id.desc()).limit(1))
    if claim is None:
        return {}
    recoveries = db.session.scalars(select(Recovery).where(
        Recovery.application_id == application.id).order_by(Recovery.id))
    split = []
    if claim.payout_entry_id:
        from talentfin.models import Funder
        from talentfin.models import LedgerEntry

        entry = db.session.get(LedgerEntry, claim.payout_entry_id)
        names = {f.id: f.name for f in db.session.scalars(select(Funder))}
        split = [{"funder": names.get(line.funder_id, ""), "amount_fen": -line.amount_fen}
                 for line in entry.lines if line.funder_id is not None]
        split.append({"entry_seq": entry.seq, "entry_hash": entry.row_hash})
    return {
        "claim": {
            "id": claim.id, "status": claim.status, "loss_fen": claim.principal_loss_fen,
            "other_fen": claim.other_compensation_fen, "ratio_bp": claim.ratio_bp,
            "payout_fen": claim.payout_fen, "calculation": claim.calculation,
            "policy_on": _iso(claim.policy_on), "split": split,
            "outstanding_fen": application.outstanding_fen,
            "classification": application.classification,
        },
        "recoveries": [
            {"on": _iso(r.received_on), "gross_fen": r.gross_fen, "costs_fen": r.costs_fen,
             "returned_fen": r.returned_fen} for r in recoveries
        ],
    }


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


def _decider(user: User | None, application: Application, names: dict[int, str]) -> dict:
    if user is None:
        return {"name": "", "role": "system", "organisation": ""}
    if user.org_id is not None:
        organisation = names.get(user.org_id, "")
    else:
        organisation = application.enterprise.name if user.role == "founder" else ""
    return {"name": user.name, "role": user.role, "organisation": organisation}


def _attachment_checklist(application: Application) -> list[dict]:
    current = db.session.scalars(_CURRENT_ATTACHMENTS, {"application_id": application.id})
    order = {kind: index for index, kind in enumerate(ATTACHMENT_KINDS)}
    return [
        {"kind": item.kind, "name": item.original_name, "size_bytes": item.size_bytes,
         "sha256": item.sha256}
        for item in sorted(current, key=lambda a: (order.get(a.kind, len(order)), a.id))
    ]


def _present(**fields) -> dict | None:
    """The fields, or None when none of them is set yet."""
    return fields if any(value is not None for value in fields.values()) else None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def render_dossier_pdf(dossier: Dossier) -> bytes:
    """The dossier's PDF, from its frozen summary; the document is Chinese in any locale."""
    # Imported here so web processes never load WeasyPrint; only the worker renders.
    from talentfin import pdf

    summary = dossier.summary
    decided_at = summary["decision"]["at"]
    with force_locale("zh"):
        html = render_template(
            f"pdf/{dossier.stage}.html", s=summary, dossier=dossier,
            decided_at=datetime.fromisoformat(decided_at) if decided_at else None,
            qr_code=pdf.qr_data_uri(summary["verify_url"]), font_stack=pdf.FONT_STACK,
        )
    return pdf.html_to_pdf(html)


def render_dossier_task(payload: dict) -> None:
    """Outbox handler: render a pending dossier, store the file, mark it ready; idempotent.

    A render error propagates, so the outbox records it and retries with backoff; the
    decision that scheduled the dossier is already committed and stays.
    """
    dossier = db.session.get(Dossier, payload["dossier_id"])
    if dossier is None:
        raise LookupError(f"dossier {payload['dossier_id']} does not exist")
    if dossier.status == "ready":
        return
    if not dossier.summary:
        _freeze_late(dossier)
    content = render_dossier_pdf(dossier)
    base = f"{dossier.summary.get('reference') or dossier.application_id}-{dossier.stage}"
    path = _store_new_file(f"{base}-v{dossier.version}-{dossier.id}", content)
    # Conditional on "pending": if another worker finished first, its file stands. If the
    # commit fails the new file stays as an unrecorded orphan (never delete what may be
    # recorded); the retry writes under the next free name.
    result = db.session.execute(
        update(Dossier).where(Dossier.id == dossier.id, Dossier.status == "pending")
        .values(status="ready", file_name=path.name,
                sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
                rendered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        path.unlink(missing_ok=True)


def _freeze_late(dossier: Dossier) -> None:
    """Fill the summary of a dossier scheduled before summaries existed (best effort)."""
    log = db.session.get(TransitionLog, dossier.transition_log_id)
    if log is None:
        raise LookupError(f"dossier {dossier.id} has neither a summary nor a transition log")
    application = db.session.get(Application, dossier.application_id)
    dossier.summary = build_summary(application, log, dossier.made_by, dossier.verify_code)
    db.session.commit()


def _store_new_file(stem: str, content: bytes) -> Path:
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


def schedule_bank_notice(change, user: User | None) -> Dossier:
    """A bank's suspension notice for a standing change, in the current transaction."""
    from talentfin.models import Organisation
    from talentfin.services import parameters

    bank = db.session.get(Organisation, change.bank_id)
    version = (db.session.scalar(select(func.max(Dossier.version)).where(
        Dossier.bank_id == bank.id, Dossier.stage == "suspension_notice")) or 0) + 1
    code = new_verify_code()
    made_at = change.created_at or utcnow()
    dossier = Dossier(
        application_id=None, bank_id=bank.id, stage="suspension_notice", version=version,
        status="pending", verify_code=code, data_version=0,
        made_by_id=user.id if user else None, made_at=made_at,
        summary={
            "reference": f"ZT{made_at:%Y%m%d}{bank.id:03d}{version:02d}",
            "bank": {"name": bank.name}, "to_standing": change.to_standing,
            "figures": dict(change.figures or {}), "reason": change.reason,
            "decided_by": user.name if user else "",
            "thresholds": {
                "npl_bp": parameters.int_parameter("suspension_npl_bp"),
                "balance_fen": parameters.int_parameter("suspension_balance_fen"),
            },
            "decision": {"trigger": "suspend_bank", "from_state": "", "to_state": "",
                         "comment": change.reason, "at": made_at.isoformat(),
                         "decider": _decider_of_bank(user)},
            "verify_url": verify_url(code),
        },
    )
    db.session.add(dossier)
    db.session.flush()
    db.session.add(OutboxTask(kind="render_dossier", payload={"dossier_id": dossier.id}))
    return dossier


def _decider_of_bank(user: User | None) -> dict:
    if user is None:
        return {"name": "", "role": "system", "organisation": ""}
    return {"name": user.name, "role": user.role,
            "organisation": user.org.name if user.org else ""}


def bank_notices(bank_id: int) -> list[Dossier]:
    """A bank's suspension notices, newest first."""
    return list(db.session.scalars(select(Dossier).where(Dossier.bank_id == bank_id)
                                   .order_by(Dossier.id.desc())))


def dossiers_for(application: Application) -> list[Dossier]:
    """The application's dossiers, oldest first."""
    return list(db.session.scalars(
        select(Dossier).where(Dossier.application_id == application.id).order_by(Dossier.id)
    ))


def dossier_by_code(code: str) -> Dossier | None:
    """The dossier a verification code belongs to, if any."""
    return db.session.scalar(
        select(Dossier).where(Dossier.verify_code == normalise_verify_code(code))
    )


def dossier_folder() -> Path:
    """Where dossier PDFs are kept."""
    folder = Path(current_app.config["DOSSIER_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def dossier_path(dossier: Dossier) -> Path:
    """The stored PDF of a rendered dossier."""
    return dossier_folder() / dossier.file_name
