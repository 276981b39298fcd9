"""The partner API's clients: registered by an administrator for an organisation (or for
the programme's auditors and administrators, reading only), their secret shown once,
rotated and revoked; the access tokens the token endpoint issues.

Every change is in the security log. A rotated secret or a revoked client ends the
client's tokens at once (``ApiToken.is_revoked``).
"""

import secrets
from datetime import timedelta

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import KINDS
from talentfin.models import ApiClient
from talentfin.models import ApiToken
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.api import PROGRAMME_SCOPES
from talentfin.models.api import digest
from talentfin.models.base import utcnow
from talentfin.services import security_log
from talentfin.workflows import registry

TOKEN_SECONDS = 3600


# The core's scopes (a product may add its own: ``Product.api_scopes``).
CORE_SCOPES = {"read": _l("read: the queue and the applications"),
               "decide": _l("decide: take decisions")}


def known_scopes() -> dict[str, object]:
    """Every scope a client may hold (code -> label): the core's, then the products'."""
    return {**CORE_SCOPES, **registry.api_scopes()}


class ClientRefused(ValueError):
    """A registration or change refused; the message says why."""


def register(org: Organisation | None, name: str, scopes: list[str], admin: User | None,
             client_id: str | None = None, secret: str | None = None) -> tuple[ApiClient, str]:
    """A new client for ``org`` (None: for the programme's auditors and administrators,
    reading only); returns it and its secret (shown this once). Commits.

    ``client_id`` and ``secret`` are chosen for the demo's clients only; otherwise both are
    random."""
    known = known_scopes()
    if set(scopes) - set(known) or not scopes:
        raise ClientRefused(_("Choose at least one of the scopes: %(scopes)s.",
                              scopes=", ".join(known)))
    if org is None and set(scopes) - set(PROGRAMME_SCOPES):
        raise ClientRefused(_("A client of the programme reads only: choose the scope "
                              "%(scopes)s alone.", scopes=", ".join(PROGRAMME_SCOPES)))
    if org is not None and org.kind not in KINDS:
        raise ClientRefused(_("Only an organisation of the programme has API clients."))
    owner = org.code if org is not None else "programme"
    client_id = client_id or f"{owner}-{secrets.token_hex(6)}"
    if db.session.scalar(select(ApiClient.id).where(ApiClient.client_id == client_id)):
        raise ClientRefused(_("This client id is taken."))
    secret = secret or secrets.token_urlsafe(32)
    client = ApiClient(client_id=client_id, name=name.strip()[:120] or client_id,
                       org_id=org.id if org is not None else None,
                       scopes=" ".join(s for s in known if s in scopes),
                       secret_digest=digest(secret), created_by_id=admin.id if admin else None)
    db.session.add(client)
    db.session.flush()
    security_log.record("api_client_created", actor=admin,
                        detail=f"{client.client_id} ({owner}: {client.scopes})")
    db.session.commit()
    return client, secret


def rotate(client: ApiClient, admin: User) -> str:
    """A new secret (shown this once); the old one and every token issued stop working."""
    secret = secrets.token_urlsafe(32)
    client.secret_digest, client.secret_set_at = digest(secret), utcnow()
    security_log.record("api_client_rotated", actor=admin, detail=client.client_id)
    db.session.commit()
    return secret


def revoke(client: ApiClient, admin: User) -> bool:
    """The client may no longer obtain tokens or call; its tokens end now. False when it
    was revoked already (nothing changes, nothing is logged again)."""
    if client.revoked_at is not None:
        return False
    client.revoked_at = utcnow()
    security_log.record("api_client_revoked", actor=admin, detail=client.client_id)
    db.session.commit()
    return True


def query_client(client_id: str) -> ApiClient | None:
    """The active client with this id (Authlib's token endpoint asks)."""
    client = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    return client if client is not None and client.active else None


def save_token(token: dict, request) -> None:
    """Keep an issued token's digest (Authlib's token endpoint calls this). Commits."""
    now = utcnow()
    db.session.add(ApiToken(
        token_digest=digest(token["access_token"]), client_pk=request.client.id,
        scope=token.get("scope", ""), issued_at=now,
        expires_at=now + timedelta(seconds=int(token["expires_in"]))))
    db.session.commit()


def token_for(bearer: str) -> ApiToken | None:
    """The stored token a bearer string is, if any."""
    return db.session.scalar(select(ApiToken).where(ApiToken.token_digest == digest(bearer)))
