"""The founder's loan application steps and document uploads."""

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import SelectField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from talentfin.forms.base import BaseForm
from talentfin.forms.base import CountField
from talentfin.forms.base import YuanField
from talentfin.i18n import _l

TERM_CHOICES = [(12, _l("12 months")), (24, _l("24 months")), (36, _l("36 months"))]


class LoanRequestForm(BaseForm):
    """Step 2: which bank, how much, how long, what for."""

    partner_org_id = SelectField(_l("Partner bank"), coerce=int, validators=[DataRequired()])
    requested_amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    requested_term_months = SelectField(_l("Term"), coerce=int, choices=TERM_CHOICES,
                                        validators=[DataRequired()])
    purpose = TextAreaField(_l("Purpose of the loan"),
                            validators=[DataRequired(), Length(min=10, max=2000)])
    annual_revenue = YuanField(_l("Revenue last year (yuan)"), minimum_fen=0,
                               validators=[Optional()])
    net_profit = YuanField(_l("Net profit last year (yuan, negative for a loss)"),
                           minimum_fen=-(10**15), validators=[Optional()])
    employees = CountField(_l("Employees"), validators=[Optional()], minimum=0)


class UploadForm(BaseForm):
    """Step 3: one document of one kind."""

    kind = SelectField(_l("Document"), validators=[DataRequired()])
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])
