"""Configuration defaults.

Precedence: these defaults, then ``instance/config.py``, then ``TALENTFIN_*`` environment
variables (read when the app is created, never at import time).
"""

import os


class Defaults:
    """Production-safe defaults; development overrides come from the instance config."""

    # Unset: generated into instance/secret_key on first start (one host, ``make run``).
    # With PRODUCTION (TALENTFIN_PRODUCTION=true) the app refuses to start without a key
    # of its own, shared by every host, and without its public address.
    SECRET_KEY = None
    PRODUCTION = False
    SQLALCHEMY_DATABASE_URI = None  # instance/talentfin.sqlite3 when unset
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "talentfin_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    # Werkzeug's scrypt: strong and slow (~130 ms); tests use a cheap method instead.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a hashing method's name, not a password)

    # Login throttling, kept in the database so it holds across server processes.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    # Other limits per network address, counted in the database (talentfin.services.rates).
    REGISTER_MAX_PER_ADDRESS = 10  # registrations an hour
    VERIFY_MAX_PER_ADDRESS = 60  # dossier lookups on the public page in ten minutes
    # Calls of one partner-API client in a window (each call counted in the database).
    API_RATE_LIMIT = 600
    API_RATE_WINDOW_SECONDS = 60
    # How long the worker waits for a webhook's receiver before counting the attempt failed.
    WEBHOOK_TIMEOUT_SECONDS = 10
    # The scheduler's nightly backup (off unless a folder is set) and how many it keeps.
    BACKUP_FOLDER = None
    BACKUP_KEEP = 7
    # The approvers, committees, the pool's staff, auditors and administrators sign in with
    # a second factor (TOTP); the tests turn it on where they test it.
    SECOND_FACTOR_REQUIRED = True
    # Fernet keys sealing the second-factor secrets (comma-separated in the environment;
    # the first seals, each opens, so a new key goes first and an old one is dropped once
    # every secret was used again). Unset: a key derived from SECRET_KEY.
    DATA_ENCRYPTION_KEYS = None
    # Proxies in front of the app (0: none). With 1, the address, scheme and host come from
    # the proxy's X-Forwarded-* headers (werkzeug's ProxyFix); without it, behind a proxy
    # every request has the proxy's address and one client's failures lock everyone out.
    PROXY_COUNT = 0

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")

    BOOTSTRAP_SERVE_LOCAL = True

    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # Quotas: an application's documents in force, and what one account uploads in a day.
    UPLOAD_MAX_PER_APPLICATION_BYTES = 100 * 1024 * 1024
    UPLOAD_MAX_PER_ACCOUNT_DAY_BYTES = 200 * 1024 * 1024
    UPLOAD_MAX_PER_ACCOUNT_DAY_FILES = 100
    # A hard cap on the whole request; files over UPLOAD_MAX_BYTES are refused politely
    # by the form before this limit is reached.
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    # Where files are kept (talentfin.storage): "local" (the two folders below) or "s3"
    # (an S3-compatible object store, for several hosts; boto3).
    STORAGE_BACKEND = "local"
    S3_ENDPOINT_URL = None  # None: AWS itself
    S3_BUCKET = None
    S3_REGION = "us-east-1"
    S3_ACCESS_KEY_ID = None
    S3_SECRET_ACCESS_KEY = None
    S3_PREFIX = ""  # e.g. "talentfin/" to share a bucket
    UPLOAD_FOLDER = None  # instance/uploads when unset
    DOSSIER_FOLDER = None  # instance/dossiers when unset

    # Public address printed in dossier QR codes.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    QUEUE_PAGE_SIZE = 20
    OUTBOX_MAX_ATTEMPTS = 8
    # A task's lease: longer than any task takes (a dossier renders in seconds); a task
    # whose worker died is taken by another worker when it runs out.
    OUTBOX_LEASE_SECONDS = 300
    WORKER_POLL_SECONDS = 2.0

    # Outgoing e-mail for notifications, sent by the outbox worker through this SMTP
    # server. Off until an operator configures a server (a missing one would only fill
    # the outbox with failures); in-app notifications work either way.
    MAIL_ENABLED = False
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USE_SSL = False  # SMTPS from the start (usually port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "talentfin <noreply@localhost>"
    MAIL_TIMEOUT_SECONDS = 30

    # SLA clocks of the review queues, in working days in the current queue state: past
    # the first the staff are reminded, past the second their supervisors are told.
    SLA_REMIND_WORKING_DAYS = 3
    SLA_ESCALATE_WORKING_DAYS = 5


class Testing(Defaults):
    """Settings the test suite starts from."""

    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 (a method's name)
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # Never a real mail server: tests that need mail start a local one and enable it.
    MAIL_ENABLED = False
    MAIL_SERVER = "127.0.0.1"
    # The tests of the second factor turn it on; the others log staff in with a password.
    SECOND_FACTOR_REQUIRED = False
    # The factories file hundreds of applications for one founder in a test; the quota's
    # own tests set it low.
    UPLOAD_MAX_PER_ACCOUNT_DAY_FILES = 100_000


def from_environment(prefix: str = "TALENTFIN_") -> dict:
    """Collect ``TALENTFIN_*`` variables; ``TALENTFIN_DATABASE_URL`` selects the database.

    A value takes the type of the setting's default (``TALENTFIN_WORKER_POLL_SECONDS=0.2``
    is a float, ``..._MAX_...=5`` an int, ``true``/``false`` a bool); a value that does
    not read as that type stops the start with the variable's name.
    """
    values = {}
    for key, raw in os.environ.items():
        if not key.startswith(prefix):
            continue
        name = key[len(prefix):]
        if name == "DATABASE_URL":
            name = "SQLALCHEMY_DATABASE_URI"
        try:
            values[name] = _coerce(raw, getattr(Defaults, name, None))
        except ValueError as error:
            raise ValueError(f"{key}={raw!r}: {error}") from None
    return values


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _coerce(raw: str, default):
    """``raw`` read as the type of ``default``; unknown settings by their look."""
    lowered = raw.strip().lower()
    if isinstance(default, bool) or (default is None and lowered in {"true", "false"}):
        if lowered not in _BOOLEANS:
            raise ValueError("expected true or false")
        return _BOOLEANS[lowered]
    if isinstance(default, int) or (default is None and raw.isdigit()):
        try:
            return int(raw)
        except ValueError:
            raise ValueError("expected a whole number") from None
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ValueError("expected a number") from None
    return raw
