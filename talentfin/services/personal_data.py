"""What the programme holds about a founder (个人信息保护法 Art. 45: a person may obtain a
copy of their personal information): their account, their company and talent
certification, each of their applications with its steps (not the institutions' internal
notes), documents, dossiers and notifications, the company's identity changes and their
account's security log, as one JSON document."""

from sqlalchemy import select

from talentfin import policy
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import IdentityChange
from talentfin.models import Notification
from talentfin.models import SecurityEvent
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.services import security_log
from talentfin.workflows.registry import product_for


def _iso(value):
    return value.isoformat() if value is not None else None


def _step_is_internal(application: Application, trigger: str) -> bool:
    transition = product_for(application.product).workflow.transition(trigger)
    return transition is not None and transition.internal


def founder_data(user: User) -> dict:
    """Everything held about the founder and their company, JSON-ready."""
    enterprise, talent = user.enterprise, user.enterprise.talent if user.enterprise else None
    applications = list(db.session.scalars(select(Application).where(
        Application.enterprise_id == user.enterprise_id).order_by(Application.id))) \
        if user.enterprise_id else []
    ids = [a.id for a in applications]
    logs = db.session.scalars(select(TransitionLog).where(TransitionLog.application_id.in_(ids))
                              .order_by(TransitionLog.id)).all() if ids else []
    documents = db.session.scalars(select(Attachment).where(Attachment.application_id.in_(ids))
                                   .order_by(Attachment.id)).all() if ids else []
    dossiers = db.session.scalars(select(Dossier).where(Dossier.application_id.in_(ids))
                                  .order_by(Dossier.id)).all() if ids else []
    return {
        "account": {"email": user.email, "name": user.name, "role": user.role,
                    "locale": user.locale, "created_at": _iso(user.created_at),
                    "last_login_at": _iso(user.last_login_at),
                    "second_factor": user.totp_enabled_at is not None},
        "company": None if enterprise is None else {
            "name": enterprise.name, "uscc": enterprise.uscc,
            "founded_on": _iso(enterprise.founded_on), "address": enterprise.address,
            "legal_representative": enterprise.legal_representative,
            "industry": enterprise.industry, "employees": enterprise.employees,
            "registered_capital_fen": enterprise.registered_capital_fen,
            "park": enterprise.park.name if enterprise.park else None},
        "talent": None if talent is None else {
            "founder_name": talent.founder_name, "id_number": talent.id_number,
            "tier": talent.tier, "certificate_no": talent.certificate_no,
            "issuer": talent.issuer, "valid_until": _iso(talent.valid_until),
            "equity_bp": talent.equity_bp},
        "applications": [{
            "reference": a.reference, "product": a.product, "status": a.status,
            "company_name": a.company_name, "requested_amount_fen": a.requested_amount_fen,
            "purpose": a.purpose, "submitted_at": _iso(a.submitted_at),
            "steps": [{"at": _iso(log.created_at), "trigger": log.trigger,
                       "from": log.from_state, "to": log.to_state,
                       "comment": None if _step_is_internal(a, log.trigger) else log.comment}
                      for log in logs if log.application_id == a.id],
            "documents": [{"kind": d.kind, "name": d.original_name, "sha256": d.sha256,
                           "uploaded_at": _iso(d.uploaded_at),
                           "replaced_at": _iso(d.superseded_at)}
                          for d in documents if d.application_id == a.id],
            "dossiers": [{"stage": d.stage, "version": d.version, "sha256": d.sha256,
                          "verify_code": d.verify_code}
                         for d in dossiers if d.application_id == a.id],
        } for a in applications],
        "identity_changes": [{"from": [c.old_name, c.old_uscc], "to": [c.new_name, c.new_uscc],
                              "status": c.status, "asked_at": _iso(c.requested_at)}
                             for c in db.session.scalars(select(IdentityChange).where(
                                 IdentityChange.enterprise_id == user.enterprise_id))],
        "notifications": [{"at": _iso(n.created_at), "kind": n.kind}
                          for n in db.session.scalars(select(Notification).where(
                              Notification.user_id == user.id).order_by(Notification.id))],
        "security_log": [{"at": _iso(e.created_at), "event": e.kind, "address": e.address}
                         for e in db.session.scalars(select(SecurityEvent).where(
                             SecurityEvent.user_id == user.id).order_by(SecurityEvent.id))],
    }


def may_reveal_identity(user: User, application: Application) -> bool:
    """Whether the user sees the whole ID numbers of the application's founder and insured
    person when they ask (each view recorded): the staff of the park and of the partner
    institution who decide it; everyone else, the founder included, sees them masked."""
    return policy.allowed(user, "reveal_identity", application)


def record_identity_view(user: User, application: Application) -> None:
    """Record in the security log that the user saw the application's whole ID numbers."""
    security_log.record("identity_number_viewed", user=user, actor=user,
                        detail=application.reference or f"#{application.id}")
    db.session.commit()
