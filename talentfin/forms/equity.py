"""人才投's forms: the founder's application with its cap table, the approver's project
approval (the workstreams' owners), the valuation, the signing, the money paid in and the
exit; and the fund's page forms: a workstream's finding, the committee's meeting and votes,
a portfolio report."""

from datetime import date
from decimal import Decimal

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form
from wtforms import FormField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from talentfin.clock import business_today
from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.base import CountField
from talentfin.forms.base import PercentField
from talentfin.forms.base import RadioChoiceField
from talentfin.forms.base import YuanField
from talentfin.forms.dates import DateInputField
from talentfin.forms.decisions import DecisionForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.workflows.equity.deal import returns
from talentfin.workflows.equity.diligence import fund_staff
from talentfin.workflows.equity.diligence import prescreened_by
from talentfin.workflows.equity.labels import EXIT_METHODS
from talentfin.workflows.equity.labels import FINDINGS
from talentfin.workflows.equity.labels import VOTES
from talentfin.workflows.equity.labels import WORKSTREAMS
from talentfin.workflows.equity.request import cap_table_problem

CAP_ROWS = 8  # holders the form offers


def without_nul(value):
    """The text without NUL characters, which PostgreSQL's text columns refuse."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class HolderForm(Form):
    """One holder of the cap table (a row; empty rows are ignored)."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages in the user's language, as a FlaskForm's (a row is a
            plain Form: it would say "Field cannot be longer than 80 characters." to all)."""
            return wtforms_translations

    name = StringField(_l("Holder"), validators=[Optional(), Length(max=80)],
                       filters=[without_nul])
    stake = PercentField(_l("Stake (%)"), validators=[Optional()])


class EquityRequestForm(BaseForm):
    """The founder's application: the fund, the investment and valuation proposed, the
    firm's size and its cap table before the round, the use of the funds."""

    partner_org_id = ChoiceField(_l("Fund"), coerce=int, validators=[DataRequired()])
    requested_amount = YuanField(_l("Investment asked for (yuan)"),
                                 validators=[DataRequired()])
    asked_pre_money = YuanField(_l("Pre-money valuation you propose (yuan)"),
                                validators=[DataRequired()])
    staff = CountField(_l("Staff"), validators=[DataRequired()], minimum=1, maximum=1_000_000)
    rd_staff = CountField(_l("R&D staff"), validators=[Optional()], minimum=0,
                          maximum=1_000_000)
    total_assets = YuanField(_l("Total assets (yuan)"), validators=[DataRequired()],
                             minimum_fen=0)
    revenue = YuanField(_l("Revenue last year (yuan)"), validators=[DataRequired()],
                        minimum_fen=0)
    purpose = TextAreaField(_l("Use of the funds"),
                            validators=[DataRequired(), Length(min=10, max=2000)],
                            filters=[without_nul])
    def fill(self, application) -> None:
        """Show what the draft holds (the staff from the company profile at first)."""
        self.requested_amount.data = application.requested_amount_fen
        self.asked_pre_money.data = application.asked_pre_money_fen
        self.staff.data = (application.staff if application.staff is not None
                           else application.enterprise.employees)
        self.rd_staff.data = application.rd_staff
        self.total_assets.data = application.total_assets_fen
        self.revenue.data = application.revenue_fen
        self.purpose.data = application.purpose
        for row, holder in zip(self.holder_rows(), application.cap_table or [], strict=False):
            row.form.name.data = holder["name"]
            row.form.stake.data = Decimal(holder["stake_bp"]) / 100

    def holder_rows(self) -> list:
        """The cap table's row fields, in order."""
        return [self[f"holder_{n}"] for n in range(CAP_ROWS)]

    def cap_table(self) -> list[dict]:
        """The rows filled in: [{"name", "stake_bp"}]."""
        rows = []
        for row in self.holder_rows():
            name = (row.form.name.data or "").strip()
            if name or row.form.stake.data is not None:
                stake = row.form.stake.data
                rows.append({"name": name,
                             "stake_bp": int(stake * 100) if stake is not None else 0})
        return rows

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the cap table as a whole (each holder named, 100 % in all)."""
        valid = super().validate(extra_validators)
        rows = self.cap_table()
        for row in self.holder_rows():
            name, stake = (row.form.name.data or "").strip(), row.form.stake.data
            if stake is not None and not name:
                row.form.name.errors.append(_("Name the holder of this stake."))
                valid = False
            if name and stake is None:
                row.form.stake.errors.append(_("Enter this holder's stake."))
                valid = False
        if valid and (problem := cap_table_problem(rows)) is not None:
            self.holder_rows()[0].form.name.errors.append(problem)
            valid = False
        if self.rd_staff.data is not None and self.staff.data is not None and (
                self.rd_staff.data > self.staff.data):
            self.rd_staff.errors.append(_("The R&D staff cannot be more than the whole staff."))
            valid = False
        return valid

    def request_data(self) -> dict:
        """What the request step stores."""
        return {
            "partner_org_id": self.partner_org_id.data,
            "requested_amount_fen": self.requested_amount.data,
            "asked_pre_money_fen": self.asked_pre_money.data,
            "staff": self.staff.data, "rd_staff": self.rd_staff.data,
            "total_assets_fen": self.total_assets.data, "revenue_fen": self.revenue.data,
            "cap_table": self.cap_table(), "purpose": self.purpose.data.strip(),
        }


for _n in range(CAP_ROWS):
    setattr(EquityRequestForm, f"holder_{_n}",
            FormField(HolderForm, label=_l("Holder %(n)s", n=_n + 1)))


class ProjectApprovalForm(DecisionForm):
    """Project approval: the owner of each due diligence workstream."""

    business_owner = ChoiceField(WORKSTREAMS["business"], coerce=int, choices=[])
    legal_owner = ChoiceField(WORKSTREAMS["legal"], coerce=int, choices=[])
    financial_owner = ChoiceField(WORKSTREAMS["financial"], coerce=int, choices=[])

    def for_application(self, application) -> "ProjectApprovalForm":
        """The fund's staff as owners."""
        choices = [(u.id, u.name) for u in fund_staff(application)]
        for kind in WORKSTREAMS:
            self[f"{kind}_owner"].choices = choices
        return self

    def prefill(self, application) -> None:
        """The manager who passed the prescreen owns every workstream unless changed."""
        manager = prescreened_by(application)
        for kind in WORKSTREAMS:
            self[f"{kind}_owner"].data = manager.id if manager else None

    def engine_data(self) -> dict:
        """The owners by workstream."""
        return {"owners": {kind: self[f"{kind}_owner"].data for kind in WORKSTREAMS}}


class ValuationForm(DecisionForm):
    """The valuation filed for the committee."""

    pre_money = YuanField(_l("Pre-money valuation (yuan)"), validators=[DataRequired()])
    ticket = YuanField(_l("Investment (yuan)"), validators=[DataRequired()])

    def prefill(self, application) -> None:
        """What the founder proposed."""
        self.pre_money.data = application.asked_pre_money_fen
        self.ticket.data = application.requested_amount_fen

    def engine_data(self) -> dict:
        """Amounts in fen."""
        return {"pre_money_fen": self.pre_money.data, "ticket_fen": self.ticket.data}


class SigningForm(DecisionForm):
    """The investment agreement signed (uploaded beforehand)."""

    signed_on = DateInputField(_l("Agreement signed on"), validators=[DataRequired()],
                               not_after_today=True)

    def engine_data(self) -> dict:
        """The date."""
        return {"signed_on": self.signed_on.data}


class FundingForm(DecisionForm):
    """The investment paid in (its voucher and the registration uploaded beforehand)."""

    amount = YuanField(_l("Amount paid in (yuan)"), validators=[DataRequired()])
    funded_on = DateInputField(_l("Paid in on"), validators=[DataRequired()],
                               not_after_today=True)

    def prefill(self, application) -> None:
        """The investment decided."""
        self.amount.data = application.ticket_fen

    def engine_data(self) -> dict:
        """Amount in fen and date."""
        return {"amount_fen": self.amount.data, "funded_on": self.funded_on.data}


class ExitForm(DecisionForm):
    """The exit proposed: how, when, for how much."""

    method = ChoiceField(_l("Exit method"), choices=list(EXIT_METHODS.items()),
                         validators=[DataRequired()])
    exited_on = DateInputField(_l("Exit on"), validators=[DataRequired()],
                               not_after_today=True)
    proceeds = YuanField(_l("Proceeds (yuan)"), validators=[Optional()], minimum_fen=0)

    def prefill(self, application) -> None:
        """Today, and the amount invested."""
        self.exited_on.data = business_today()
        found = returns(application)
        self.proceeds.data = found.invested_fen if found else None

    def engine_data(self) -> dict:
        """Method, date, proceeds in fen (nothing given is nothing)."""
        return {"method": self.method.data, "exited_on": self.exited_on.data,
                "proceeds_fen": self.proceeds.data if self.proceeds.data is not None else 0}


class FindingForm(BaseForm):
    """A workstream's report and finding."""

    report = FileField(_l("Report (PDF, JPEG or PNG)"))
    finding = RadioChoiceField(_l("Finding"), choices=list(FINDINGS.items()),
                         validators=[DataRequired(message=_l("Choose the finding."))])
    text = TextAreaField(_l("The red flag, or notes"), validators=[Optional(),
                                                                  Length(max=4000)],
                         filters=[without_nul])


class MeetingForm(BaseForm):
    """The chair opens the committee's meeting, held by today (its thresholds are its day's)."""

    held_on = DateInputField(_l("Meeting on"), validators=[DataRequired()],
                             not_after_today=True)
    agenda = TextAreaField(_l("Agenda"), validators=[DataRequired(), Length(max=4000)],
                           filters=[without_nul])
    earliest: date | None = None  # the day the application came before the committee

    def validate_held_on(self, field) -> None:
        """Not before the application came before the committee."""
        if self.earliest is not None and field.data is not None and field.data < self.earliest:
            raise ValidationError(_("The meeting is held on or after %(day)s, when the "
                                    "application came before the committee.",
                                    day=self.earliest.isoformat()))


class VoteForm(BaseForm):
    """A member's vote; a recusal says why (the conflict)."""

    vote = RadioChoiceField(_l("Your vote"), choices=list(VOTES.items()),
                      validators=[DataRequired(message=_l("Choose your vote."))])
    reason = TextAreaField(_l("Reason (required to recuse)"),
                           validators=[Optional(), Length(max=2000)], filters=[without_nul])

    def validate(self, extra_validators=None) -> bool:
        """The fields, then a recusal's reason (the conflict of interest)."""
        valid = super().validate(extra_validators)
        if self.vote.data == "recuse" and not (self.reason.data or "").strip():
            self.reason.errors.append(_("Say what the conflict of interest is."))
            valid = False
        return valid


class ReportForm(BaseForm):
    """A portfolio report filed."""

    report = FileField(_l("Report (PDF, JPEG or PNG)"),
                       validators=[FileRequired(message=_l("Choose the report's file."))])


class ChairForm(BaseForm):
    """The committee's chair, named by the fund's approver."""

    chair_id = ChoiceField(_l("Chair"), coerce=int, choices=[])


FORMS = {
    "equity_request": EquityRequestForm,
    "project_approval": ProjectApprovalForm,
    "valuation": ValuationForm,
    "signing": SigningForm,
    "funding": FundingForm,
    "exit": ExitForm,
}
