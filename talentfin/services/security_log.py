"""The security log: what happened to whose account, from which address, by whom. Each
event is added to the caller's transaction (it commits with what it records), except for
refusals, which commit their event on their own (the refusal itself changes nothing)."""

from flask import has_request_context
from flask import request
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _l
from talentfin.models import SecurityEvent
from talentfin.models import User

KINDS = {
    "login": _l("Logged in"),
    "login_failed": _l("Login failed"),
    "login_throttled": _l("Login refused: too many failures"),
    "logout": _l("Logged out (every session ended)"),
    "password_changed": _l("Password changed"),
    "password_reset": _l("Password reset by an administrator"),
    "account_created": _l("Account created"),
    "account_deactivated": _l("Account deactivated"),
    "account_reactivated": _l("Account reactivated"),
    "organisation_created": _l("Institution added"),
    "registration_requested": _l("Registration asked for"),
    "registration_confirmed": _l("Registration confirmed"),
    "second_factor_enabled": _l("Second factor turned on"),
    "second_factor_failed": _l("Second factor: wrong code"),
    "second_factor_throttled": _l("Second factor: too many wrong codes"),
    "second_factor_reset": _l("Second factor reset by an administrator"),
    "recovery_code_used": _l("Recovery code used"),
    "reauthenticated": _l("Identity confirmed again for a sensitive action"),
    "personal_data_exported": _l("Personal data downloaded"),
    "identity_number_viewed": _l("Whole ID number viewed"),
    "api_client_created": _l("API client registered"),
    "api_client_rotated": _l("API client's secret replaced"),
    "api_client_revoked": _l("API client revoked"),
    "webhook_subscribed": _l("Webhook subscribed"),
    "webhook_ended": _l("Webhook ended"),
}


def _address() -> str:
    return (request.remote_addr or "") if has_request_context() else ""


def record(kind: str, *, user: User | None = None, email: str = "", actor: User | None = None,
           detail: str = "", commit: bool = False) -> None:
    """Add one event (``commit`` for an event that is all the request writes)."""
    db.session.add(SecurityEvent(
        kind=kind, user_id=user.id if user is not None else None,
        email=(email or (user.email if user is not None else ""))[:254],
        address=_address()[:64], actor_id=actor.id if actor is not None else None,
        detail=detail[:500]))
    if commit:
        db.session.commit()


def events(kind: str = "", email: str = "", limit: int = 500) -> list[SecurityEvent]:
    """The latest events, of one kind and/or one address if given."""
    query = select(SecurityEvent)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if email:
        query = query.where(SecurityEvent.email == email.strip().lower())
    return list(db.session.scalars(query.order_by(SecurityEvent.id.desc()).limit(limit)))
