"""Company profile and the founder's talent certification."""

from decimal import Decimal

from wtforms import BooleanField
from wtforms import DateField
from wtforms import DecimalField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from talentfin.forms.base import BaseForm
from talentfin.forms.base import YuanField
from talentfin.forms.base import valid_resident_id
from talentfin.forms.base import valid_uscc
from talentfin.i18n import _l


class CompanyForm(BaseForm):
    """The enterprise's registration data."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), valid_uscc])
    park_id = SelectField(_l("Park"), coerce=int, validators=[DataRequired()])
    registered_in_district = BooleanField(_l("Registered in the district"))
    founded_on = DateField(_l("Founded on"), validators=[DataRequired()])
    registered_capital = YuanField(_l("Registered capital (yuan)"), validators=[DataRequired()])
    legal_representative = StringField(_l("Legal representative"),
                                       validators=[DataRequired(), Length(max=60)])
    address = StringField(_l("Registered address"), validators=[DataRequired(), Length(max=200)])
    industry = StringField(_l("Industry"), validators=[DataRequired(), Length(max=60)])
    employees = IntegerField(_l("Employees"), validators=[DataRequired(), NumberRange(min=1)])
    last_dishonesty_on = DateField(
        _l("Date of the latest serious dishonesty record (leave empty if none)"),
        validators=[Optional()],
    )


class TalentForm(BaseForm):
    """The founder's talent certification and equity share."""

    founder_name = StringField(_l("Founder's name"), validators=[DataRequired(), Length(max=60)])
    id_number = StringField(_l("Resident ID number"),
                            validators=[DataRequired(), valid_resident_id])
    tier = SelectField(
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
    valid_until = DateField(_l("Valid until"), validators=[DataRequired()])
    equity_percent = DecimalField(
        _l("Founder's share of the equity (%)"), places=2,
        validators=[DataRequired(), NumberRange(min=Decimal("0.01"), max=Decimal("100"))],
    )
