"""The auditor's sign-off."""

from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from talentfin.forms.base import BaseForm
from talentfin.i18n import _l

MAX_NOTE = 1000


class SignOffForm(BaseForm):
    """What the auditor reviewed: said in words, kept with the sign-off (control and bidi
    characters are dropped on the way in, as in every form)."""

    note = StringField(_l("Note (what was reviewed)"), validators=[
        DataRequired(message=_l("Say what you reviewed.")),
        Length(max=MAX_NOTE, message=_l("At most %(max)d characters.")),
    ])
