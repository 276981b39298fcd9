"""Validators for Chinese identifiers: the unified social credit code and the resident ID."""

from wtforms.validators import ValidationError

from talentfin.i18n import _l
from talentfin.identifiers import resident_id_problem
from talentfin.identifiers import uscc_problem

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
