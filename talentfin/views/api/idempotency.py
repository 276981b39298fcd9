"""The ``Idempotency-Key`` header on the API's POSTs (see services.idempotency)."""

import hashlib
import re
from functools import wraps

from flask import abort
from flask import g
from flask import jsonify
from flask import request
from werkzeug.exceptions import HTTPException

from talentfin.i18n import _
from talentfin.services import idempotency
from talentfin.views.errors import problem

KEY = re.compile(r"[!-~]{1,255}")  # visible ASCII, as the document says
# The header as the OpenAPI document describes it on each POST.
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    "description": "A retry with the same key and body gets the first response and changes "
                   "nothing; the same key with another body is refused (422); kept 24 hours."}


def _body() -> bytes:
    """The request's body as the key's digest sees it: the raw bytes, or for a multipart
    upload (whose stream the form parser has read) its fields and its files' hashes."""
    if request.mimetype != "multipart/form-data":
        return request.get_data()
    # Sorted as text: a part's name may be anything a client sends (even None-like).
    parts = sorted(f"{name}={value}" for name, value in request.form.items(multi=True))
    for name, storage in sorted(request.files.items(multi=True), key=lambda item: str(item[0])):
        content = storage.stream.read()
        storage.stream.seek(0)
        parts.append(f"{name}:{storage.filename}:{hashlib.sha256(content).hexdigest()}")
    return "\n".join(parts).encode()


def idempotent(schema, status: int = 200):
    """A POST whose response (``schema`` dumps a success, answered with ``status``) is kept
    under its key and replayed to a retry; place it under ``requires`` (it needs the
    client)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get("Idempotency-Key")
            if key is None:
                return view(*args, **kwargs)
            if not KEY.fullmatch(key):
                abort(400, _("An Idempotency-Key is 1 to 255 visible ASCII characters (a "
                             "UUID, say)."))
            digest = idempotency.request_digest(request.method, request.path, _body())
            claim = idempotency.claim(g.api_client, key, digest)
            if claim.outcome == "other":
                abort(422, _("This Idempotency-Key was used for another request; use a new "
                             "key for a new request."))
            if claim.outcome == "busy":
                abort(409, _("A request with this Idempotency-Key is still being answered; "
                             "retry in a moment."))
            if claim.outcome == "replay":
                return _replayed(claim.record.response_body, claim.record.status_code)
            try:
                result = view(*args, **kwargs)
            except HTTPException as exc:
                if exc.code is None or exc.code >= 500:
                    idempotency.release(claim.record)
                    raise
                response, code, headers = problem(exc.code, exc)
                idempotency.complete(claim.record, code, response.get_json())
                response.status_code = code
                response.headers.update(headers)
                return response
            except Exception:
                idempotency.release(claim.record)
                raise
            body = schema().dump(result)
            idempotency.complete(claim.record, status, body)
            response = jsonify(body)
            response.status_code = status
            return response

        return wrapper

    return decorate


def _replayed(body: dict, status_code: int):
    response = jsonify(body)
    response.status_code = status_code
    if status_code >= 400:
        response.mimetype = "application/problem+json"
    response.headers["Idempotent-Replayed"] = "true"
    return response
