"""人才债's forms: the founder's application for an allocation, the underwriter's
recommendation, contract and payment (repayments, arrears and the default use the loan's
forms); and the bond's own steps (a new bond, its registration, its terms)."""

from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.base import RateField
from talentfin.forms.base import YuanField
from talentfin.forms.dates import DateInputField
from talentfin.forms.decisions import DecisionForm
from talentfin.forms.identifiers import valid_uscc
from talentfin.i18n import _l
from talentfin.workflows.bond.issue import COUPON_MONTHS
from talentfin.workflows.bond.issue import TERMS

MONTHS = [(12, _l("12 months")), (24, _l("24 months")), (36, _l("36 months"))]


class BondRequestForm(BaseForm):
    """The founder's application: the underwriter, its bond, the amount and the term."""

    partner_org_id = ChoiceField(_l("Underwriter"), coerce=int, validators=[DataRequired()])
    bond_id = ChoiceField(_l("Bond"), coerce=int, choices=[],
                          validators=[DataRequired(message=_l("Choose the bond."))])
    requested_amount = YuanField(_l("Amount asked for (yuan)"), validators=[DataRequired()])
    requested_term_months = ChoiceField(_l("Term"), coerce=int, choices=MONTHS,
                                        validators=[DataRequired()])
    purpose = TextAreaField(_l("Use of the funds"),
                            validators=[DataRequired(), Length(min=10, max=2000)])

    def fill(self, application) -> None:
        """Show what the draft holds."""
        self.bond_id.data = application.bond_id
        self.requested_amount.data = application.requested_amount_fen
        self.requested_term_months.data = application.requested_term_months or 24
        self.purpose.data = application.purpose

    def request_data(self) -> dict:
        """What the request step stores."""
        return {"partner_org_id": self.partner_org_id.data, "bond_id": self.bond_id.data,
                "requested_amount_fen": self.requested_amount.data,
                "requested_term_months": self.requested_term_months.data,
                "purpose": self.purpose.data.strip()}


class RecommendationForm(DecisionForm):
    """The underwriting officer's terms."""

    amount = YuanField(_l("Allocation (yuan)"), validators=[DataRequired()])
    rate = RateField(_l("On-lending rate a year (%)"), validators=[DataRequired()])
    term_months = ChoiceField(_l("Term"), coerce=int, choices=MONTHS,
                              validators=[DataRequired()])

    def prefill(self, application) -> None:
        """What the firm asked, at the coupon plus one point."""
        self.amount.data = application.requested_amount_fen
        self.term_months.data = application.requested_term_months
        if application.bond is not None and application.bond.coupon_bp:
            self.rate.data = application.bond.coupon_bp + 100

    def engine_data(self) -> dict:
        """Amount in fen, rate in basis points, term."""
        return {"amount_fen": self.amount.data, "rate_bp": self.rate.data,
                "term_months": self.term_months.data}


class ContractForm(DecisionForm):
    """The on-lending contract signed (uploaded beforehand)."""

    contract_no = StringField(_l("Contract number"),
                              validators=[DataRequired(), Length(max=60)])
    signed_on = DateInputField(_l("Signed on"), validators=[DataRequired()],
                               not_after_today=True)

    def engine_data(self) -> dict:
        """Number and date."""
        return {"contract_no": self.contract_no.data, "signed_on": self.signed_on.data}


class DisbursementForm(DecisionForm):
    """The allocation paid out (the voucher uploaded beforehand)."""

    amount = YuanField(_l("Amount paid out (yuan)"), validators=[DataRequired()])
    disbursed_on = DateInputField(_l("Paid out on"), validators=[DataRequired()],
                                  not_after_today=True)

    def prefill(self, application) -> None:
        """The allocation."""
        self.amount.data = application.allocated_fen

    def engine_data(self) -> dict:
        """Amount in fen and date."""
        return {"amount_fen": self.amount.data, "disbursed_on": self.disbursed_on.data}


class RegistrationForm(DecisionForm):
    """The bond's registration (its letter uploaded beforehand)."""

    registration_no = StringField(_l("Registration number"),
                                  validators=[DataRequired(), Length(max=60)])
    registered_on = DateInputField(_l("Registered on"), validators=[DataRequired()],
                                   not_after_today=True)

    def engine_data(self) -> dict:
        """Number and date."""
        return {"registration_no": self.registration_no.data,
                "registered_on": self.registered_on.data}


class IssueTermsForm(DecisionForm):
    """The bond as issued (prospectus and announcement uploaded beforehand)."""

    code = StringField(_l("Bond code"), validators=[DataRequired(), Length(max=20)])
    size = YuanField(_l("Size (yuan)"), validators=[DataRequired()])
    coupon = RateField(_l("Coupon a year (%)"), validators=[DataRequired()])
    term_months = ChoiceField(_l("Term (months)"), coerce=int,
                              choices=[(m, str(m)) for m in TERMS], default=36)
    coupon_months = ChoiceField(_l("Months between coupons"), coerce=int,
                                choices=[(m, str(m)) for m in COUPON_MONTHS], default=12)
    issued_on = DateInputField(_l("Issued on"), validators=[DataRequired()],
                               not_after_today=True)

    def engine_data(self) -> dict:
        """The terms in fen and basis points."""
        return {"code": self.code.data, "size_fen": self.size.data,
                "coupon_bp": self.coupon.data, "term_months": self.term_months.data,
                "coupon_months": self.coupon_months.data, "issued_on": self.issued_on.data}


class NewBondForm(BaseForm):
    """A bond planned: its name and its issuer (the issuer's company by its 统一社会信用代码)."""

    name = StringField(_l("Bond name"), validators=[DataRequired(), Length(max=120)])
    issuer_org_id = ChoiceField(_l("Issuer"), coerce=int, choices=[],
                                validators=[DataRequired()])
    issuer_uscc = StringField(_l("Issuer's unified social credit code"),
                              validators=[DataRequired(), valid_uscc])


FORMS = {
    "bond_request": BondRequestForm,
    "bond_recommendation": RecommendationForm,
    "bond_contract": ContractForm,
    "bond_disbursement": DisbursementForm,
    "bond_registration": RegistrationForm,
    "bond_issue_terms": IssueTermsForm,
}
