"""Administrator forms: staff accounts and institutions."""

from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from talentfin.forms.base import BaseForm
from talentfin.i18n import _l
from talentfin.labels import ROLES


class StaffUserForm(BaseForm):
    """A staff account of a park, a partner institution or the pool."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=60)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[(k, v) for k, v in ROLES.items()
                                            if k not in ("founder", "system")])
    org_code = SelectField(_l("Organisation"), validators=[Optional()])
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=10)])


class OrganisationForm(BaseForm):
    """A park, partner institution or the pool."""

    kind = SelectField(_l("Kind"), choices=[
        ("park", _l("Park")), ("bank", _l("Bank")), ("pool", _l("Pool")),
        ("insurer", _l("Insurer")), ("fund", _l("Fund")), ("underwriter", _l("Underwriter")),
        ("exchange", _l("Exchange")),
    ])
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and hyphens."))])
    name = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=160)])
