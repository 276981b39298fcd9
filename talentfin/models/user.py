"""User accounts, roles and login attempts (for throttling)."""

import hashlib
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from talentfin.extensions import db
from talentfin.models.base import TimestampMixin
from talentfin.models.base import utcnow
from talentfin.models.org import Enterprise
from talentfin.models.org import Organisation


class User(UserMixin, TimestampMixin, db.Model):
    """A person who logs in: a founder of an enterprise or staff of an organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="zh")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Raised by every logout: the sessions signed before it (a copied cookie included) end.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The second factor (TOTP): its secret once enrolled, the last time step used (a code
    # is good once), and the one-time recovery codes' SHA-256 digests still unused.
    # Sealed (services.second_factor.seal): a Fernet token of the base32 secret.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    recovery_codes: Mapped[list | None] = mapped_column(JSON)

    org: Mapped[Organisation | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        """Whether the account may log in."""
        return self.active

    @property
    def session_token(self) -> str:
        """Changes with every new password and every logout, so a password change, a reset
        or a logout ends the account's sessions, a copied cookie's included (the session
        cookie is signed; this is a digest, not the hash)."""
        seed = self.password_hash if not self.session_generation \
            else f"{self.password_hash}:{self.session_generation}"
        return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:20]

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the password's token."""
        return f"{self.id}.{self.session_token}"

    def set_password(self, password: str) -> None:
        """Hash and store a password with the configured method."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Compare a password with the stored hash."""
        return check_password_hash(self.password_hash, password)


class LoginAttempt(db.Model):
    """One login attempt; failures in a window throttle the account and the address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "created_at"),
        Index("ix_login_attempts_address_at", "address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RateEvent(db.Model):
    """One request counted against a rate limit (a dossier lookup, a registration) by the
    address or account it came from; counted in the database, so limits hold across
    server processes and hosts. Old rows are pruned daily."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_bucket_key_at", "bucket", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class PendingRegistration(db.Model):
    """A founder's registration waiting for the link mailed to the address: the account is
    created only when it is followed (an existing address is told so by mail, and the page
    answers the same either way). The link's token is stored hashed."""

    __tablename__ = "pending_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    company_name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SecurityEvent(db.Model):
    """One security event (a login, a failure, a lockout, a logout, a password or account
    change, a registration): the security log the auditor reads and exports."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_kind_at", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])
    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])
