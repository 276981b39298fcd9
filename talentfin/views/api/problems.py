"""Refusals of the API with a stable code beside their status: a rule's refusal carries the
name of the rule (the guard) that refused, so a partner's system can tell one refusal from
another without reading the text (``views.errors.problem`` puts it in the type)."""

from werkzeug.exceptions import default_exceptions


def abort(status: int, reason: str | None = None, *, code: str = ""):
    """Abort with ``status`` and the reason; ``code`` (when given) the refusal's own code."""
    refusal = default_exceptions[status](reason)
    if code:
        refusal.data = {"code": code}
    raise refusal
