"""The valuation the investment manager files: the pre-money valuation and the ticket, which
give the fund's stake after the round; the ticket within the talent tier's limit, the stake
at most the cap and never the largest holder's (against the founder's cap table)."""

from dataclasses import dataclass
from datetime import date

from talentfin.i18n import _
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.workflows.context import FireContext
from talentfin.workflows.equity.keys import ticket_key
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.request import FULL


def stake_bp(pre_money_fen: int, ticket_fen: int) -> int:
    """The fund's stake after the round, in basis points (half up)."""
    post = pre_money_fen + ticket_fen
    return (ticket_fen * FULL * 2 + post) // (post * 2)


@dataclass(frozen=True)
class Holder:
    """A holder's stake after the round."""

    name: str
    stake_bp: int
    fund: bool = False  # the fund's own row (named after the fund)


def cap_table_after(application: EquityApplication, pre_money_fen: int,
                    ticket_fen: int) -> list[Holder]:
    """The cap table after the round: every holder diluted, the fund added."""
    post = pre_money_fen + ticket_fen
    rows = [Holder(row["name"], (row["stake_bp"] * pre_money_fen * 2 + post) // (post * 2))
            for row in application.cap_table or []]
    fund = Holder(application.partner.name if application.partner else "",
                  stake_bp(pre_money_fen, ticket_fen), fund=True)
    return sorted([*rows, fund], key=lambda h: -h.stake_bp)


def valuation_problems(application: EquityApplication, pre_money_fen: int | None,
                       ticket_fen: int | None, on: date) -> list[str]:
    """Every rule the valuation breaks, with its figures."""
    if not pre_money_fen or pre_money_fen <= 0 or not ticket_fen or ticket_fen <= 0:
        return [_("Enter the pre-money valuation and the investment.")]
    problems = []
    limit = int_parameter(ticket_key(application.talent_tier), on)
    if ticket_fen > limit:
        problems.append(_("The investment of %(ticket)s yuan is over the limit of %(limit)s "
                          "yuan for a tier %(tier)s talent.", ticket=format_fen(ticket_fen),
                          limit=format_fen(limit), tier=application.talent_tier or "-"))
    post = pre_money_fen + ticket_fen
    cap = int_parameter("equity_stake_cap_bp", on)
    if ticket_fen * FULL > cap * post:
        # Rounded up: a stake a fen over the cap must not read as the cap itself.
        over = -(-ticket_fen * FULL // post)
        problems.append(_("The fund would hold %(stake)s after the round; it holds at most "
                          "%(cap)s.", stake=format_rate_bp(over), cap=format_rate_bp(cap)))
    largest = max((row for row in application.cap_table or []), key=lambda r: r["stake_bp"],
                  default=None)
    # The largest holder keeps stake × pre-money / post-money; the fund has ticket / post.
    if largest is not None and ticket_fen * FULL >= largest["stake_bp"] * pre_money_fen:
        kept = (largest["stake_bp"] * pre_money_fen * 2 + post) // (post * 2)
        problems.append(_("The fund's %(stake)s would not be below %(holder)s's %(kept)s: the "
                          "fund is never the largest holder.",
                          stake=format_rate_bp(stake_bp(pre_money_fen, ticket_fen)),
                          holder=largest["name"], kept=format_rate_bp(kept)))
    return problems


def valuation_valid(ctx: FireContext) -> str | None:
    """Guard: the valuation keeps the fund's rules."""
    problems = valuation_problems(ctx.application, ctx.data.get("pre_money_fen"),
                                  ctx.data.get("ticket_fen"), ctx.today)
    return " ".join(problems) if problems else None


def record_valuation(ctx: FireContext) -> None:
    """Effect: the valuation, the ticket and the stake, and who filed them."""
    app = ctx.application
    app.pre_money_fen, app.ticket_fen = ctx.data["pre_money_fen"], ctx.data["ticket_fen"]
    app.stake_bp = stake_bp(app.pre_money_fen, app.ticket_fen)
    app.valued_by_id = ctx.user.id if ctx.user else None
