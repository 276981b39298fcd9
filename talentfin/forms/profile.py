"""Company profile and the founder's talent certification."""

from decimal import Decimal

from wtforms import BooleanField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.base import CountField
from talentfin.forms.base import PercentField
from talentfin.forms.base import YuanField
from talentfin.forms.dates import DateInputField
from talentfin.forms.identifiers import valid_resident_id
from talentfin.forms.identifiers import valid_uscc
from talentfin.i18n import _
from talentfin.i18n import _l


class CompanyForm(BaseForm):
    """The enterprise's registration data."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), valid_uscc])
    park_id = ChoiceField(_l("Park"), coerce=int, validators=[DataRequired()])
    registered_in_district = BooleanField(_l("Registered in the district"))
    founded_on = DateInputField(_l("Founded on"), validators=[DataRequired()],
                                not_after_today=True)
    registered_capital = YuanField(_l("Registered capital (yuan)"), validators=[DataRequired()])
    legal_representative = StringField(_l("Legal representative"),
                                       validators=[DataRequired(), Length(max=60)])
    address = StringField(_l("Registered address"), validators=[DataRequired(), Length(max=200)])
    industry = StringField(_l("Industry"), validators=[DataRequired(), Length(max=60)])
    employees = CountField(_l("Employees"), validators=[DataRequired()], minimum=1)
    last_dishonesty_on = DateInputField(
        _l("Date of the latest serious dishonesty record (leave empty if none)"),
        validators=[Optional()], not_after_today=True,
    )


class TalentForm(BaseForm):
    """The founder's talent certification and equity share."""

    founder_name = StringField(_l("Founder's name"), validators=[DataRequired(), Length(max=60)])
    id_number = StringField(_l("Resident ID number"),
                            validators=[DataRequired(), valid_resident_id])
    tier = ChoiceField(
        _l("Talent tier"),
        choices=[
            ("A", _l("A · national")),
            ("B", _l("B · provincial")),
            ("C", _l("C · city")),
            ("D", _l("D · district / park-recommended")),
        ],
        validators=[DataRequired()],
    )
    certificate_no = StringField(_l("Certificate number"),
                                 validators=[DataRequired(), Length(max=60)])
    issuer = StringField(_l("Issuing body"), validators=[DataRequired(), Length(max=120)])
    valid_until = DateInputField(_l("Valid until"), validators=[DataRequired()])
    equity_percent = PercentField(
        _l("Founder's share of the equity (%)"),
        validators=[InputRequired()],  # DataRequired would call 0 "missing"
    )

    def validate_equity_percent(self, field) -> None:
        """Between 0.01 and 100 percent (not WTForms' NumberRange: it %-formats its message,
        and the Chinese one holds a "%" of its own, a server error)."""
        if field.data is not None and not Decimal("0.01") <= field.data <= Decimal("100"):
            raise ValidationError(_("The share must be between 0.01 and 100 percent."))


class IdentityChangeForm(BaseForm):
    """The founder asks the park to change the company's name or credit code."""

    new_name = StringField(_l("New company name"), validators=[DataRequired(), Length(max=120)])
    new_uscc = StringField(_l("New unified social credit code"),
                           validators=[DataRequired(), valid_uscc])
    reason = TextAreaField(_l("Why (the registration change behind it)"),
                           validators=[DataRequired(), Length(min=5, max=2000)])


class IdentityDecisionForm(BaseForm):
    """The park's decision on a change of identity."""

    note = TextAreaField(_l("Note (required to refuse)"), validators=[Length(max=2000)])
