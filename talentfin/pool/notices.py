"""A bank's suspension notice: a dossier of the bank (not of an application)."""

from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.pool.labels import standing_reason
from talentfin.pool.models import StandingChange
from talentfin.workflows.dossiers import add_dossier
from talentfin.workflows.dossiers import new_verify_code
from talentfin.workflows.dossiers import verify_url

STAGE = "suspension_notice"
TEMPLATE = "pdf/pool/suspension_notice.html"


def schedule_suspension_notice(change: StandingChange, user: User | None) -> Dossier:
    """A bank's suspension notice for a standing change, in the current transaction."""
    bank = db.session.get(Organisation, change.bank_id)
    version = (db.session.scalar(select(func.max(Dossier.version)).where(
        Dossier.bank_id == bank.id, Dossier.stage == STAGE)) or 0) + 1
    code = new_verify_code()
    made_at = change.created_at or utcnow()
    with force_locale("zh"):  # the notice is a Chinese document in any locale
        reason = standing_reason(change)
    return add_dossier(Dossier(
        application_id=None, bank_id=bank.id, stage=STAGE, version=version,
        status="pending", verify_code=code, data_version=0,
        made_by_id=user.id if user else None, made_at=made_at,
        summary={
            "reference": f"ZT{made_at:%Y%m%d}{bank.id:03d}{version:02d}",
            "bank": {"name": bank.name}, "to_standing": change.to_standing,
            "figures": dict(change.figures or {}), "reason": reason,
            "reason_code": change.reason_code,
            "decided_by": user.name if user else "",
            "thresholds": {
                "npl_bp": int_parameter("suspension_npl_bp"),
                "balance_fen": int_parameter("suspension_balance_fen"),
            },
            "decision": {"trigger": "suspend_bank", "from_state": "", "to_state": "",
                         "comment": reason, "at": made_at.isoformat(),
                         "decider": _decider(user)},
            "verify_url": verify_url(code),
        },
    ))


def _decider(user: User | None) -> dict:
    if user is None:
        return {"name": "", "role": "system", "organisation": ""}
    return {"name": user.name, "role": user.role,
            "organisation": user.org.name if user.org else ""}


def bank_notices(bank_ids: list[int]) -> list[Dossier]:
    """The suspension notices of these banks, newest first."""
    if not bank_ids:
        return []
    return list(db.session.scalars(select(Dossier).where(Dossier.bank_id.in_(bank_ids))
                                   .order_by(Dossier.id.desc())))
