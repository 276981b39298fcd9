"""The pool's derived figures, read-only: each figure is one SQL aggregate over ledger or loans.

Nothing here is typed in or stored: balances come from the ledger lines, exposure, leverage
and NPL ratios from the covered loans, thresholds from the policy table in force on a date.
A policy key missing from the table yields ``None`` (shown as "—"), never a guessed number.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models.policy import parameter
from talentfin.pool.cover import exposures
from talentfin.pool.cover import partner_kinds
from talentfin.pool.ledger import CASH
from talentfin.pool.models import Claim
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine

# Claim states after which nothing more happens to a claim (the rest are "in progress").
FINAL_CLAIM_STATES = ("paid", "rejected", "returned", "clawed_back")

# Ledger accounts of money leaving or returning to the pool (see services.ledger).
PAID = "compensation_paid"
RECOVERED = "compensation_recovered"
CLAWED_BACK = "compensation_clawed_back"
SUBSIDY_PAID = "interest_subsidy_paid"
PREMIUM_SUBSIDY_PAID = "premium_subsidy_paid"
FLOW_ACCOUNTS = (PAID, RECOVERED, CLAWED_BACK, SUBSIDY_PAID, PREMIUM_SUBSIDY_PAID)

BP = Decimal(10000)


def policy_value(key: str, on: date | None = None) -> Decimal | None:
    """A policy number in force on a date, or None when the table has no such key yet."""
    try:
        return parameter(key, on)
    except LookupError:
        return None


def ratio_bp(part: int, whole: int) -> int | None:
    """``part / whole`` in whole basis points, rounded half up; None when ``whole`` is zero.

    Exact integer arithmetic, rounded once: a percentage with two decimals is a whole number
    of basis points, so every page, chart and statement shows this very number ("61.30%").
    """
    if not whole:
        return None
    quotient, remainder = divmod(part * 10_000, whole)
    return quotient + (1 if 2 * remainder >= whole else 0)


@dataclass(frozen=True)
class FunderBalance:
    """A funder's cash in the pool."""

    id: int
    code: str
    name: str
    name_en: str
    share_bp: int
    balance_fen: int


def funder_balances(as_of: date | None = None) -> list[FunderBalance]:
    """Each funder's pool cash (lines effective on or before ``as_of``, all when None)."""
    sums = select(LedgerLine.funder_id, func.sum(LedgerLine.amount_fen).label("total")).where(
        LedgerLine.account == CASH)
    if as_of is not None:
        sums = sums.join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id).where(
            LedgerEntry.effective_on <= as_of)
    sums = sums.group_by(LedgerLine.funder_id).subquery()
    rows = db.session.execute(
        select(Funder.id, Funder.code, Funder.name, Funder.name_en, Funder.share_bp,
               func.coalesce(sums.c.total, 0))
        .outerjoin(sums, sums.c.funder_id == Funder.id).order_by(Funder.id)
    ).all()
    return [FunderBalance(*row[:5], int(row[5])) for row in rows]


@dataclass(frozen=True)
class CoveredBook:
    """Covered loans together, with the exposure and leverage they make."""

    loans: int
    outstanding_fen: int
    pool_balance_fen: int
    compensation_ratio_bp: Decimal | None
    leverage_limit: Decimal | None

    @property
    def committed_fen(self) -> int | None:
        """Committed exposure: covered outstanding times the compensation ratio."""
        if self.compensation_ratio_bp is None:
            return None
        exact = Decimal(self.outstanding_fen) * self.compensation_ratio_bp / BP
        return int(exact.quantize(Decimal(1), ROUND_HALF_UP))

    @property
    def leverage(self) -> Decimal | None:
        """Covered outstanding over the pool balance (times), two decimals."""
        if self.pool_balance_fen <= 0:
            return None
        exact = Decimal(self.outstanding_fen) / Decimal(self.pool_balance_fen)
        return exact.quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def over_limit(self) -> bool | None:
        """Whether leverage exceeds its limit (None when either is unknown)."""
        if self.leverage_limit is None:
            return None
        if self.pool_balance_fen <= 0:
            return self.outstanding_fen > 0
        return self.outstanding_fen > self.pool_balance_fen * self.leverage_limit

    @property
    def headroom_fen(self) -> int | None:
        """How much more covered principal the limit allows (negative when over it)."""
        if self.leverage_limit is None:
            return None
        return int(self.pool_balance_fen * self.leverage_limit) - self.outstanding_fen


def covered_book(pool_balance_fen: int, on: date | None = None) -> CoveredBook:
    """Count and outstanding of the covered loans, with the ratio and limit in force."""
    ex = exposures()
    loans, outstanding = db.session.execute(
        select(func.count(ex.c.id), func.coalesce(func.sum(ex.c.outstanding_fen), 0))
        .where(ex.c.covered)
    ).one()
    return CoveredBook(int(loans), int(outstanding), pool_balance_fen,
                       policy_value("compensation_ratio_bp", on),
                       policy_value("leverage_limit", on))


@dataclass(frozen=True)
class BankNpl:
    """A bank's covered book and its NPL ratio against the thresholds."""

    id: int
    name: str
    name_en: str
    standing: str
    loans: int
    covered_fen: int
    npl_loans: int
    npl_fen: int
    suspension_bp: Decimal | None
    suspension_balance_fen: Decimal | None
    band_bp: Decimal | None

    @property
    def ratio_bp(self) -> int | None:
        """NPL outstanding over covered outstanding, in whole basis points (None: no balance)."""
        return ratio_bp(self.npl_fen, self.covered_fen)

    def ratio_exceeds(self, threshold_bp: Decimal | int | None) -> bool | None:
        """Whether the exact NPL ratio (not the rounded one shown) is above a threshold."""
        if threshold_bp is None:
            return None
        return self.npl_fen * BP > Decimal(threshold_bp) * self.covered_fen

    @property
    def above_suspension(self) -> bool | None:
        """NPL ratio above the suspension threshold while the covered balance is above its size."""
        if self.suspension_bp is None or self.suspension_balance_fen is None:
            return None
        return bool(self.ratio_exceeds(self.suspension_bp)
                    and self.covered_fen > self.suspension_balance_fen)

    @property
    def above_band(self) -> bool | None:
        """NPL ratio above the compensation band, on a book large enough for the band to
        apply (``compensation.calculate``: the suspension rule's balance threshold); losses
        beyond it are not compensated."""
        if self.suspension_balance_fen is None:
            return None
        return bool(self.ratio_exceeds(self.band_bp)
                    and self.covered_fen > self.suspension_balance_fen)

    def display_name(self, locale: str = "zh") -> str:
        """Name in the reader's language."""
        return self.name_en if locale == "en" and self.name_en else self.name


def bank_npl(on: date | None = None) -> list[BankNpl]:
    """Every bank's covered balance and NPL balance, in one grouped query."""
    ex = exposures()
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_en, Organisation.standing,
               func.count(ex.c.id),
               func.coalesce(func.sum(ex.c.outstanding_fen), 0),
               func.count(case((ex.c.npl, ex.c.id))),
               func.coalesce(func.sum(case((ex.c.npl, ex.c.outstanding_fen), else_=0)), 0))
        .outerjoin(ex, and_(ex.c.bank_id == Organisation.id, ex.c.covered))
        .where(Organisation.kind.in_(partner_kinds()))
        .group_by(Organisation.id, Organisation.name, Organisation.name_en, Organisation.standing)
        .order_by(Organisation.id)
    ).all()
    thresholds = (policy_value("suspension_npl_bp", on), policy_value("suspension_balance_fen", on),
                  policy_value("npl_band_bp", on))
    return [BankNpl(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), int(row[6]),
                    int(row[7]), *thresholds) for row in rows]


@dataclass(frozen=True)
class ClaimGroup:
    """Claims in progress in one status."""

    status: str
    claims: int
    principal_loss_fen: int


def claims_in_progress() -> list[ClaimGroup]:
    """Claims not yet in a final state, counted and summed per status."""
    rows = db.session.execute(
        select(Claim.status, func.count(Claim.id),
               func.coalesce(func.sum(Claim.principal_loss_fen), 0))
        .where(Claim.status.not_in(FINAL_CLAIM_STATES))
        .group_by(Claim.status).order_by(Claim.status)
    ).all()
    return [ClaimGroup(status, int(count), int(total)) for status, count, total in rows]


@dataclass(frozen=True)
class MonthFlows:
    """Money out of and back into the pool in one month (fen, positive numbers)."""

    month: str  # "2026-03"
    paid_fen: int
    recovered_fen: int
    clawed_back_fen: int
    subsidy_fen: int  # interest subsidies (loans)
    premium_subsidy_fen: int = 0  # premium subsidies (insurance)


def month_bounds(month: str) -> tuple[date, date]:
    """First day of a "YYYY-MM" month and first day of the next."""
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    return start, date(year + number // 12, number % 12 + 1, 1)


def monthly_flows(start: date | None = None, end: date | None = None) -> list[MonthFlows]:
    """Payouts, recoveries, clawbacks and subsidies per month of effective date, [start, end).

    Grouped by EXTRACT(year/month), which SQLAlchemy renders for SQLite (strftime) and
    PostgreSQL alike. Reversal entries count in the month they take effect, so a reversed
    payout nets out there, exactly as the ledger lines do.
    """
    year = extract("year", LedgerEntry.effective_on)
    month = extract("month", LedgerEntry.effective_on)
    amount = LedgerLine.amount_fen

    def total(account: str, sign: int):
        return func.coalesce(func.sum(case((LedgerLine.account == account, amount * sign),
                                           else_=0)), 0)

    query = (select(year, month, total(PAID, 1), total(RECOVERED, -1), total(CLAWED_BACK, -1),
                    total(SUBSIDY_PAID, 1), total(PREMIUM_SUBSIDY_PAID, 1))
             .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
             .where(LedgerLine.account.in_(FLOW_ACCOUNTS)).group_by(year, month)
             .order_by(year, month))
    if start is not None:
        query = query.where(LedgerEntry.effective_on >= start)
    if end is not None:
        query = query.where(LedgerEntry.effective_on < end)
    return [MonthFlows(f"{int(y):04d}-{int(m):02d}", int(paid), int(recovered), int(clawed),
                       int(subsidy), int(premium))
            for y, m, paid, recovered, clawed, subsidy, premium in db.session.execute(query)]


def funder_movements(start: date, end: date) -> dict[tuple[int, str], int]:
    """Pool cash movements in [start, end) per (funder id, entry kind), in fen."""
    rows = db.session.execute(
        select(LedgerLine.funder_id, LedgerEntry.kind, func.sum(LedgerLine.amount_fen))
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .where(LedgerLine.account == CASH, LedgerEntry.effective_on >= start,
               LedgerEntry.effective_on < end)
        .group_by(LedgerLine.funder_id, LedgerEntry.kind)
    ).all()
    return {(funder_id, kind): int(total) for funder_id, kind, total in rows}
