"""marshmallow's refusals in the caller's language: the fields' default messages replaced
globally by translated ones (marshmallow's documented way: ``default_error_messages``), and
validators whose messages are translated when they refuse (lazy strings, formatted then).
Imported by ``views.api.schemas`` before any schema is defined."""

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from talentfin.i18n import _l

for field_class, messages in (
        (fields.Field, {"required": _l("This field is required."),
                        "null": _l("This field may not be empty."),
                        "validator_failed": _l("This value is not valid.")}),
        (fields.Integer, {"invalid": _l("Enter a whole number.")}),
        (fields.Number, {"invalid": _l("Enter a number."),
                         "too_large": _l("The number is too large.")}),
        (fields.String, {"invalid": _l("Enter text."),
                         "invalid_utf8": _l("Enter text.")}),
        (fields.Boolean, {"invalid": _l("Enter true or false.")}),
        (fields.Date, {"invalid": _l("Enter the date as YYYY-MM-DD, e.g. 2026-03-15.")}),
        (fields.List, {"invalid": _l("Send a list.")}),
        (fields.Mapping, {"invalid": _l("Send an object.")}),
        (fields.Nested, {"type": _l("Send an object.")})):
    field_class.default_error_messages.update(messages)
Schema._default_error_messages.update(  # noqa: SLF001 (marshmallow's own table)
    type=_l("Send an object."), unknown=_l("This field is not one the operation takes."))


def between(low: int, high: int) -> validate.Range:
    """A number from ``low`` to ``high``, refused in the caller's language."""
    return validate.Range(min=low, max=high,
                          error=_l("Enter a number from {min} to {max}."))


def length(low: int | None = None, high: int | None = None) -> validate.Length:
    """Text (or a list) of ``low`` to ``high`` characters (items)."""
    if low:
        message = _l("Give from {min} to {max} (characters or items).")
    else:
        message = _l("Give at most {max} (characters or items).")
    return validate.Length(min=low, max=high, error=message)


def one_of(choices) -> validate.OneOf:
    """One of ``choices``, the refusal naming them."""
    return validate.OneOf(choices, error=_l("Choose one of: {choices}."))
