"""Forms reviewers fill in when they fire a transition; each gives the engine its data."""

from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from talentfin.forms.application import TERM_CHOICES
from talentfin.forms.base import BaseForm
from talentfin.forms.base import DateInputField
from talentfin.forms.base import RateField
from talentfin.forms.base import YuanField
from talentfin.i18n import _l
from talentfin.labels import ATTACHMENTS
from talentfin.labels import FIELDS


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class DecisionForm(BaseForm):
    """A decision with an optional (or, where a guard wants it, required) comment."""

    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)])

    def engine_data(self) -> dict:
        """Data handed to the engine."""
        return {}


class InfoRequestForm(DecisionForm):
    """Which fields and documents the founder must fix."""

    fields = MultiCheckboxField(_l("Fields to fix"), choices=list(FIELDS.items()))
    documents = MultiCheckboxField(_l("Documents to replace"), choices=list(ATTACHMENTS.items()))

    def engine_data(self) -> dict:
        """The named fields and documents."""
        return {"fields": self.fields.data or [], "documents": self.documents.data or []}


class RecommendationForm(DecisionForm):
    """The credit officer's amount, rate and term."""

    amount = YuanField(_l("Recommended amount (yuan)"), validators=[DataRequired()])
    rate = RateField(_l("Annual rate (%)"), validators=[DataRequired()])
    term_months = SelectField(_l("Term"), coerce=int, choices=TERM_CHOICES,
                              validators=[DataRequired()])

    def engine_data(self) -> dict:
        """Amount in fen, rate in basis points, term in months."""
        return {"amount_fen": self.amount.data, "rate_bp": self.rate.data,
                "term_months": self.term_months.data}


class ContractForm(DecisionForm):
    """The signed loan contract."""

    contract_no = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=60)])
    signed_on = DateInputField(_l("Signed on"), validators=[DataRequired()],
                               not_after_today=True)

    def engine_data(self) -> dict:
        """Contract number and date."""
        return {"contract_no": self.contract_no.data.strip(), "signed_on": self.signed_on.data}


class DisbursementForm(DecisionForm):
    """The disbursed amount and date."""

    amount = YuanField(_l("Disbursed amount (yuan)"), validators=[DataRequired()])
    disbursed_on = DateInputField(_l("Disbursed on"), validators=[DataRequired()],
                                  not_after_today=True)

    def engine_data(self) -> dict:
        """Amount in fen and date."""
        return {"amount_fen": self.amount.data, "disbursed_on": self.disbursed_on.data}


DECISION_FORMS = {
    "decision": DecisionForm,
    "info_request": InfoRequestForm,
    "recommendation": RecommendationForm,
    "contract": ContractForm,
    "disbursement": DisbursementForm,
}


def _add_servicing_forms() -> None:
    from talentfin.forms.servicing import SERVICING_FORMS

    DECISION_FORMS.update(SERVICING_FORMS)


_add_servicing_forms()


def form_for(name: str | None, **kwargs) -> DecisionForm:
    """The form class a transition names (plain decision form when none)."""
    return DECISION_FORMS.get(name or "decision", DecisionForm)(**kwargs)
