"""The loan's forms: the founder's request step, the bank's terms, contract and
disbursement, and the covered loan's reports (repayments, arrears, claims, recoveries)."""

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.base import CountField
from talentfin.forms.base import RateField
from talentfin.forms.base import YuanField
from talentfin.forms.dates import DateInputField
from talentfin.forms.decisions import DecisionForm
from talentfin.i18n import _l
from talentfin.workflows.loan.labels import SECURITY

TERM_CHOICES = [(12, _l("12 months")), (24, _l("24 months")), (36, _l("36 months"))]
CLASSIFICATION_CHOICES = [
    ("special_mention", _l("Special mention")),
    ("substandard", _l("Substandard")),
    ("doubtful", _l("Doubtful")),
    ("loss", _l("Loss")),
]


class LoanRequestForm(BaseForm):
    """The founder's request: which bank, how much, how long, what for."""

    partner_org_id = ChoiceField(_l("Partner bank"), coerce=int, validators=[DataRequired()])
    requested_amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    requested_term_months = ChoiceField(_l("Term"), coerce=int, choices=TERM_CHOICES,
                                        validators=[DataRequired()])
    purpose = TextAreaField(_l("Purpose of the loan"),
                            validators=[DataRequired(), Length(min=10, max=2000)])
    annual_revenue = YuanField(_l("Revenue last year (yuan)"), minimum_fen=0,
                               validators=[Optional()])
    net_profit = YuanField(_l("Net profit last year (yuan, negative for a loss)"),
                           minimum_fen=-(10**15), validators=[Optional()])
    employees = CountField(_l("Employees"), validators=[Optional()], minimum=0)

    def fill(self, application) -> None:
        """Show what the draft holds."""
        details = application.details or {}
        self.requested_amount.data = application.requested_amount_fen
        self.requested_term_months.data = application.requested_term_months or 12
        self.purpose.data = application.purpose
        self.annual_revenue.data = details.get("annual_revenue_fen")
        self.net_profit.data = details.get("net_profit_fen")
        self.employees.data = details.get("employees")

    def request_data(self) -> dict:
        """What the request step stores: envelope fields, details, the loan's own."""
        return {
            "partner_org_id": self.partner_org_id.data,
            "requested_amount_fen": self.requested_amount.data,
            "requested_term_months": self.requested_term_months.data,
            "purpose": self.purpose.data.strip(),
            "details": {"annual_revenue_fen": self.annual_revenue.data,
                        "net_profit_fen": self.net_profit.data,
                        "employees": self.employees.data},
        }


class RecommendationForm(DecisionForm):
    """The credit officer's amount, rate, term and how the loan is secured."""

    amount = YuanField(_l("Recommended amount (yuan)"), validators=[DataRequired()])
    rate = RateField(_l("Annual rate (%)"), validators=[DataRequired()])
    term_months = ChoiceField(_l("Term"), coerce=int, choices=TERM_CHOICES,
                              validators=[DataRequired()])
    security = ChoiceField(_l("Security"), choices=[("", _l("Choose…")), *SECURITY.items()],
                           validators=[DataRequired(message=_l(
                               "Say whether the loan is pure credit or secured by a "
                               "guarantee, a pledge or collateral."))], description=_l(
        "A pure credit loan has no guarantee, pledge or collateral; the pool compensates "
        "5 points more of its loss."))

    def prefill(self, application) -> None:
        """The requested (or the recommended) amount and term."""
        self.amount.data = application.recommended_amount_fen or application.requested_amount_fen
        self.rate.data = application.recommended_rate_bp
        self.term_months.data = (application.recommended_term_months
                                 or application.requested_term_months)
        self.security.data = application.security or ""

    def engine_data(self) -> dict:
        """Amount in fen, rate in basis points, term in months, the security."""
        return {"amount_fen": self.amount.data, "rate_bp": self.rate.data,
                "term_months": self.term_months.data, "security": self.security.data}


class ContractForm(DecisionForm):
    """The signed loan contract."""

    contract_no = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=60)])
    signed_on = DateInputField(_l("Signed on"), validators=[DataRequired()],
                               not_after_today=True)

    def engine_data(self) -> dict:
        """Contract number and date."""
        return {"contract_no": self.contract_no.data.strip(), "signed_on": self.signed_on.data}


class DisbursementForm(DecisionForm):
    """The disbursed amount and date."""

    amount = YuanField(_l("Disbursed amount (yuan)"), validators=[DataRequired()])
    disbursed_on = DateInputField(_l("Disbursed on"), validators=[DataRequired()],
                                  not_after_today=True)

    def prefill(self, application) -> None:
        """The approved amount."""
        self.amount.data = application.recommended_amount_fen

    def engine_data(self) -> dict:
        """Amount in fen and date."""
        return {"amount_fen": self.amount.data, "disbursed_on": self.disbursed_on.data}


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
    classification = ChoiceField(_l("Classification"), choices=CLASSIFICATION_CHOICES)

    def engine_data(self) -> dict:
        """Date and grade."""
        return {"overdue_since": self.overdue_since.data,
                "classification": self.classification.data}


class ClassificationForm(DecisionForm):
    """The grade that makes the loan non-performing."""

    classification = ChoiceField(
        _l("Classification"),
        choices=[("", _l("Unchanged (overdue 90 days or more)")), *CLASSIFICATION_CHOICES[1:]],
        validators=[Optional()])

    def engine_data(self) -> dict:
        """The grade, when the bank gives one."""
        return {"classification": self.classification.data or None}


class ClaimForm(DecisionForm):
    """The principal loss claimed and any other compensation of the same loss."""

    loss = YuanField(_l("Principal loss (yuan)"), validators=[DataRequired()])
    other = YuanField(_l("Already compensated by other public schemes (yuan)"),
                      minimum_fen=0, validators=[Optional()], description=_l(
                          "What a guarantee insurer of the programme paid on this loan is "
                          "read from its records and counted as well; do not enter it here."))

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


class RepaymentFileForm(BaseForm):
    """A CSV file of repayments."""

    file = FileField(_l("Repayment file (CSV, UTF-8)"), validators=[FileRequired()])


FORMS = {
    "loan_request": LoanRequestForm,
    "recommendation": RecommendationForm,
    "contract": ContractForm,
    "disbursement": DisbursementForm,
    "repayment": RepaymentForm,
    "overdue": OverdueForm,
    "classification": ClassificationForm,
    "claim": ClaimForm,
    "recovery": RecoveryForm,
}
