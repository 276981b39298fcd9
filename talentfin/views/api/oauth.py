"""The token endpoint (OAuth 2.0 client credentials, RFC 6749 section 4.4) and the
bearer-token check every API endpoint makes."""

import json
import logging
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
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.models import User
from talentfin.services import api_clients
from talentfin.services import rates

bp = Blueprint("api_oauth", __name__)
CALLS = logging.getLogger("talentfin.api.calls")  # one line per call: client, person, what


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
    if _holds_nul():  # no client's id or secret; never sent to the database
        response = current_app.response_class(json.dumps({"error": "invalid_request"}),
                                              status=400, mimetype="application/json")
    else:
        response = current_app.extensions["talentfin_oauth"].create_token_response()
    refusal = response.get_json(silent=True) if response.status_code >= 400 else None
    if isinstance(refusal, dict) and refusal.get("error") in TOKEN_ERRORS:
        refusal["error_description"] = str(TOKEN_ERRORS[refusal["error"]])
        response.set_data(json.dumps(refusal, ensure_ascii=False))
    return response


def _holds_nul() -> bool:
    """Whether a form field or the Basic credentials hold a NUL (PostgreSQL refuses one in
    a query: the client's id would be a server error)."""
    basic = request.authorization
    sent = [*request.form.values(), *(request.form.keys()),
            *((basic.username or "", basic.password or "") if basic else ())]
    return any("\x00" in value for value in sent)


TOKEN_FIELDS = {
    "grant_type": {"type": "string", "enum": ["client_credentials"]},
    "client_id": {"type": "string", "description": "with client_secret, when the two are "
                                                   "not sent in HTTP Basic"},
    "client_secret": {"type": "string"},
    "scope": {"type": "string", "description": "space-separated; the client's scopes when "
                                               "left out"}}
TOKEN_ERROR = {"type": "object", "required": ["error"], "properties": {
    "error": {"type": "string", "enum": [*TOKEN_ERRORS, "invalid_token"],
              "description": "RFC 6749's code"},
    "error_description": {"type": "string",
                          "description": "what it means, in the caller's Accept-Language"},
    "error_uri": {"type": "string"}, "state": {"type": "string"}}}


def token_operation() -> dict:
    """The token endpoint in the OpenAPI document (it is Authlib's, not a flask-smorest
    view): the form, its client authentication, the token and RFC 6749's refusals."""
    refused = {"application/json": {"schema": {"$ref": "#/components/schemas/TokenError"}}}
    return {"post": {
        "operationId": "requestToken", "tags": ["OAuth"],
        "summary": "An access token for the client (OAuth 2.0 client credentials)",
        "description": "grant_type=client_credentials with the client's id and secret in "
                       "HTTP Basic (client_secret_basic) or as the form's client_id and "
                       "client_secret (client_secret_post); the token is good for an hour. "
                       "A refusal is RFC 6749's error object (its code in `error`).",
        "security": [{"clientBasic": []}, {}],
        "requestBody": {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": {
                "type": "object", "required": ["grant_type"], "properties": TOKEN_FIELDS}}}},
        "responses": {
            "200": {"description": "The access token.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/AccessToken"}}}},
            "400": {"description": "The request is incomplete, or its grant type or scope is "
                                   "not one the client may use.", "content": {
                                       **refused, "application/problem+json": {"schema": {
                                           "$ref": "#/components/schemas/Problem"}}}},
            "401": {"description": "The client's id or secret is wrong, or the client is "
                                   "revoked.", "content": refused}}}}


TOKEN_SCHEMAS = {
    "AccessToken": {"type": "object", "required": ["access_token", "token_type", "expires_in"],
                    "properties": {"access_token": {"type": "string"},
                                   "token_type": {"type": "string", "enum": ["Bearer"]},
                                   "expires_in": {"type": "integer",
                                                  "description": "seconds (3600)"},
                                   "scope": {"type": "string"}}},
    "TokenError": TOKEN_ERROR}


def person() -> User:
    """The person the call is made for: ``On-Behalf-Of`` names an active user of the
    client's organisation (by e-mail); for a client of the programme, an active member of
    the programme's own staff (no organisation, reads the programme: the auditors and the
    administrators; never a founder). Without one, or with another, the call is refused."""
    client = current_token.client
    email = (request.headers.get("On-Behalf-Of") or "").strip().lower()
    if not email:
        abort(400, _("Name the person the call is made for in the On-Behalf-Of header "
                     "(their e-mail address)."))
    user = db.session.scalar(select(User).where(User.email == email))
    if client.programme_wide:
        if user is None or not user.active or not programme_staff(user):
            abort(403, _("On-Behalf-Of must name an active auditor or administrator of the "
                         "programme: this client acts for no organisation's staff."))
    elif user is None or not user.active or user.org_id != client.org_id:
        abort(403, _("On-Behalf-Of must name an active user of the client's organisation."))
    return user


def programme_staff(user: User) -> bool:
    """Staff of the programme itself: no organisation, a role that reads the programme
    (a founder has neither)."""
    return (user.org_id is None and user.role != FOUNDER
            and may(user.role, "programme.read"))


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


def log_call(response):
    """After an API call made with a token: one line naming the client, the person it acted
    for and what was asked (every call attributed, reads included; a decision is also in
    the application's log, through its client)."""
    client = g.get("api_client")
    if client is not None:
        person_ = g.get("person")
        CALLS.info("client=%s person=%s %s %s %s", client.client_id,
                   person_.email if person_ is not None else "-", request.method,
                   request.full_path.rstrip("?"), response.status_code)
    return response


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
            if scope not in g.api_client.scope_list():  # its scopes narrowed since
                abort(403, _("This client's token does not carry the scope %(scope)s.",
                             scope=scope))
            within_rate_limit(g.api_client)
            g.person = person()
            return view(*args, **kwargs)

        return wrapper

    return decorate
