"""Administrator forms: staff accounts, institutions and the partner API's clients."""

from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import URLField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp

from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.decisions import MultiCheckboxField
from talentfin.i18n import _l
from talentfin.institutions import KINDS
from talentfin.institutions import role_label
from talentfin.institutions import staff_roles
from talentfin.services.api_clients import known_scopes
from talentfin.services.webhooks import known_events


class StaffUserForm(BaseForm):
    """A staff account of a park, a partner institution or the pool."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=60)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    role = ChoiceField(_l("Role"),
                       choices=lambda: [(key, role_label(key)) for key in staff_roles()])
    org_code = ChoiceField(_l("Organisation"), validators=[Optional()])
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=10)])


class OrganisationForm(BaseForm):
    """A park, a partner institution of any product, or the pool."""

    kind = ChoiceField(_l("Kind"),
                       choices=lambda: [(key, str(kind.label)) for key, kind in KINDS.items()])
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=40),
        Regexp(r"^[a-z0-9-]+$", message=_l("Use lower-case letters, digits and hyphens."))])
    name = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=160)])


class ApiClientForm(BaseForm):
    """A partner system's client of the API, for one organisation (or the programme's
    own, reading only): chosen on purpose, never by default."""

    org_code = ChoiceField(_l("Organisation"), validators=[DataRequired(
        message=_l("Choose the organisation the client is for, or the programme."))])
    name = StringField(_l("What the client is"), validators=[DataRequired(), Length(max=120)])
    scopes = MultiCheckboxField(_l("Scopes"), validators=[DataRequired()],
                                choices=lambda: [(k, str(v)) for k, v in known_scopes().items()])


class WebhookForm(BaseForm):
    """An organisation's receiver of events."""

    org_code = ChoiceField(_l("Organisation"))
    url = URLField(_l("Receiver's address (https://…)"),
                   validators=[DataRequired(), Length(max=500)])
    events = MultiCheckboxField(_l("Events"), validators=[DataRequired()],
                                choices=lambda: [(k, str(v)) for k, v in known_events().items()])
