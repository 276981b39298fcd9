"""人才险's forms: the founder's quote request, the underwriter's proposal, the policy
issued, the premium paid, a claim's notice, agreement and payment, and an insurer's
terms."""

import re
from decimal import Decimal

from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.base import RadioChoiceField
from talentfin.forms.base import RateField
from talentfin.forms.base import YuanField
from talentfin.forms.dates import DateInputField
from talentfin.forms.decisions import DecisionForm
from talentfin.forms.identifiers import valid_resident_id
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.workflows.insurance.claims import latest_claim
from talentfin.workflows.insurance.labels import COVERS
from talentfin.workflows.insurance.labels import PROPOSALS
from talentfin.workflows.insurance.quote import guaranteed_loan
from talentfin.workflows.insurance.quote import requested_terms
from talentfin.workflows.insurance.underwriting import quoted_rate

# A plain number, its whole part captured (read as text first: a thousand digits are no
# Decimal to build).
PLAIN_NUMBER = re.compile(r"(\d*)(?:\.\d*)?", re.ASCII)
PERIOD_CHOICES = [(12, _l("12 months")), (24, _l("24 months")), (36, _l("36 months"))]


class QuoteRequestForm(BaseForm):
    """The founder's quote request: which insurer, which cover, what is insured."""

    partner_org_id = ChoiceField(_l("Insurer"), coerce=int, validators=[DataRequired()])
    cover = ChoiceField(_l("Cover"), choices=[("", _l("Choose…")), *COVERS.items()],
                        validators=[DataRequired(message=_l("Choose the cover."))])
    loan_id = ChoiceField(_l("Guaranteed loan (loan-guarantee insurance)"), coerce=int,
                          choices=[], validators=[Optional()])
    requested_amount = YuanField(_l("Sum insured (yuan)"), validators=[Optional()],
                                 description=_l("Not for loan-guarantee insurance: it insures "
                                                "its loan's amount over the loan's term."))
    requested_period_months = ChoiceField(_l("Period"), coerce=int, choices=PERIOD_CHOICES,
                                          validators=[Optional()],
                                          description=_l("Not for loan-guarantee insurance."))
    project_name = StringField(_l("R&D project (R&D-loss insurance)"),
                               validators=[Optional(), Length(max=120)])
    insured_name = StringField(_l("Key person's name (key-person cover)"),
                               validators=[Optional(), Length(max=60)])
    insured_id_number = StringField(_l("Key person's resident ID number"),
                                    validators=[Optional(), valid_resident_id])
    insured_position = StringField(_l("Key person's position"),
                                   validators=[Optional(), Length(max=60)])
    purpose = TextAreaField(_l("Description of the risk"),
                            validators=[DataRequired(), Length(min=10, max=2000)])

    def fill(self, application) -> None:
        """Show what the draft holds (a guarantee policy's sum and period: its loan's)."""
        terms = requested_terms(application)
        self.cover.data = application.cover or ""
        self.loan_id.data = application.loan_id or 0
        self.requested_amount.data = terms.sum_insured_fen
        self.requested_period_months.data = terms.period_months or 12
        self.project_name.data = application.project_name
        self.insured_name.data = application.insured_name
        self.insured_id_number.data = application.insured_id_number
        self.insured_position.data = application.insured_position
        self.purpose.data = application.purpose

    def request_data(self, loan_amount_fen: int | None) -> dict:
        """What the request step stores; a guarantee policy's sum is its loan's amount."""
        cover = self.cover.data
        guarantee, key_person = cover == "loan_guarantee", cover == "key_person"
        # Only the chosen cover's own fields are kept (a cover changed since leaves nothing).
        return {
            "partner_org_id": self.partner_org_id.data,
            "cover": cover,
            "loan_id": (self.loan_id.data or None) if guarantee else None,
            "requested_amount_fen": loan_amount_fen if guarantee else self.requested_amount.data,
            "requested_period_months": None if guarantee else self.requested_period_months.data,
            "project_name": _text(self.project_name) if cover == "rd_loss" else None,
            "insured_name": _text(self.insured_name) if key_person else None,
            "insured_id_number": _text(self.insured_id_number) if key_person else None,
            "insured_position": _text(self.insured_position) if key_person else None,
            "purpose": self.purpose.data.strip(),
        }


def _text(field) -> str | None:
    """A text field's value without surrounding spaces, or None when empty."""
    return (field.data or "").strip() or None


class PremiumRateField(RateField):
    """A year's premium as a percentage of the sum insured. A number too large to be a
    rate ('999999999999') is told it is above 100 %, not that it is no positive rate."""

    def process_formdata(self, valuelist):
        """Refuse a plain number above 100 as too large; the rest is a rate's parsing."""
        text = (valuelist[0] if valuelist else "").strip().rstrip("%").strip()
        found = PLAIN_NUMBER.fullmatch(text)
        whole = found.group(1).lstrip("0") if found else ""
        if whole and (len(whole) > 3 or Decimal(text) > 100):
            self.raw_text, self.data = valuelist[0], None
            raise ValueError(_("A rate is at most 100%."))
        super().process_formdata(valuelist)


class UnderwritingProposalForm(DecisionForm):
    """The underwriter's proposal: accept as asked, counter-terms, or decline."""

    proposal = RadioChoiceField(_l("Proposal"), choices=list(PROPOSALS.items()),
                          validators=[DataRequired(message=_l("Choose a proposal."))])
    sum_insured = YuanField(_l("Sum insured (yuan)"), validators=[Optional()])
    rate = PremiumRateField(_l("Premium rate a year (%, of the sum insured)"),
                            validators=[Optional()])
    period_months = ChoiceField(_l("Period (months)"), coerce=int, choices=[],
                                validators=[Optional()])

    def for_application(self, application) -> "UnderwritingProposalForm":
        """The periods on offer (a guarantee policy's is its loan's term)."""
        terms = requested_terms(application)
        periods = dict(PERIOD_CHOICES)
        if terms.period_months and terms.period_months not in periods:
            periods[terms.period_months] = _l("%(months)s months", months=terms.period_months)
        self.period_months.choices = list(periods.items())
        return self

    def prefill(self, application) -> None:
        """The terms asked for at the insurer's rate."""
        terms = requested_terms(application)
        self.proposal.data = "accept"
        self.sum_insured.data = terms.sum_insured_fen
        self.rate.data = quoted_rate(application)
        self.period_months.data = terms.period_months

    def engine_data(self) -> dict:
        """The proposal, the sum in fen, the rate in basis points, the period."""
        return {"proposal": self.proposal.data, "sum_insured_fen": self.sum_insured.data,
                "rate_bp": self.rate.data, "period_months": self.period_months.data}


class BindingForm(DecisionForm):
    """The policy issued: its number and the day cover starts."""

    policy_no = StringField(_l("Policy number"), validators=[DataRequired(), Length(max=40)])
    starts_on = DateInputField(_l("Cover starts on"), validators=[DataRequired()])

    def engine_data(self) -> dict:
        """Number and date."""
        return {"policy_no": self.policy_no.data.strip(), "starts_on": self.starts_on.data}


class PremiumForm(DecisionForm):
    """A policy year's premium as paid (its invoice uploaded beforehand)."""

    amount = YuanField(_l("Premium paid (yuan)"), validators=[DataRequired()])
    paid_on = DateInputField(_l("Premium paid on"), validators=[DataRequired()],
                             not_after_today=True)
    invoice_no = StringField(_l("Invoice number"), validators=[DataRequired(), Length(max=40)])

    def prefill(self, application) -> None:
        """The policy's premium."""
        self.amount.data = application.annual_premium_fen

    def engine_data(self) -> dict:
        """Amount in fen, date, invoice number."""
        return {"amount_fen": self.amount.data, "paid_on": self.paid_on.data,
                "invoice_no": self.invoice_no.data.strip()}


class ClaimNoticeForm(DecisionForm):
    """A loss notified: when it happened and how much is claimed (the comment says what)."""

    loss_on = DateInputField(_l("Loss occurred on"), validators=[DataRequired()],
                             not_after_today=True)
    claimed = YuanField(_l("Amount claimed (yuan)"), validators=[DataRequired()])

    def engine_data(self) -> dict:
        """Date and amount in fen."""
        return {"loss_on": self.loss_on.data, "claimed_fen": self.claimed.data}


class ClaimAgreementForm(DecisionForm):
    """The amount agreed, or on a guarantee policy the loan's principal loss assessed."""

    assessed_loss = YuanField(_l("Principal loss assessed (guarantee cover, yuan)"),
                              validators=[Optional()])
    agreed = YuanField(_l("Amount agreed (yuan)"), validators=[Optional()])

    def for_application(self, application) -> "ClaimAgreementForm":
        """A guarantee policy agrees a share of the loss assessed; others an amount."""
        if guaranteed_loan(application) is not None:
            del self.agreed
        else:
            del self.assessed_loss
        return self

    def prefill(self, application) -> None:
        """What was claimed; on a guarantee policy, the loan's outstanding principal."""
        claim = latest_claim(application)
        loan = guaranteed_loan(application)
        if loan is not None:
            self.assessed_loss.data = loan.outstanding
        else:
            self.agreed.data = claim.claimed_fen if claim else None

    def engine_data(self) -> dict:
        """Amounts in fen (the field the policy's cover uses)."""
        if "assessed_loss" in self._fields:
            return {"assessed_loss_fen": self._fields["assessed_loss"].data}
        return {"agreed_fen": self._fields["agreed"].data}


class ClaimPaymentForm(DecisionForm):
    """The agreed claim paid."""

    amount = YuanField(_l("Amount paid (yuan)"), validators=[DataRequired()])
    paid_on = DateInputField(_l("Claim paid on"), validators=[DataRequired()],
                             not_after_today=True)

    def prefill(self, application) -> None:
        """The amount agreed."""
        claim = latest_claim(application)
        self.amount.data = claim.agreed_fen if claim else None

    def engine_data(self) -> dict:
        """Amount in fen and date."""
        return {"amount_fen": self.amount.data, "paid_on": self.paid_on.data}


class TermsForm(BaseForm):
    """One cover's terms: the rate of a year's premium, and whether it is offered. The
    cover is the one whose "Change" was chosen (the page names it), not a choice in the
    form: the rate and the switch shown are that cover's, never another's."""

    cover = HiddenField(validators=[AnyOf(list(COVERS), message=_l("Unknown cover."))])
    rate = PremiumRateField(_l("Premium rate a year (%, of the sum insured)"),
                            validators=[DataRequired()])
    active = BooleanField(_l("Offered to founders"), default=True)

    def show(self, cover: str, offer) -> None:
        """The cover's terms in force (a cover never offered: an empty rate, offered)."""
        self.cover.data = cover
        if offer is not None:
            self.rate.data, self.active.data = offer.premium_rate_bp, offer.active


FORMS = {
    "insurance_request": QuoteRequestForm,
    "underwriting_proposal": UnderwritingProposalForm,
    "binding": BindingForm,
    "premium": PremiumForm,
    "claim_notice": ClaimNoticeForm,
    "claim_agreement": ClaimAgreementForm,
    "claim_payment": ClaimPaymentForm,
}
