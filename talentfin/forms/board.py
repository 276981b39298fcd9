"""人才板's forms: the founder's listing application, the listing committee's listing, a
tier move, the reward asked for, a delisting proposal, the transfer up; and the page's
forms: a financing recorded, an annual report filed."""

from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from talentfin.clock import business_today
from talentfin.forms.base import BaseForm
from talentfin.forms.base import ChoiceField
from talentfin.forms.base import CountField
from talentfin.forms.base import YuanField
from talentfin.forms.dates import DateInputField
from talentfin.forms.decisions import DecisionForm
from talentfin.i18n import _l
from talentfin.workflows.board.labels import DELISTING_REASONS
from talentfin.workflows.board.labels import INSTRUMENTS
from talentfin.workflows.board.labels import MARKETS
from talentfin.workflows.board.labels import TIERS


class BoardRequestForm(BaseForm):
    """The founder's application: the recommending institution, the tier, the holders."""

    partner_org_id = ChoiceField(_l("Recommending institution"), coerce=int,
                                 validators=[DataRequired()])
    requested_tier = ChoiceField(_l("Tier asked for"),
                                 choices=[("", _l("Choose…")), *TIERS.items()],
                                 validators=[DataRequired(message=_l("Choose the tier."))])
    shareholders = CountField(_l("Shareholders now"), validators=[DataRequired()], minimum=1,
                              maximum=100_000)
    purpose = TextAreaField(_l("Business and plans"),
                            validators=[DataRequired(), Length(min=10, max=2000)])

    def fill(self, application) -> None:
        """Show what the draft holds."""
        self.requested_tier.data = application.requested_tier
        self.shareholders.data = application.shareholders
        self.purpose.data = application.purpose

    def request_data(self) -> dict:
        """What the request step stores."""
        return {"partner_org_id": self.partner_org_id.data,
                "requested_tier": self.requested_tier.data,
                "shareholders": self.shareholders.data, "purpose": self.purpose.data.strip()}


class ListingForm(DecisionForm):
    """The listing committee lists the firm."""

    listing_code = StringField(_l("Listing code"), validators=[DataRequired(), Length(max=12)])
    tier = ChoiceField(_l("Tier"), choices=list(TIERS.items()), validators=[DataRequired()])
    listed_on = DateInputField(_l("Listed on"), validators=[DataRequired()],
                               not_after_today=True)

    def prefill(self, application) -> None:
        """The tier asked for, today."""
        self.tier.data = application.requested_tier
        self.listed_on.data = business_today()

    def engine_data(self) -> dict:
        """Code, tier, day."""
        return {"listing_code": self.listing_code.data, "tier": self.tier.data,
                "listed_on": self.listed_on.data}


class TierMoveForm(DecisionForm):
    """A move to another tier."""

    tier = ChoiceField(_l("New tier"), choices=list(TIERS.items()), validators=[DataRequired()])

    def engine_data(self) -> dict:
        """The tier."""
        return {"tier": self.tier.data}


class RewardRequestForm(DecisionForm):
    """The year whose financings the reward is asked for."""

    year = ChoiceField(_l("Year of the financings"), coerce=int, choices=[])

    def for_application(self, application) -> "RewardRequestForm":
        """This year and the two before."""
        today = business_today()
        self.year.choices = [(y, str(y)) for y in range(today.year, today.year - 3, -1)]
        return self

    def engine_data(self) -> dict:
        """The year."""
        return {"year": self.year.data}


class DelistingForm(DecisionForm):
    """A delisting proposed, with its reason."""

    reason = ChoiceField(_l("Reason"), choices=list(DELISTING_REASONS.items()),
                         validators=[DataRequired()])

    def engine_data(self) -> dict:
        """The reason."""
        return {"reason": self.reason.data}


class TransferForm(DecisionForm):
    """The firm moved to a higher market."""

    market = ChoiceField(_l("Market"), choices=list(MARKETS.items()), validators=[DataRequired()])

    def engine_data(self) -> dict:
        """The market."""
        return {"market": self.market.data}


class FinancingForm(BaseForm):
    """A financing raised on the board."""

    on = DateInputField(_l("Raised on"), validators=[DataRequired()], not_after_today=True)
    instrument = ChoiceField(_l("Instrument"), choices=list(INSTRUMENTS.items()),
                             validators=[DataRequired()])
    amount = YuanField(_l("Amount (yuan)"), validators=[DataRequired()])
    investors = CountField(_l("Investors"), validators=[DataRequired()], minimum=1,
                           maximum=100_000)
    holders_after = CountField(_l("Holders after it"), validators=[DataRequired()], minimum=1,
                               maximum=100_000)
    qualified = BooleanField(_l("Every investor is a qualified investor"))


class AnnualReportForm(BaseForm):
    """A year's annual report filed."""

    report = FileField(_l("Annual report (PDF, JPEG or PNG)"),
                       validators=[FileRequired(message=_l("Choose the report's file."))])


FORMS = {
    "board_request": BoardRequestForm,
    "listing": ListingForm,
    "tier_move": TierMoveForm,
    "reward_request": RewardRequestForm,
    "delisting": DelistingForm,
    "transfer": TransferForm,
}
