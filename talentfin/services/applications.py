"""Founders' drafts, reviewers' claims and the queries behind the pages."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Organisation
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow


class ApplicationError(ValueError):
    """An application could not be changed; the message says why."""


def partner_banks() -> list[Organisation]:
    """Active partner banks a founder may choose."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.kind == "bank", Organisation.active.is_(True))
        .order_by(Organisation.name)
    ))


def start_loan_application(user: User) -> Application:
    """A new draft talent-loan application for the founder's enterprise."""
    enterprise = user.enterprise
    if enterprise is None or enterprise.talent is None:
        raise ApplicationError(
            _("Complete the company profile and the talent certification before applying.")
        )
    application = Application(product="loan", status="draft", enterprise_id=enterprise.id,
                              applicant_id=user.id, park_id=enterprise.park_id,
                              talent_tier=enterprise.talent.tier, details={})
    db.session.add(application)
    db.session.flush()
    application.reference = f"RCD{utcnow():%Y}{application.id:07d}"
    db.session.commit()
    return application


def save_loan_request(application: Application, data: dict) -> None:
    """Store step 2 of the loan form on a draft (or an application sent back for fixes)."""
    application.partner_org_id = data["partner_org_id"]
    application.requested_amount_fen = data["requested_amount_fen"]
    application.requested_term_months = data["requested_term_months"]
    application.purpose = data["purpose"]
    details = dict(application.details or {})
    for key in ("annual_revenue_fen", "net_profit_fen", "employees"):
        details[key] = data.get(key)
    application.details = details
    db.session.commit()


def claim(application: Application, user: User) -> bool:
    """Claim an item for oneself; False when a colleague holds it."""
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id,
               (Application.claimed_by_id.is_(None)) | (Application.claimed_by_id == user.id))
        .values(claimed_by_id=user.id, claimed_at=utcnow(), version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(application)
    return result.rowcount == 1


def release(application: Application, user: User) -> None:
    """Give a claimed item back to the queue."""
    db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.claimed_by_id == user.id)
        .values(claimed_by_id=None, claimed_at=None, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(application)


def current_attachments(application: Application) -> list[Attachment]:
    """The documents in force, one per kind."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.application_id == application.id,
                                 Attachment.superseded_at.is_(None))
        .order_by(Attachment.kind)
    ))


def history(application: Application) -> list[TransitionLog]:
    """The application's transition log, oldest first."""
    return list(db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == application.id)
        .order_by(TransitionLog.id)
    ))


@dataclass
class Change:
    """One difference between the previous and the present submission."""

    label: str
    old: object
    new: object


def _flatten(snapshot: dict | None, prefix: str = "") -> dict:
    flat = {}
    for key, value in (snapshot or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def resubmission_changes(log: TransitionLog) -> list[Change]:
    """What changed between the previous submission and this resubmission."""
    previous = (log.payload or {}).get("previous_snapshot")
    if not previous:
        return []
    application = db.session.get(Application, log.application_id)
    current = log.payload.get("snapshot") or application.submitted_snapshot
    old, new = _flatten(previous), _flatten(current)
    return [Change(key, old.get(key), new.get(key))
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
