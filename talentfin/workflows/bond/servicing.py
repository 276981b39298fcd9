"""An on-lent allocation after the money: repayments and arrears as the underwriter reports
them (the loan's own rules: ``talentfin.workflows.loan.servicing``), the spread of every
interest payment into the bond's risk reserve, and a default's loss absorbed in layers.

The layers (products.md section 3, the 2013 小微企业增信集合债 model [S25]), in order:
the bond's risk reserve (what the spreads brought in, less earlier draws), then the
government's share (the policy's part of the issue size, less earlier draws on this bond),
then the issuer's own funds (the rest). Each draw is a ledger entry on its own account;
the ledger is locked first, so two defaults of one bond at the same moment draw one after
the other and never the same reserve twice.
"""

from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models.base import sum_fen
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.pool.ledger import Line
from talentfin.pool.ledger import lock_ledger
from talentfin.pool.ledger import post_entry
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.workflows.bond.issue import missing_papers
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.context import FireContext
from talentfin.workflows.loan import servicing as loan_servicing
from talentfin.workflows.loan.models import Repayment

RESERVE = "bond_risk_reserve"  # the bond's risk reserve (fed by the spreads)
SPREAD = "bond_spread_income"  # where the reserve's money comes from
GOVERNMENT = "bond_government_share"  # the government's layer (a share of the issue size)
ISSUER = "bond_issuer_funds"  # the issuer's own funds, the last layer
LOSSES = "bond_default_losses"  # what the defaults cost

RESERVE_RECEIPT = "bond_reserve_receipt"
# The layers in the order they absorb a loss: (entry kind, account).
LAYERS = (("bond_reserve_draw", RESERVE), ("bond_government_draw", GOVERNMENT),
          ("bond_issuer_draw", ISSUER))


def spread_of(interest_fen: int, rate_bp: int | None, coupon_bp: int | None) -> int:
    """The part of an interest payment above the coupon, in whole fen (rounded down: the
    reserve never holds a fen the interest did not bring)."""
    if not interest_fen or not rate_bp or coupon_bp is None or rate_bp <= coupon_bp:
        return 0
    return interest_fen * (rate_bp - coupon_bp) // rate_bp


def repayment_plausible(ctx: FireContext) -> str | None:
    """Guard (after the loan's own checks): the due date within the loan's term, and the
    interest no more than what the principal owed could bear over the whole term at the
    on-lending rate (a typo of a few zeros would otherwise fill the bond's reserve)."""
    app, d = ctx.application, ctx.data
    last_day = app.disbursed_on + relativedelta(months=app.term_months or 0) \
        if app.disbursed_on else None
    if last_day is not None and d.get("due_on") and d["due_on"] > last_day:
        return _("The due date is after the loan's last day, %(day)s.",
                 day=last_day.isoformat())
    most = app.outstanding * (app.onlending_rate_bp or 0) * (app.term_months or 0) // 120_000
    if d.get("interest_fen", 0) > most:
        return _("Interest of %(interest)s yuan is more than the %(owed)s yuan owed can bear "
                 "over the loan's %(months)s months at %(rate)s (%(most)s yuan).",
                 interest=format_fen(d["interest_fen"]), owed=format_fen(app.outstanding),
                 months=app.term_months, rate=format_rate_bp(app.onlending_rate_bp),
                 most=format_fen(most))
    return None


def arrears_after_payout(ctx: FireContext) -> str | None:
    """Guard: arrears start after the day the money was paid out (nothing is due on it)."""
    since, paid_out = ctx.data.get("overdue_since"), ctx.application.disbursed_on
    if since is not None and paid_out is not None and since <= paid_out:
        return _("Arrears start after the day the money was paid out, %(day)s.",
                 day=paid_out.isoformat())
    return None


def default_reached(ctx: FireContext) -> str | None:
    """Guard: the loan's non-performing rule (90 days overdue, or graded substandard or
    worse), said with this loan's figures when it is not met."""
    if loan_servicing.npl_reached(ctx) is None:
        return None
    app = ctx.application
    days = int_parameter("npl_days_overdue", ctx.today)
    since = app.overdue_since or ctx.today
    return _("A default needs %(days)s days overdue or a grade of substandard or worse: this "
             "loan is %(overdue)s days overdue (since %(since)s). Choose the grade, or wait "
             "until %(day)s.", days=days, overdue=(ctx.today - since).days,
             since=since.isoformat(), day=(since + timedelta(days=days)).isoformat())


def record_repayment(ctx: FireContext) -> None:
    """Effect: the repayment as for a loan (the principal owed falls, arrears cured), and
    the interest's spread over the coupon posted to the bond's risk reserve."""
    loan_servicing.record_repayment(ctx)
    app = ctx.application
    spread = spread_of(ctx.data.get("interest_fen", 0), app.onlending_rate_bp,
                       app.bond.coupon_bp)
    if spread:
        post_entry(RESERVE_RECEIPT, [Line(RESERVE, spread), Line(SPREAD, -spread)],
                   effective_on=ctx.data["paid_on"], memo=f"{app.reference} spread",
                   maker=ctx.user, application_id=app.id)


def repaid_in_full(ctx: FireContext) -> str | None:
    """Guard: nothing owed (the loan's rule)."""
    return loan_servicing.fully_repaid(ctx)


def record_repaid(ctx: FireContext) -> None:
    """Effect: the day of the last repayment is the day repaid in full."""
    ctx.application.repaid_on = db.session.scalar(
        select(Repayment.paid_on).where(Repayment.application_id == ctx.application.id)
        .order_by(Repayment.paid_on.desc()).limit(1)) or ctx.today


def loss_owed(ctx: FireContext) -> str | None:
    """Guard: a default rests on the collection records and needs principal still owed."""
    if missing_papers(ctx.application, ("collection_records",)):
        return _("Upload the collection records first.")
    if ctx.application.outstanding <= 0:
        return _("Nothing is owed on this loan: there is no loss to absorb.")
    return None


def _balances(bond_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each bond's loss-layer accounts' balances (debits positive) over its allocations'
    entries, in one query."""
    rows = db.session.execute(
        select(BondAllocation.bond_id, LedgerLine.account, sum_fen(LedgerLine.amount_fen))
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .join(BondAllocation, BondAllocation.id == LedgerEntry.application_id)
        .where(BondAllocation.bond_id.in_(bond_ids),
               LedgerLine.account.in_((RESERVE, GOVERNMENT, ISSUER, LOSSES)))
        .group_by(BondAllocation.bond_id, LedgerLine.account)).all()
    balances: dict[int, dict[str, int]] = {bond_id: {} for bond_id in bond_ids}
    for bond_id, account, amount in rows:
        balances[bond_id][account] = amount
    return balances


@dataclass(frozen=True)
class Layers:
    """A bond's loss layers: the reserve held, the government's share and what is drawn of
    it, what the issuer and the defaults have borne."""

    reserve_fen: int
    government_share_fen: int
    government_drawn_fen: int
    issuer_drawn_fen: int
    losses_fen: int

    @property
    def government_left_fen(self) -> int:
        """What the government's share can still absorb."""
        return max(self.government_share_fen - self.government_drawn_fen, 0)


def layers(bond: BondIssue, on) -> Layers:
    """The bond's layers today, from its ledger lines and the policy in force ``on``."""
    return layers_of([bond], on)[bond.id]


def layers_of(bonds: list[BondIssue], on) -> dict[int, Layers]:
    """Several bonds' layers (an underwriter's book) in one query."""
    balances = _balances([bond.id for bond in bonds])
    share_bp = int_parameter("bond_government_share_bp", on)
    return {bond.id: Layers(
        reserve_fen=balances[bond.id].get(RESERVE, 0),
        government_share_fen=(bond.size_fen or 0) * share_bp // 10_000,
        government_drawn_fen=-balances[bond.id].get(GOVERNMENT, 0),
        issuer_drawn_fen=-balances[bond.id].get(ISSUER, 0),
        losses_fen=balances[bond.id].get(LOSSES, 0)) for bond in bonds}


def absorb_loss(ctx: FireContext) -> None:
    """Effect: the principal owed is the loss; the layers absorb it in order, each draw a
    ledger entry of its own (the ledger locked first: the balances read are final)."""
    app = ctx.application
    lock_ledger()
    loss = app.outstanding
    now = layers(app.bond, ctx.today)
    left = loss
    rooms = (now.reserve_fen, now.government_left_fen, None)  # the issuer bears the rest
    for (kind, account), room in zip(LAYERS, rooms, strict=True):
        draw = left if room is None else min(left, max(room, 0))
        if draw:
            post_entry(kind, [Line(LOSSES, draw), Line(account, -draw)],
                       effective_on=ctx.today, memo=f"{app.reference} default", maker=ctx.user,
                       application_id=app.id)
            left -= draw
    app.defaulted_on, app.loss_fen = ctx.today, loss


def draws_of(application: BondAllocation) -> dict[str, int]:
    """What each layer absorbed of this allocation's loss (by entry kind)."""
    rows = db.session.execute(
        select(LedgerEntry.kind, sum_fen(LedgerLine.amount_fen))
        .join(LedgerLine, LedgerLine.entry_id == LedgerEntry.id)
        .where(LedgerEntry.application_id == application.id, LedgerLine.account == LOSSES)
        .group_by(LedgerEntry.kind)).all()
    return {kind: amount for kind, amount in rows}


def spread_received(application: BondAllocation) -> int:
    """What this allocation's interest brought into the bond's reserve."""
    return db.session.scalar(
        select(sum_fen(LedgerLine.amount_fen))
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .where(LedgerEntry.application_id == application.id,
               LedgerEntry.kind == RESERVE_RECEIPT, LedgerLine.account == RESERVE)) or 0


def repayments_of(application: BondAllocation) -> list[Repayment]:
    """The repayments recorded, latest first."""
    return list(db.session.scalars(select(Repayment).where(
        Repayment.application_id == application.id)
        .order_by(Repayment.paid_on.desc(), Repayment.id.desc())))
