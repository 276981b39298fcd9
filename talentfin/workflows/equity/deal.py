"""After the committee: the publicity period (公示) in working days, the investment
agreement signed, the money paid in with the registration of the change, and the exit
(method, date, proceeds) with the multiple and the IRR of the dated cash flows."""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal

from pyxirr import xirr
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Attachment
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.workdays import add_working_days
from talentfin.workflows.context import FireContext
from talentfin.workflows.equity.labels import EXIT_METHODS
from talentfin.workflows.equity.labels import FUNDING_PAPERS
from talentfin.workflows.equity.models import CashFlow
from talentfin.workflows.equity.models import EquityApplication

MAX_RATE = 1e9  # an annual rate (as a fraction) worth showing


def start_publicity(ctx: FireContext) -> None:
    """Effect: the decision is public for the policy's working days from tomorrow."""
    days = int_parameter("equity_publicity_working_days", ctx.today)
    ctx.application.publicity_ends_on = add_working_days(ctx.today, days)


def publicity_over(ctx: FireContext) -> str | None:
    """The publicity period has ended (the scheduler closes it the next day)."""
    ends = ctx.application.publicity_ends_on
    if ends is None or ctx.today <= ends:
        return _("The publicity period runs until %(day)s.",
                 day=ends.isoformat() if ends else "-")
    return None


def _papers(application, kinds) -> list[str]:
    have = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == application.id, Attachment.kind.in_(kinds),
        Attachment.superseded_at.is_(None))))
    return [kind for kind in kinds if kind not in have]


def signing_valid(ctx: FireContext) -> str | None:
    """The signed agreement is uploaded and dated between the decision and today."""
    if _papers(ctx.application, ("investment_agreement",)):
        return _("Upload the signed investment agreement first.")
    signed = ctx.data.get("signed_on")
    if signed is None or signed > ctx.today:
        return _("Enter the day the agreement was signed (not after today).")
    if ctx.application.publicity_ends_on and signed <= ctx.application.publicity_ends_on:
        return _("The agreement is signed after the publicity period, which ended on "
                 "%(day)s.", day=ctx.application.publicity_ends_on.isoformat())
    return None


def record_signing(ctx: FireContext) -> None:
    """Effect: the day signed."""
    ctx.application.signed_on = ctx.data["signed_on"]


def funding_valid(ctx: FireContext) -> str | None:
    """The ticket paid in, on a day after signing, with its voucher and registration."""
    app = ctx.application
    missing = _papers(app, FUNDING_PAPERS)
    if missing:
        return _("Upload the funding voucher and the registration of the change first.")
    if ctx.data.get("amount_fen") != app.ticket_fen:
        return _("The amount paid in must be the investment decided, %(ticket)s yuan.",
                 ticket=format_fen(app.ticket_fen))
    funded = ctx.data.get("funded_on")
    if funded is None or funded > ctx.today or (app.signed_on and funded < app.signed_on):
        return _("Enter the day the money was paid in: not before the agreement was signed "
                 "(%(day)s), not after today.", day=app.signed_on.isoformat()
                 if app.signed_on else "-")
    return None


def record_funding(ctx: FireContext) -> None:
    """Effect: the investment's cash flow out, dated."""
    app = ctx.application
    app.funded_on = ctx.data["funded_on"]
    db.session.add(CashFlow(application_id=app.id, kind="investment", on=app.funded_on,
                            amount_fen=-app.ticket_fen, recorded_by_id=ctx.user.id))


def exit_valid(ctx: FireContext) -> str | None:
    """A method, a day after funding and not after today, and the proceeds (nothing only
    on a write-off)."""
    app = ctx.application
    method, on, proceeds = (ctx.data.get("method"), ctx.data.get("exited_on"),
                            ctx.data.get("proceeds_fen"))
    if method not in EXIT_METHODS:
        return _("Choose how the fund exits.")
    if on is None or on > ctx.today or (app.funded_on and on <= app.funded_on):
        return _("Enter the exit's day: after the investment (%(day)s), not after today.",
                 day=app.funded_on.isoformat() if app.funded_on else "-")
    if proceeds is None or proceeds < 0 or (proceeds == 0 and method != "write_off"):
        return _("Enter the proceeds of the exit (nothing only for a write-off).")
    return None


def record_exit_proposal(ctx: FireContext) -> None:
    """Effect: the exit as the manager proposes it."""
    app = ctx.application
    app.exit_method, app.exited_on = ctx.data["method"], ctx.data["exited_on"]
    app.exit_proceeds_fen = ctx.data["proceeds_fen"]
    app.exit_proposed_by_id = ctx.user.id


def not_own_exit(ctx: FireContext) -> str | None:
    """Who proposed the exit does not approve it."""
    if ctx.user is not None and ctx.user.id == ctx.application.exit_proposed_by_id:
        return _("You proposed this exit; another of the fund's approvers approves it.")
    return None


def record_exit(ctx: FireContext) -> None:
    """Effect: the exit's cash flow in, dated."""
    app = ctx.application
    db.session.add(CashFlow(application_id=app.id, kind="exit", on=app.exited_on,
                            amount_fen=app.exit_proceeds_fen, recorded_by_id=ctx.user.id))


def clear_exit_proposal(ctx: FireContext) -> None:
    """Effect: a returned exit proposal is gone."""
    app = ctx.application
    app.exit_method = app.exited_on = app.exit_proceeds_fen = app.exit_proposed_by_id = None


@dataclass(frozen=True)
class Returns:
    """What the investment returned: invested, proceeds, the multiple and the IRR."""

    invested_fen: int
    proceeds_fen: int
    multiple: Decimal | None  # proceeds / invested, two places
    irr: Decimal | None  # a year, as a fraction (0.1234 = 12.34 %), four places


def returns(application: EquityApplication, proceeds_fen: int | None = None,
            on=None) -> Returns | None:
    """The returns from the recorded cash flows, or as proposed (``proceeds_fen`` on
    ``on``) before the exit is approved; None before any money went in."""
    rows = db.session.scalars(select(CashFlow).where(
        CashFlow.application_id == application.id).order_by(CashFlow.on, CashFlow.id)).all()
    if not rows:
        return None
    flows = [(f.on, f.amount_fen) for f in rows]
    # The exit recorded, even a write-off's nothing: its returns are final.
    exited = any(f.kind == "exit" for f in rows)
    if proceeds_fen is not None and on is not None and not exited:
        flows.append((on, proceeds_fen))
    invested = -sum(amount for _, amount in flows if amount < 0)
    proceeds = sum(amount for _, amount in flows if amount > 0)
    multiple = (Decimal(proceeds) / Decimal(invested)).quantize(
        Decimal("0.01"), ROUND_HALF_UP) if invested else None
    rate = None
    if proceeds_fen is not None or exited:
        if proceeds == 0:
            rate = Decimal(-1)
        else:
            found = xirr([d for d, _ in flows], [a for _, a in flows])
            # A rate that does not exist or is beyond any meaning (a fortune a day after
            # the investment) is not shown as a number.
            rate = Decimal(str(found)).quantize(Decimal("0.0001"), ROUND_HALF_UP) \
                if found is not None and math.isfinite(found) and abs(found) < MAX_RATE \
                else None
    return Returns(invested, proceeds, multiple, rate)
