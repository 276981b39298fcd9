"""Secrets the programme must read back (second-factor secrets, webhook signing secrets),
stored sealed: Fernet (``cryptography``) under ``DATA_ENCRYPTION_KEYS`` (the first key
seals, every key opens: keys rotate), or under a key derived from ``SECRET_KEY`` when none
is set. A copy of the database or a backup alone opens none of them.
"""

import base64
import logging

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

SEALED_PREFIX = "gAAAAA"  # how every Fernet token starts (its version byte and a time)
log = logging.getLogger(__name__)


def _keys() -> MultiFernet:
    """The configured data keys, or one derived from SECRET_KEY (HKDF-SHA256)."""
    configured = current_app.config.get("DATA_ENCRYPTION_KEYS") or ()
    if isinstance(configured, str):
        configured = [key.strip() for key in configured.split(",") if key.strip()]
    if not configured:
        # The label the first sealed secrets (second factors) were derived with, kept.
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                       info=b"talentfin second-factor secrets").derive(
            str(current_app.config["SECRET_KEY"]).encode("utf-8"))
        configured = [base64.urlsafe_b64encode(derived)]
    return MultiFernet([Fernet(key) for key in configured])


def seal(secret: str) -> str:
    """A secret as it is stored."""
    return _keys().encrypt(secret.encode("ascii")).decode("ascii")


def unseal(stored: str | None) -> str:
    """The secret of a stored value ("" when there is none or no key opens it); a value
    stored before sealing existed is read as it is (its owner seals it at its next use)."""
    if not stored:
        return ""
    if not stored.startswith(SEALED_PREFIX):
        return stored
    try:
        return _keys().decrypt(stored.encode("ascii")).decode("ascii")
    except InvalidToken:
        log.error("a sealed secret cannot be opened with DATA_ENCRYPTION_KEYS or "
                  "SECRET_KEY (were they changed?)")
        return ""
