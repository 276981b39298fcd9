"""Forms reviewers fill in when they fire a transition; each gives the engine its data.

A transition names its form (``Transition.form``); ``form_for`` finds it in the registry
(the core's forms here, each product's registered by ``talentfin.programme``). A form
may fill itself from the application (``prefill``), and a request for information offers
only the product's own fields and documents (``for_application``).
"""

from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import Length
from wtforms.validators import Optional

from talentfin.forms.base import CHOICE_CODES
from talentfin.forms.base import BaseForm
from talentfin.forms.base import MultipleChoiceField
from talentfin.i18n import _l
from talentfin.models import Application
from talentfin.workflows.registry import product_for


class _OptionalBox(widgets.CheckboxInput):
    """A checkbox of a group: never "required" itself (the group may be; one box is enough,
    and a screen reader would otherwise call every box required)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("required", False)
        return super().__call__(field, **kwargs)


class MultiCheckboxField(MultipleChoiceField):
    """Several choices as checkboxes (a refused one names the choices); rendered as a
    fieldset whose legend is the label (``_macros/forms.html``)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = _OptionalBox()


class DecisionForm(BaseForm):
    """A decision with an optional (or, where a guard wants it, required) comment."""

    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)])

    def for_application(self, application: Application) -> "DecisionForm":
        """Fit the form to an application (choices that depend on its product)."""
        return self

    def prefill(self, application: Application) -> None:
        """Fill the fields from what the application already holds (a fresh form only)."""

    def engine_data(self) -> dict:
        """Data handed to the engine."""
        return {}


class InfoRequestForm(DecisionForm):
    """Which fields and documents the founder must fix (the product's own only)."""

    fields = MultiCheckboxField(_l("Fields to fix"), choices=[])
    documents = MultiCheckboxField(_l("Documents to replace"), choices=[])

    def for_application(self, application: Application) -> "InfoRequestForm":
        """Offer the product's fields and the application's own documents."""
        product = product_for(application.product)
        self.fields.choices = [(key, str(label)) for key, label in product.fields.items()]
        self.documents.choices = [(d.key, str(d.label)) for d in product.founder_documents]
        return self

    def engine_data(self) -> dict:
        """The named fields and documents."""
        return {"fields": self.fields.data or [], "documents": self.documents.data or []}


# A decision's form filled through the API: no CSRF token (a bearer token instead), and a
# refused choice names the codes the caller sends.
API_FORM_META = {"csrf": False, CHOICE_CODES: True}

FORMS: dict[str, type[DecisionForm]] = {
    "decision": DecisionForm,
    "info_request": InfoRequestForm,
}


def register_forms(forms: dict[str, type]) -> None:
    """Add a product's forms (by the names its transitions use)."""
    FORMS.update(forms)


def form_for(name: str | None, application: Application, *, fresh: bool = False,
             **kwargs) -> DecisionForm:
    """The form a transition names (a plain decision form when none), fitted to the
    application; a ``fresh`` form (not a submitted one) is filled from the application."""
    form = FORMS[name or "decision"](**kwargs).for_application(application)
    if fresh:
        form.prefill(application)
    return form
