"""Login and founder registration forms."""

from wtforms import EmailField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Email
from wtforms.validators import EqualTo
from wtforms.validators import Length

from talentfin.forms.base import BaseForm
from talentfin.forms.identifiers import valid_uscc
from talentfin.i18n import _l


class LoginForm(BaseForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(BaseForm):
    """A founder registers the account and names the enterprise."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=60)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    company_name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=120)])
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), valid_uscc])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=10, message=_l("Use at least 10 characters."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
