"""A date field that says what it expects and refuses dates no record of the programme holds."""

from datetime import date

from wtforms import DateField
from wtforms.validators import StopValidation

from talentfin.clock import business_today
from talentfin.i18n import _

# The dates a form takes: a firm founded in 1900 or later, a maturity or a deadline before
# 2200 (a year 0001 or 9999 is a slip of the keyboard; 9999 also overflows date arithmetic).
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


class DateInputField(DateField):
    """A date typed as YYYY-MM-DD: a text that is not one says so, not "required".

    ``not_after_today`` is for dates of past facts (founded, signed, paid): they cannot lie
    in the future, counted in China's business date.
    """

    def __init__(self, label=None, validators=None, not_after_today: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_after_today = not_after_today

    def process_formdata(self, valuelist):
        """Parse the date; on failure the message names the expected format."""
        if not valuelist or not valuelist[0].strip():
            self.data = None  # empty: "required" or fine, as the field's validators say
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(_("Enter the date as YYYY-MM-DD, e.g. 2026-03-15.")) from exc

    def pre_validate(self, form):
        """Stop on a parse error; refuse a date no record of the programme can hold and a
        future date of a past fact."""
        if self.process_errors:
            raise StopValidation()
        if self.not_after_today and isinstance(self.data, date) \
                and self.data > business_today():
            raise StopValidation(_("This date cannot be in the future."))
        if isinstance(self.data, date) and not EARLIEST_DATE <= self.data <= LATEST_DATE:
            raise StopValidation(_("Enter a date between %(earliest)s and %(latest)s.",
                                   earliest=EARLIEST_DATE.isoformat(),
                                   latest=LATEST_DATE.isoformat()))
