"""The staff's second factor: a TOTP code (RFC 6238, pyotp) from an authenticator app,
enrolled by scanning a QR code, with ten one-time recovery codes; required of the roles
that decide money and admissions, the pool's staff, auditors and administrators
(``institutions.needs_second_factor``), optional for others.

A code is good once (its time step is kept); failures are limited per account; a session
that proved the second factor more than ``REAUTH_MINUTES`` ago proves it again before a
sensitive action (approving money, changing the policy or an account).

The TOTP secrets are stored sealed (``services.sealing``): a copy of the database or a
backup alone does not give anyone the staff's second factors.
"""

import hashlib
import io
import logging
import secrets
import time

import pyotp
import qrcode
import qrcode.image.svg
from flask import current_app
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import needs_second_factor
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services import rates
from talentfin.services import security_log
from talentfin.services.sealing import SEALED_PREFIX
from talentfin.services.sealing import seal
from talentfin.services.sealing import unseal

ISSUER = "talentfin"
RECOVERY_CODES = 10
REAUTH_MINUTES = 15
MAX_FAILURES = 5  # codes wrong in 15 minutes before the account waits
FAILURES = "second_factor"  # the rate bucket of wrong codes
log = logging.getLogger(__name__)


class SecondFactorError(ValueError):
    """A code refused; the message says why."""


def required(user: User) -> bool:
    """Whether this user must have a second factor (and this installation asks for it)."""
    return bool(current_app.config.get("SECOND_FACTOR_REQUIRED")) \
        and needs_second_factor(user.role)


def enrolled(user: User) -> bool:
    """Whether the user has a second factor."""
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def new_secret() -> str:
    """A fresh TOTP secret (base32) to enrol."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address the authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of an address as an SVG document (served by the app: the CSP holds)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode("utf-8")


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode("utf-8")).hexdigest()


def _step_of(secret: str, code: str) -> int | None:
    """The time step a code belongs to (this one, or the one before or after: a clock
    half a minute off), or None."""
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit()):
        return None  # no code (the constant-time comparison takes ASCII only)
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
        if secrets.compare_digest(totp.at(at), code):
            return at // totp.interval
    return None


def _limited(user: User) -> None:
    """Refused once the account has ``MAX_FAILURES`` wrong codes in 15 minutes (the right
    ones do not count: a user logging in often is not held back)."""
    if rates.recent(FAILURES, str(user.id), 900) >= MAX_FAILURES:
        security_log.record("second_factor_throttled", user=user, commit=True)
        raise SecondFactorError(_("Too many wrong codes. Please wait 15 minutes and try "
                                  "again."))


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on with a code the app shows for ``secret``; the recovery
    codes, shown this once (only their digests are kept). Commits."""
    step = _step_of(secret, code)
    if step is None:
        security_log.record("second_factor_failed", user=user, detail="set-up", commit=True)
        raise SecondFactorError(_("The code does not match. Scan the QR code again and enter "
                                  "the six digits your app shows now."))
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
             for _index in range(RECOVERY_CODES)]
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = seal(secret), utcnow(), step
    user.recovery_codes = [_digest(c) for c in codes]
    security_log.record("second_factor_enabled", user=user, actor=user)
    db.session.commit()
    return codes


def verify(user: User, code: str) -> None:
    """Accept a code of the user's app (once) or one of their recovery codes (once);
    SecondFactorError otherwise. Commits."""
    _limited(user)
    code = (code or "").strip()
    secret = unseal(user.totp_secret)
    step = _step_of(secret, code) if secret else None
    if step is not None:
        # Good once: the conditional UPDATE lets one request use a time step.
        used = db.session.execute(
            update(User).where(User.id == user.id,
                               (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
        if used:
            if not user.totp_secret.startswith(SEALED_PREFIX):
                user.totp_secret = seal(secret)  # stored before secrets were sealed
            db.session.commit()
            db.session.expire(user)
            return
        db.session.rollback()
        security_log.record("second_factor_failed", user=user, detail="reused", commit=True)
        rates.record(FAILURES, str(user.id))
        raise SecondFactorError(_("This code was used already; your app shows the next one "
                                  "within 30 seconds."))
    digest = _digest(code)
    remaining = list(user.recovery_codes or [])
    if code and digest in remaining:
        remaining.remove(digest)
        user.recovery_codes = remaining
        security_log.record("recovery_code_used", user=user, actor=user,
                            detail=f"{len(remaining)} left")
        db.session.commit()
        return
    security_log.record("second_factor_failed", user=user, commit=True)
    rates.record(FAILURES, str(user.id))
    raise SecondFactorError(_("The code is wrong. Enter the six digits your app shows now, "
                              "or one of your recovery codes."))


def reset(user: User, admin: User) -> None:
    """An administrator removes a user's second factor (a lost phone): the user enrols
    again at the next login. Recorded. Commits."""
    if user.id == admin.id:
        raise SecondFactorError(_("Another administrator resets your own second factor."))
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.recovery_codes = None
    security_log.record("second_factor_reset", user=user, actor=admin)
    db.session.commit()
