"""The shared form base and the fields for money, rates and Chinese identifiers."""

from decimal import Decimal
from decimal import InvalidOperation

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError

from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.identifiers import resident_id_problem
from talentfin.identifiers import uscc_problem
from talentfin.money import AmountTooLarge
from talentfin.money import MoneyError
from talentfin.money import format_fen
from talentfin.money import parse_yuan


class BaseForm(FlaskForm):
    """CSRF-protected form; WTForms' own messages follow the user's language."""


class ParsedTextField(StringField):
    """A text field parsed into a value; a parse error is the message the user sees.

    Without this, ``DataRequired`` finds ``data`` empty after a failed parse and replaces
    the parse message ("at most two decimals") with "This field is required.".
    """

    def pre_validate(self, form):
        """Stop the validator chain when the text could not be parsed."""
        if self.process_errors:
            raise StopValidation()


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
        except AmountTooLarge as exc:
            self.data = None
            raise ValueError(_("The amount is too large.")) from exc
        except MoneyError as exc:
            self.data = None
            raise ValueError(_("Enter an amount in yuan with at most two decimals.")) from exc
        if self.data < self.minimum_fen:
            self.data = None
            raise ValueError(_("The amount must be greater than zero."))

    def _value(self):
        if self.raw_text:
            return self.raw_text
        return format_fen(self.data).replace(",", "") if self.data is not None else ""


class RateField(ParsedTextField):
    """An annual rate typed as a percentage ('3.75'); ``data`` is basis points."""

    def process_formdata(self, valuelist):
        """Parse '3.75' (or '3.75%') into 375 basis points."""
        self.raw_text = valuelist[0] if valuelist else ""
        text = self.raw_text.strip().rstrip("%").strip()
        if not text:
            self.data = None
            return
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            self.data = None
            raise ValueError(_("Enter the rate as a percentage, e.g. 3.75.")) from exc
        if not value.is_finite() or value <= 0 or value.as_tuple().exponent < -2:
            self.data = None
            raise ValueError(_("Enter a positive rate with at most two decimals, e.g. 3.75."))
        self.data = int(value * 100)

    def _value(self):
        if getattr(self, "raw_text", ""):
            return self.raw_text
        return f"{Decimal(self.data) / 100:.2f}" if self.data is not None else ""


USCC_MESSAGES = {
    "length": _l("A unified social credit code has 18 characters."),
    "chars": _l("A unified social credit code uses digits and capital letters "
                "except I, O, S, V, Z."),
    "check": _l("The check character of this unified social credit code is wrong; "
                "please check the code."),
}
ID_MESSAGES = {
    "length": _l("A resident ID number has 18 characters."),
    "chars": _l("A resident ID number has 17 digits and a final digit or X."),
    "birth": _l("The birth date in this ID number is not a valid date."),
    "check": _l("The check digit of this ID number is wrong; please check the number."),
}


def valid_uscc(_form, field) -> None:
    """WTForms validator for a unified social credit code (GB 32100-2015)."""
    field.data = (field.data or "").strip().upper()
    problem = uscc_problem(field.data)
    if problem:
        raise ValidationError(str(USCC_MESSAGES[problem]))


def valid_resident_id(_form, field) -> None:
    """WTForms validator for an 18-character resident ID number."""
    field.data = (field.data or "").strip().upper()
    problem = resident_id_problem(field.data)
    if problem:
        raise ValidationError(str(ID_MESSAGES[problem]))
