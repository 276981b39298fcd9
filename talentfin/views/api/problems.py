"""Refusals of the API with a stable code beside their status: a rule's refusal carries the
name of the rule (the guard) that refused, so a partner's system can tell one refusal from
another without reading the text (``views.errors.problem`` puts it in the type)."""

from flask import abort as flask_abort
from werkzeug.exceptions import HTTPException


def abort(status: int, reason: str | None = None, *, code: str = ""):
    """Abort with ``status`` and the reason; ``code`` (when given) the refusal's own code."""
    if not code:
        flask_abort(status, reason)
    try:
        flask_abort(status, reason)
    except HTTPException as exc:
        exc.data = {**(getattr(exc, "data", None) or {}), "code": code}
        raise
