"""A decision's body in the OpenAPI document: for each form a transition names, the fields of
the page's form (names, types, required, the choices' codes, formats of dates and amounts),
read from the WTForms form class, so the document follows the form it describes.

``fields_of`` is also what the decision operation accepts: a field the form does not have
is refused by name (``views.api.applications``).
"""

import inspect
import re

from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import DateField
from wtforms import FormField
from wtforms import SelectFieldBase
from wtforms import SelectMultipleField
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length

from talentfin.forms.base import CountField
from talentfin.forms.base import PercentField
from talentfin.forms.base import RateField
from talentfin.forms.base import YuanField
from talentfin.forms.decisions import FORMS
from talentfin.workflows.registry import products

# Fields a JSON body cannot carry: files are uploaded on their own (``…/documents``).
NOT_IN_JSON = (FileField, FormField)
# The placeholder of a select ("Choose…") is no choice.
PLACEHOLDERS = ("", None)


def fields_of(form_class) -> dict[str, UnboundField]:
    """The form's fields a JSON body may carry, in the form's order."""
    found = inspect.getmembers(form_class, lambda value: isinstance(value, UnboundField))
    found.sort(key=lambda item: item[1].creation_counter)
    return {name: field for name, field in found if not issubclass(field.field_class,
                                                                    NOT_IN_JSON)}


def component_name(form_name: str) -> str:
    """The document's name for a form's body: ``bond_recommendation`` -> BondRecommendationBody."""
    return "".join(part.capitalize() for part in form_name.split("_")) + "Body"


def decision_forms() -> dict[str, list[tuple[str, str]]]:
    """Each form a decision names (a plain decision's when it names none), with the
    (product, trigger) pairs that use it. The founder's submission and scheduled
    transitions are no partner's decisions."""
    used: dict[str, list[tuple[str, str]]] = {}
    for product in products():
        for transition in product.workflow.transitions:
            if transition.submits or transition.job:
                continue
            used.setdefault(transition.form or "decision", []).append(
                (product.key, transition.trigger))
    return used


def body_schema(form_class) -> dict:
    """The JSON schema of a form's body: one property per field, nothing else."""
    properties = {name: _property(field) for name, field in fields_of(form_class).items()}
    required = [name for name, field in fields_of(form_class).items() if _required(field)]
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    doc = inspect.getdoc(form_class)
    if doc:
        schema["description"] = re.sub(r"\s+", " ", doc)
    return schema


def _required(field: UnboundField) -> bool:
    return any(isinstance(v, DataRequired | InputRequired) for v in _validators(field))


def _validators(field: UnboundField) -> list:
    if len(field.args) > 1:
        return list(field.args[1] or [])
    return list(field.kwargs.get("validators") or [])


def _label(field: UnboundField) -> str:
    label = field.args[0] if field.args else field.kwargs.get("label")
    return str(label) if label is not None else ""


def _property(field: UnboundField) -> dict:
    """One field's JSON schema and its description (the page's label)."""
    kind = field.field_class
    label = _label(field)
    if issubclass(kind, SelectMultipleField):
        codes = _codes(field)
        item = {"type": "string", "enum": codes} if codes else {"type": "string"}
        return {"type": "array", "items": item, "description": _choices_text(label, field)}
    if issubclass(kind, SelectFieldBase):
        number = field.kwargs.get("coerce") is int
        schema = {"type": "integer" if number else "string"}
        if _codes(field):
            schema["enum"] = _codes(field)
        return {**schema, "description": _choices_text(label, field)}
    if issubclass(kind, YuanField):
        return {"type": "string", "format": "decimal", "example": "20000.00",
                "description": f"{label}: yuan as typed on the page, at most two decimals"}
    if issubclass(kind, RateField | PercentField):
        return {"type": "string", "format": "decimal", "example": "3.75",
                "description": f"{label}: a percentage, at most two decimals"}
    if issubclass(kind, CountField):
        return {"type": "integer", "minimum": field.kwargs.get("minimum", 0),
                "maximum": field.kwargs.get("maximum", 10_000_000), "description": label}
    if issubclass(kind, DateField):
        return {"type": "string", "format": "date", "example": "2026-11-20",
                "description": label}
    if issubclass(kind, BooleanField):
        return {"type": "boolean", "description": label}
    schema = {"type": "string", "description": label}
    for validator in _validators(field):
        if isinstance(validator, Length) and validator.max and validator.max > 0:
            schema["maxLength"] = validator.max
    return schema


def _codes(field: UnboundField) -> list:
    choices = field.kwargs.get("choices") or []
    return [code for code, _label_text in choices if code not in PLACEHOLDERS]


def _choices_text(label: str, field: UnboundField) -> str:
    """The label, and each code with what it means; or where the choices come from."""
    choices = [(code, str(text)) for code, text in field.kwargs.get("choices") or []
               if code not in PLACEHOLDERS]
    if not choices:
        return f"{label}: one of the codes the page offers for this application"
    return f"{label}: " + "; ".join(f"{code} ({text})" for code, text in choices)


def components() -> dict[str, dict]:
    """Every decision form's body schema, by its component name."""
    return {component_name(name): body_schema(FORMS[name]) for name in decision_forms()}


def request_body() -> dict:
    """The decision operation's request body: one of the forms' bodies, with which
    product's trigger takes which."""
    uses = []
    for name, pairs in decision_forms().items():
        triggers = ", ".join(f"{product}.{trigger}" for product, trigger in pairs)
        uses.append(f"- `{component_name(name)}`: {triggers}")
    return {"required": False, "content": {"application/json": {"schema": {
        "anyOf": [{"$ref": f"#/components/schemas/{component_name(name)}"}
                  for name in decision_forms()]}}},
        "description": "The fields of the page's form for the trigger, by their names; a "
                       "field the form does not have is refused (422 naming it). Which "
                       "body each product's trigger takes (product.trigger):\n\n"
                       + "\n".join(uses)}


def trigger_parameter() -> dict:
    """The decision operation's ``trigger``: one of the products' decisions."""
    triggers = sorted({trigger for pairs in decision_forms().values()
                       for _product, trigger in pairs})
    return {"in": "path", "name": "trigger", "required": True,
            "schema": {"type": "string", "enum": triggers},
            "description": "the decision (a trigger of the application's product; another "
                           "product's, or one its state does not allow, is refused)"}
