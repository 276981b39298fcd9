"""Forms of a covered loan's life: repayments, arrears, claims and recoveries."""

from wtforms import SelectField
from wtforms.validators import DataRequired
from wtforms.validators import Optional

from talentfin.forms.base import DateInputField
from talentfin.forms.base import YuanField
from talentfin.forms.decisions import DecisionForm
from talentfin.i18n import _l

CLASSIFICATION_CHOICES = [
    ("special_mention", _l("Special mention")),
    ("substandard", _l("Substandard")),
    ("doubtful", _l("Doubtful")),
    ("loss", _l("Loss")),
]


class RepaymentForm(DecisionForm):
    """One repayment: when it was due, when it was paid, principal and interest."""

    due_on = DateInputField(_l("Due on"), validators=[DataRequired()])
    paid_on = DateInputField(_l("Paid on"), validators=[DataRequired()],
                             not_after_today=True)
    principal = YuanField(_l("Principal repaid (yuan)"), minimum_fen=0, validators=[Optional()])
    interest = YuanField(_l("Interest paid (yuan)"), minimum_fen=0, validators=[Optional()])

    def engine_data(self) -> dict:
        """Dates and amounts in fen."""
        return {"due_on": self.due_on.data, "paid_on": self.paid_on.data,
                "principal_fen": self.principal.data or 0, "interest_fen": self.interest.data or 0}


class OverdueForm(DecisionForm):
    """Arrears: since when, and the bank's classification."""

    overdue_since = DateInputField(_l("Overdue since"), validators=[DataRequired()],
                                   not_after_today=True)
    classification = SelectField(_l("Classification"), choices=CLASSIFICATION_CHOICES)

    def engine_data(self) -> dict:
        """Date and grade."""
        return {"overdue_since": self.overdue_since.data,
                "classification": self.classification.data}


class ClassificationForm(DecisionForm):
    """The grade that makes the loan non-performing."""

    classification = SelectField(
        _l("Classification"),
        choices=[("", _l("Unchanged (overdue 90 days or more)")), *CLASSIFICATION_CHOICES[1:]],
        validators=[Optional()])

    def engine_data(self) -> dict:
        """The grade, when the bank gives one."""
        return {"classification": self.classification.data or None}


class ClaimForm(DecisionForm):
    """The principal loss claimed and any other compensation of the same loss."""

    loss = YuanField(_l("Principal loss (yuan)"), validators=[DataRequired()])
    other = YuanField(_l("Already compensated by insurance or other public schemes (yuan)"),
                      minimum_fen=0, validators=[Optional()])

    def engine_data(self) -> dict:
        """Amounts in fen."""
        return {"loss_fen": self.loss.data, "other_fen": self.other.data or 0}


class RecoveryForm(DecisionForm):
    """Money collected after compensation, and the costs of collecting it."""

    received_on = DateInputField(_l("Received on"), validators=[DataRequired()],
                                 not_after_today=True)
    gross = YuanField(_l("Amount recovered (yuan)"), validators=[DataRequired()])
    costs = YuanField(_l("Costs of recovery (yuan)"), minimum_fen=0, validators=[Optional()])

    def engine_data(self) -> dict:
        """Date and amounts in fen."""
        return {"received_on": self.received_on.data, "gross_fen": self.gross.data,
                "costs_fen": self.costs.data or 0}


SERVICING_FORMS = {
    "repayment": RepaymentForm,
    "overdue": OverdueForm,
    "classification": ClassificationForm,
    "claim": ClaimForm,
    "recovery": RecoveryForm,
}
