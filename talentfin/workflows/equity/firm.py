"""An investment's part of the firm's page: the fund's money put in and what its exit
brought back, as financings of the firm."""

from datetime import date

from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Enterprise
from talentfin.money import format_rate_bp
from talentfin.workflows.equity.labels import EXIT_METHODS
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import FirmHeadings
from talentfin.workflows.firm import FirmPart

# What the product adds to the firm's page's headings.
HEADINGS = FirmHeadings(50, facts={"financing": _l("Financings")})


def firm(_enterprise: Enterprise, investments: list[EquityApplication],
         _today: date) -> FirmPart:
    """The firm's 人才投 files the reader sees that reached the money."""
    part = FirmPart()
    for investment in investments:
        if investment.funded_on is not None:
            part.facts.append(Fact(investment, "financing", _l("Investment by the talent fund"),
                                   on=investment.funded_on, amount_fen=investment.ticket_fen,
                                   detail=_("the fund's stake after the round: %(stake)s",
                                            stake=format_rate_bp(investment.stake_bp))))
        if investment.exited_on is not None:
            part.facts.append(Fact(investment, "financing", _l("The fund's exit"),
                                   on=investment.exited_on,
                                   amount_fen=investment.exit_proceeds_fen,
                                   detail=EXIT_METHODS.get(investment.exit_method or "",
                                                           investment.exit_method or "")))
    return part
