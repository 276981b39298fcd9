"""The shared form base, its choice fields and the fields for money, rates and counts.

Dates are ``talentfin.forms.dates``; Chinese identifiers ``talentfin.forms.identifiers``.
"""

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from talentfin.i18n import _
from talentfin.money import MAX_FEN
from talentfin.money import AmountTooLarge
from talentfin.money import ExponentNotation
from talentfin.money import MoneyError
from talentfin.money import format_fen
from talentfin.money import parse_yuan
from talentfin.text import clean_text


class _Meta(FlaskForm.Meta):
    def wrap_formdata(self, form, formdata):
        """The submitted text without control or bidi characters (``talentfin.text``): a NUL
        PostgreSQL refuses (a server error otherwise), an override reorders a name; files
        pass untouched."""
        data = super().wrap_formdata(form, formdata)
        if data is None or all(clean_text(v) == v for _k, v in data.items(multi=True)
                               if isinstance(v, str)):
            return data
        clean = MultiDict()
        for key, value in data.items(multi=True):
            clean.add(key, clean_text(value) if isinstance(value, str) else value)
        return clean


class BaseForm(FlaskForm):
    """CSRF-protected form; WTForms' own messages follow the user's language; submitted
    text loses any control or bidi character."""

    Meta = _Meta


# A form filled by a partner's system (the API) sends a choice's code, not its label: its
# refusal names the codes. Set as the form's meta: ``meta={"choice_codes": True}``.
CHOICE_CODES = "choice_codes"
MAX_CODES_NAMED = 40


class _NamedChoices:
    """A choice whose refusal says what may be chosen ("Choose one of: 12 months, 24
    months, 36 months.") instead of WTForms' "Not a valid choice." or, for a value that is
    not even a number, "Invalid Choice: could not coerce."; through the API, by the codes
    ("Choose one of the codes: 12, 24, 36.")."""

    def _refusal(self) -> str:
        offered = [choice for choice in self._iter_choices_normalized()
                   if choice.value not in ("", 0, "0", None)]
        if getattr(self.meta, CHOICE_CODES, False):
            if not offered or len(offered) > MAX_CODES_NAMED:
                return _("Send one of the codes this field offers.")
            return _("Choose one of the codes: %(codes)s.",
                     codes=", ".join(str(choice.value) for choice in offered))
        labels = [str(choice.label) for choice in offered]
        if not labels or len(labels) > 8:
            return _("Choose one of the options offered.")
        return _("Choose one of: %(choices)s.", choices=", ".join(labels))

    def process_formdata(self, valuelist):
        """The chosen value coerced, or the refusal naming the choices."""
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(self._refusal()) from exc

    def pre_validate(self, form):
        """A value not among the choices is refused with the choices named (a value that is
        no number keeps its message: "required" does not replace it)."""
        if self.process_errors:
            raise StopValidation()
        try:
            super().pre_validate(form)
        except ValidationError as exc:
            raise ValidationError(self._refusal()) from exc


class ChoiceField(_NamedChoices, SelectField):
    """A select that names its choices when it refuses one (``_NamedChoices``)."""


class RadioChoiceField(_NamedChoices, RadioField):
    """Radio buttons that name their choices when they refuse one (``_NamedChoices``)."""


class MultipleChoiceField(_NamedChoices, SelectMultipleField):
    """Several choices that name the choices when they refuse one (``_NamedChoices``):
    WTForms' "'x' is not a valid choice for this field." is only a fuzzy entry of its
    Chinese catalogue, shown in English."""


class ParsedTextField(StringField):
    """A text field parsed into a value; a parse error is the message the user sees.

    Without this, ``DataRequired`` finds ``data`` empty after a failed parse and replaces
    the parse message ("at most two decimals") with "This field is required.".
    """

    def pre_validate(self, form):
        """Stop the validator chain when the text could not be parsed."""
        if self.process_errors:
            raise StopValidation()


def amount_message(error: MoneyError) -> str:
    """What to tell the person who typed an amount that parse_yuan refused."""
    if isinstance(error, ExponentNotation):
        return _("Write the amount in plain digits, without an exponent "
                 "(e.g. 1000000, not 1e6).")
    if isinstance(error, AmountTooLarge):
        return _("The amount is too large (at most %(max)s yuan).", max=format_fen(MAX_FEN))
    return _("Enter an amount in yuan with at most two decimals.")


def minimum_message(minimum_fen: int) -> str:
    """The message for an amount below the field's minimum, as the rule really is."""
    if minimum_fen == 1:
        return _("The amount must be greater than zero.")
    if minimum_fen == 0:
        return _("The amount must not be negative.")
    return _("The amount must be at least %(min)s yuan.", min=format_fen(minimum_fen))


class YuanField(ParsedTextField):
    """An amount in yuan, at most two decimals; ``data`` is integer fen."""

    def __init__(self, label=None, validators=None, minimum_fen: int = 1, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum_fen = minimum_fen
        self.raw_text = ""

    def process_formdata(self, valuelist):
        """Parse the typed text into fen, keeping the text for redisplay."""
        self.raw_text = valuelist[0] if valuelist else ""
        if not self.raw_text.strip():
            self.data = None
            return
        try:
            self.data = parse_yuan(self.raw_text)
        except MoneyError as exc:
            self.data = None
            raise ValueError(amount_message(exc)) from exc
        if self.data < self.minimum_fen:
            self.data = None
            raise ValueError(minimum_message(self.minimum_fen))

    def _value(self):
        if self.raw_text:
            return self.raw_text
        return format_fen(self.data).replace(",", "") if self.data is not None else ""


# A percentage with at most two decimals, checked as text before Decimal sees it (no
# exponent, bounded length), like amounts in talentfin.money.
RATE_SHAPE = re.compile(r"\d{1,3}(?:\.\d{0,2})?|\.\d{1,2}")
MAX_RATE_BP = 100_00


class RateField(ParsedTextField):
    """An annual rate typed as a percentage ('3.75'); ``data`` is basis points."""

    def process_formdata(self, valuelist):
        """Parse '3.75' (or '3.75%') into 375 basis points."""
        self.raw_text = valuelist[0] if valuelist else ""
        text = self.raw_text.strip().rstrip("%").strip()
        if not text:
            self.data = None
            return
        self.data = None
        if not RATE_SHAPE.fullmatch(text):
            raise ValueError(_("Enter a positive rate with at most two decimals, e.g. 3.75."))
        bp = int(Decimal(text) * 100)
        if bp <= 0:
            raise ValueError(_("Enter a positive rate with at most two decimals, e.g. 3.75."))
        if bp > MAX_RATE_BP:
            raise ValueError(_("A rate is at most 100%."))
        self.data = bp

    def _value(self):
        if getattr(self, "raw_text", ""):
            return self.raw_text
        return f"{Decimal(self.data) / 100:.2f}" if self.data is not None else ""


class PercentField(ParsedTextField):
    """A share in percent ('51' or '51.5%') with at most two decimals; ``data`` is Decimal."""

    def process_formdata(self, valuelist):
        """Parse the text by its shape first (no exponent, at most 100 and two decimals)."""
        self.raw_text = valuelist[0] if valuelist else ""
        text = self.raw_text.strip().rstrip("%").strip()
        self.data = None
        if not text:
            return
        if not RATE_SHAPE.fullmatch(text):
            raise ValueError(_("Enter a percentage with at most two decimals, e.g. 51.5."))
        self.data = Decimal(text)

    def _value(self):
        if getattr(self, "raw_text", ""):
            return self.raw_text
        return f"{self.data:.2f}" if self.data is not None else ""


class CountField(IntegerField):
    """A whole number between ``minimum`` and ``maximum``, said as the rule is.

    WTForms' NumberRange says "Number must be at least 1." in English but its Chinese
    catalogue says "greater than 1"; and a number beyond the database's 32-bit column would
    be a server error. The bounds live here, with their own messages.
    """

    # A text box with the numeric keypad: a number box drops what is not a number before
    # the form sees it ("12e" arrives empty, "required" is said and the typing is lost).
    widget = TextInput()

    def __init__(self, label=None, validators=None, minimum: int = 0,
                 maximum: int = 10_000_000, **kwargs):
        kwargs["render_kw"] = {"inputmode": "numeric", **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def process_formdata(self, valuelist):
        """Parse digits only; a number too long to matter is refused before int() sees it."""
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(_("Enter a whole number."))
        if len(text.lstrip("+-")) > len(str(self.maximum)) + 2:
            too_far = self.minimum if text.startswith("-") else self.maximum
            raise ValueError(self._bound_message(too_far))
        self.data = int(text)

    def _bound_message(self, bound: int) -> str:
        if bound == self.minimum:
            return _("The number must be at least %(min)s.", min=self.minimum)
        return _("The number must be at most %(max)s.", max=self.maximum)

    def pre_validate(self, form):
        """Stop on a parse error (not "required"); check the bounds."""
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            return
        if self.data < self.minimum:
            raise StopValidation(self._bound_message(self.minimum))
        if self.data > self.maximum:
            raise StopValidation(self._bound_message(self.maximum))
