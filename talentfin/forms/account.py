"""Passwords: a user changes their own; an administrator sets a temporary one."""

import unicodedata

from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import Regexp

from talentfin.forms.base import BaseForm
from talentfin.i18n import _l

MIN_PASSWORD = 10


class ChangePasswordForm(BaseForm):
    """The current password, then the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200,
                               message=_l("The password must have at least 10 characters."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ResetPasswordForm(BaseForm):
    """A temporary password the administrator hands over; the user changes it after login."""

    password = PasswordField(_l("Temporary password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD, max=200,
                               message=_l("The password must have at least 10 characters."))])


def _halfwidth(value):
    """Full-width digits and letters (a Chinese input method's) as ASCII ones."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


class CodeForm(BaseForm):
    """A second-factor code: six digits from the app, or a recovery code (ASCII only: any
    other character is no code, and the comparison in constant time takes ASCII only)."""

    code = StringField(_l("Code from your authenticator app (or a recovery code)"),
                       validators=[DataRequired(), Length(max=20), Regexp(
                           r"^[\x20-\x7e]*$", message=_l(
                               "Enter the six digits your authenticator app shows now (or "
                               "one of your recovery codes)."))],
                       filters=[_halfwidth],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
