"""The token endpoint (OAuth 2.0 client credentials, RFC 6749 section 4.4) and the
bearer-token check every API endpoint makes."""

import json
from functools import wraps

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.integrations.flask_oauth2 import current_token
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc6750 import InsufficientScopeError
from flask import Blueprint
from flask import abort
from flask import current_app
from flask import g
from flask import request
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import User
from talentfin.services import api_clients
from talentfin.services import rates

bp = Blueprint("api_oauth", __name__)


class DigestTokenValidator(BearerTokenValidator):
    """Finds a bearer token by its digest (the token itself is never stored)."""

    def authenticate_token(self, token_string: str):
        """The stored token, or None."""
        return api_clients.token_for(token_string)


protected = ResourceProtector()
protected.register_token_validator(DigestTokenValidator())


# What a refused token request means, in the caller's language (Authlib's descriptions
# are English, or absent); the error code stays RFC 6749's.
TOKEN_ERRORS = {
    "invalid_client": _l("The client id or secret is wrong, or the client is revoked."),
    "invalid_request": _l("The request is incomplete: send grant_type=client_credentials "
                          "with the client's id and secret."),
    "unsupported_grant_type": _l("Only grant_type=client_credentials is supported."),
    "unauthorized_client": _l("This client may not use this grant type."),
    "invalid_scope": _l("The client was not given the scope asked for."),
    "invalid_grant": _l("The grant is not valid."),
}


@bp.post("/token")
def token():
    """Exchange the client's id and secret for an access token (an hour); a refusal keeps
    RFC 6749's error code and says what it means in the caller's language."""
    response = current_app.extensions["talentfin_oauth"].create_token_response()
    refusal = response.get_json(silent=True) if response.status_code >= 400 else None
    if isinstance(refusal, dict) and refusal.get("error") in TOKEN_ERRORS:
        refusal["error_description"] = str(TOKEN_ERRORS[refusal["error"]])
        response.set_data(json.dumps(refusal, ensure_ascii=False))
    return response


def person() -> User:
    """The person the call is made for: ``On-Behalf-Of`` names an active user of the
    client's organisation (by e-mail); without one, or with another's, the call is refused."""
    client = current_token.client
    email = (request.headers.get("On-Behalf-Of") or "").strip().lower()
    if not email:
        abort(400, _("Name the person the call is made for in the On-Behalf-Of header "
                     "(their e-mail address)."))
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.active or user.org_id != client.org_id:
        abort(403, _("On-Behalf-Of must name an active user of the client's organisation."))
    return user


def within_rate_limit(client) -> None:
    """Count the call against the client's limit (``API_RATE_LIMIT`` calls in
    ``API_RATE_WINDOW_SECONDS``, counted in the database: it holds across processes and
    hosts); the response says where the client stands (RateLimit headers, IETF draft); past
    the limit a 429 with ``Retry-After``."""
    limit = current_app.config["API_RATE_LIMIT"]
    window = current_app.config["API_RATE_WINDOW_SECONDS"]
    rates.record("api", client.client_id)  # recorded first, then counted: see rates.allow
    used = rates.recent("api", client.client_id, window)
    allowed = used <= limit
    g.rate_headers = {"RateLimit-Limit": str(limit),
                      "RateLimit-Remaining": str(max(limit - used, 0)),
                      "RateLimit-Reset": str(window),
                      "RateLimit-Policy": f"{limit};w={window}"}
    if not allowed:
        g.rate_headers["Retry-After"] = str(window)
        abort(429, _("This client made more than %(limit)d calls in %(window)d seconds; "
                     "wait and retry.", limit=limit, window=window))


def add_rate_headers(response):
    """After an API call: the client's RateLimit headers (set by ``within_rate_limit``)."""
    for name, value in (g.get("rate_headers") or {}).items():
        response.headers.setdefault(name, value)
    return response


def requires(scope: str):
    """An endpoint needing a valid token with ``scope``, made for a person (``g.person``).
    A missing or bad token is a 401, a token without the scope a 403 (problem details)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                protected.acquire_token([scope])
            except InsufficientScopeError:
                abort(403, _("This client's token does not carry the scope %(scope)s.",
                             scope=scope))
            except OAuth2Error:
                abort(401, _("Send a valid access token: Authorization: Bearer <token>, "
                             "from the token endpoint."))
            g.api_client = current_token.client
            within_rate_limit(g.api_client)
            g.person = person()
            return view(*args, **kwargs)

        return wrapper

    return decorate
