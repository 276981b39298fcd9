"""The partner API's clients and the access tokens issued to them (OAuth 2.0 client
credentials, served by Authlib).

A client belongs to one organisation and holds scopes (``read``, ``decide``, ``report``);
a client of the programme itself belongs to none, reads only, and acts for the programme's
own staff (the auditors and the administrators, who belong to no organisation).
Its secret and its tokens are random and long, so a SHA-256 digest is what is stored (a
copy of the database gives no usable secret or token); the secret is shown once.
"""

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models.base import utcnow
from talentfin.models.org import Organisation
from talentfin.models.user import User

# What a client of the programme itself (no organisation) may hold: it reads.
PROGRAMME_SCOPES = ("read",)


def digest(value: str) -> str:
    """How a secret or a token is stored: its SHA-256, hex."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class ApiClient(db.Model):
    """A partner system allowed to call the API for its organisation (or, with no
    organisation, a system of the programme's auditors, reading only)."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    scopes: Mapped[str] = mapped_column(String(60))  # space-separated, as OAuth writes them
    secret_digest: Mapped[str] = mapped_column(String(64))
    secret_set_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    org: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def active(self) -> bool:
        """Whether it may still obtain tokens and call."""
        return self.revoked_at is None and (self.org is None or self.org.active)

    @property
    def programme_wide(self) -> bool:
        """A client of the programme's own staff (no organisation)."""
        return self.org_id is None

    def scope_list(self) -> list[str]:
        """Its scopes, in their canonical order (stored so); a programme client's are read
        at most, whatever its row says (it was registered so, and must stay so)."""
        held = self.scopes.split()
        return [s for s in held if s in PROGRAMME_SCOPES] if self.programme_wide else held

    # Authlib's ClientMixin: what the token endpoint asks of a client.
    def get_client_id(self) -> str:
        """The public identifier."""
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        """Client credentials redirect nowhere."""
        return None

    def get_allowed_scope(self, scope: str) -> str:
        """The asked scopes it holds (all of its own when none are asked)."""
        held = self.scope_list()
        if not scope:
            return " ".join(held)
        return " ".join(s for s in held if s in scope.split())

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """No redirection in this flow."""
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        """Whether the secret is this client's (compared in constant time)."""
        return hmac.compare_digest(self.secret_digest, digest(client_secret or ""))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """HTTP Basic or form fields, at the token endpoint only."""
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        """No authorization endpoint."""
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        """Client credentials only."""
        return grant_type == "client_credentials"


class ApiToken(db.Model):
    """An access token issued to a client (stored as its digest), good until it expires
    or its client is revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    scope: Mapped[str] = mapped_column(String(60))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    client: Mapped[ApiClient] = relationship()

    # Authlib's TokenMixin: what a protected endpoint asks of a token.
    def check_client(self, client: ApiClient) -> bool:
        """Whether it was issued to ``client``."""
        return self.client_pk == client.id

    def get_scope(self) -> str:
        """The scopes it carries."""
        return self.scope

    def get_expires_in(self) -> int:
        """Seconds it was issued for."""
        return int((self.expires_at - self.issued_at).total_seconds())

    def is_expired(self) -> bool:
        """Whether its time is over."""
        return utcnow() >= self.expires_at

    def is_revoked(self) -> bool:
        """Revoked itself, or its client revoked (or its secret changed since)."""
        return (self.revoked_at is not None or not self.client.active
                or self.issued_at < self.client.secret_set_at)


class IdempotencyKey(db.Model):
    """A POST made with an ``Idempotency-Key``: the request's digest and, once answered,
    the response, replayed to a retry with the same key and body for 24 hours."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("client_pk", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_clients.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_digest: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)  # None while being answered
    response_body: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
