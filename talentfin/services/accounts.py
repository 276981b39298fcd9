"""Accounts: login with throttling, founder registration, staff accounts."""

import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import ROLES
from talentfin.institutions import kind_label
from talentfin.institutions import kind_of
from talentfin.models import Application
from talentfin.models import LoginAttempt
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services import security_log
from talentfin.text import whole_number


class AccountError(ValueError):
    """An account could not be created or logged into; the message says why."""


class WrongPassword(AccountError):
    """The current password given to change it is wrong."""


# Built once, since every request runs it (SQLAlchemy then skips rebuilding the
# statement and its cache key).
# An inactive account's sessions end with the next request.
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"), User.active.is_(True))


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the active account whose password token still matches
    (a session from before a password change or reset ends here)."""
    user_id, _dot, token = session_id.partition(".")
    if whole_number(user_id) is None or not token:
        return None
    user = db.session.execute(_USER_BY_ID, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of the account (a logout): the session token changes, so a copied
    cookie no longer loads the user. Its other browsers log in again too."""
    user.session_generation = User.session_generation + 1  # in SQL: two logouts both count
    security_log.record("logout", user=user)
    db.session.commit()
    db.session.expire(user)


def normalise_email(email: str) -> str:
    """Lower-case, trimmed e-mail address."""
    return email.strip().lower()


def _recent_failures(column, value) -> int:
    window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    since = utcnow() - timedelta(seconds=window)
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since
        )
    )


def throttled(email: str, address: str) -> bool:
    """More recent failures for this account or from this address than allowed (the
    attempt being made counted among them)."""
    config = current_app.config
    return (
        _recent_failures(LoginAttempt.email, email) > config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.address, address)
        > config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of the configured method that no password matches: an unknown address's
    login checks it, so it takes as long as a known one's."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _dummy_hashes[method]


def authenticate(email: str, password: str, address: str) -> User:
    """The user with these credentials; raises AccountError (throttled or wrong).

    The attempt is recorded as a failure and committed before anything is checked, and the
    count includes it: of many attempts at once, at most the limit reach the password check
    (each sees every attempt committed before its count). A success then marks its row.
    An unknown address costs a password check too, and gets the same answer.
    """
    email = normalise_email(email)
    attempt = LoginAttempt(email=email, address=address, succeeded=False)
    db.session.add(attempt)
    db.session.commit()
    if throttled(email, address):
        security_log.record("login_throttled", email=email, commit=True)
        minutes = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60
        raise AccountError(
            _("Too many failed logins. Please wait %(minutes)s minutes and try again.",
              minutes=minutes)
        )
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        ok = False
    else:
        ok = user.check_password(password) and user.active
    if ok:
        attempt.succeeded = True
        user.last_login_at = utcnow()
        security_log.record("login", user=user)
        db.session.commit()
    if not ok:
        security_log.record("login_failed", user=user, email=email, commit=True)
        raise AccountError(_("Wrong e-mail address or password."))
    return user


MIN_PASSWORD = 10


def _long_enough(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("The password must have at least 10 characters."))


def change_password(user: User, current: str, new: str) -> None:
    """Replace a user's password after checking the current one."""
    if not user.check_password(current):
        raise WrongPassword(_("The current password is wrong."))
    _long_enough(new)
    if new == current:
        raise AccountError(_("Choose a password different from the current one."))
    user.set_password(new)
    security_log.record("password_changed", user=user, actor=user)
    db.session.commit()


def reset_password(user: User, temporary: str, admin: User) -> None:
    """An administrator sets a temporary password (handed over out of band)."""
    if user.id == admin.id:
        raise AccountError(_("Change your own password on the change-password page."))
    _long_enough(temporary)
    user.set_password(temporary)
    security_log.record("password_reset", user=user, actor=admin)
    db.session.commit()


def set_active(user: User, active: bool, admin: User) -> None:
    """Deactivate an account (it can no longer log in, its sessions end and its claims go
    back to the queues) or reactivate it."""
    if user.id == admin.id:
        raise AccountError(_("You cannot deactivate your own account.") if not active else
                           _("Your own account is active."))
    user.active = active
    security_log.record("account_reactivated" if active else "account_deactivated", user=user,
                        actor=admin)
    if not active:
        db.session.execute(
            update(Application).where(Application.claimed_by_id == user.id)
            .values(claimed_by_id=None, claimed_at=None, version=Application.version + 1)
            .execution_options(synchronize_session=False))
    db.session.commit()


def create_user(email: str, password: str, name: str, role: str, *, org_code: str | None = None,
                enterprise_id: int | None = None, locale: str = "zh",
                actor: User | None = None) -> User:
    """Create an account; staff roles need the organisation of the matching kind."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(_("Unknown role: %(role)s", role=role))
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(_("An account with this e-mail address already exists."))
    org = None
    wanted_kind = kind_of(role)
    if wanted_kind is None and org_code:
        raise AccountError(_("This role belongs to no institution; leave the institution "
                             "empty."))
    if wanted_kind:
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
        if org is None or org.kind != wanted_kind:
            raise AccountError(_("This role needs an organisation of kind %(kind)s.",
                                 kind=kind_label(wanted_kind)))
    _long_enough(password)
    user = User(email=email, name=name, role=role, org=org, enterprise_id=enterprise_id,
                locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    security_log.record("account_created", user=user, actor=actor, detail=role)
    db.session.commit()
    return user
