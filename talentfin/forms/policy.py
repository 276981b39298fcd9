"""The pool administrator's proposal of a new value for a policy parameter."""

from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from talentfin.clock import business_today
from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.dates import DateInputField
from talentfin.i18n import _l
from talentfin.services.parameters import policy_keys


class ProposalForm(BaseForm):
    """A proposed new value for one parameter, in the unit its key names."""

    key = ChoiceField(_l("Parameter"), choices=lambda: [
        (key, str(found.label)) for key, found in policy_keys().items()])
    value = StringField(_l("New value"), validators=[DataRequired()], description=_l(
        "A whole number in the unit the parameter names: fen (100 fen = 1 yuan), basis "
        "points (100 basis points = 1%), days, months, years or times."))
    effective_from = DateInputField(_l("Takes effect on"), validators=[DataRequired()],
                                    default=business_today)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired()])
