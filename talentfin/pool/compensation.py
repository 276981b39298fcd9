"""How much the pool pays on a claim: the ratio, then every cap of the rules, in fen.

The calculation is a pure function of figures read in one place (``gather``), so the
committee sees exactly which rule bound the amount, and property tests can drive it.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models.base import sum_fen
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.pool.cover import cover_for
from talentfin.pool.cover import exposures
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine

PAID_ACCOUNT = "compensation_paid"
# Why the bonus points apply (Anhui: a firm's first loan, or a pure credit loan).
FIRST_LOAN, PURE_CREDIT = "first_loan", "pure_credit"


@dataclass(frozen=True)
class Figures:
    """Everything the payout depends on, as of the decision date."""

    loss_fen: int
    other_compensation_fen: int
    bonus_reasons: tuple[str, ...]  # FIRST_LOAN and/or PURE_CREDIT: the bonus applies
    bank_covered_fen: int
    bank_npl_fen: int  # including this loss's loan
    bank_paid_this_year_fen: int
    ratio_bp: int
    bonus_bp: int
    ceiling_bp: int
    band_bp: int
    annual_cap_fen: int
    # A ratio means something only on a book of some size: the band applies to banks whose
    # covered balance exceeds the suspension rule's balance threshold (20,000,000 by default).
    band_min_balance_fen: int = 0
    # What a guarantee insurer of the programme paid on this loss: it reduces the pool's base
    # (products.md: "the insurer's share reduces the pool's base") and counts against the
    # ceiling with the other compensation.
    insured_fen: int = 0


@dataclass
class Payout:
    """The amount and the reasons that limited it."""

    ratio_bp: int
    payout_fen: int
    # What bound the amount, as (code, parameters); shown in the reader's language by
    # talentfin.labels.calculation_text (never stored as text in one person's language).
    limits: list[tuple[str, dict]] = field(default_factory=list)


def calculate(f: Figures) -> Payout:
    """Ratio of the compensable loss, within the public ceiling, the NPL band and the cap."""
    ratio = f.ratio_bp + (f.bonus_bp if f.bonus_reasons else 0)
    limits = [("ratio", {"ratio_bp": ratio, "base_bp": f.ratio_bp,
                         "bonus": list(f.bonus_reasons)})]
    base = max(0, f.loss_fen - f.insured_fen)
    if base < f.loss_fen:
        limits.append(("insured", {"insured_fen": f.insured_fen, "base_fen": base}))
    compensable = base
    if f.bank_covered_fen > f.band_min_balance_fen:
        band_limit = f.bank_covered_fen * f.band_bp // 10_000
        compensable = max(0, min(base, band_limit - (f.bank_npl_fen - f.loss_fen)))
    if compensable < base:
        limits.append(("band", {"compensable_fen": compensable}))
    payout = compensable * ratio // 10_000
    ceiling = max(0, f.loss_fen * f.ceiling_bp // 10_000 - f.other_compensation_fen
                  - f.insured_fen)
    if payout > ceiling:
        payout = ceiling
        limits.append(("ceiling", {"ceiling_bp": f.ceiling_bp}))
    room = max(0, f.annual_cap_fen - f.bank_paid_this_year_fen)
    if payout > room:
        payout = room
        limits.append(("annual_cap", {"room_fen": room}))
    return Payout(ratio, payout, limits)


def why_nothing_is_payable(f: Figures, payout: Payout) -> str:
    """The rule that brought a payout down to nothing, in the reader's language."""
    # Each cap is recorded only when it lowers the amount, so the last one recorded is the
    # one that brought it to nothing.
    bound, params = payout.limits[-1] if payout.limits else ("ratio", {})
    if bound == "annual_cap":
        return _("the bank's annual compensation cap of %(cap)s yuan is used up for this year "
                 "(%(paid)s yuan paid)", cap=format_fen(f.annual_cap_fen),
                 paid=format_fen(f.bank_paid_this_year_fen))
    if bound == "ceiling":
        return _("the %(other)s yuan already paid on this loss by insurance or other public "
                 "schemes reaches the ceiling of %(ceiling)s of the loss (%(limit)s yuan) for "
                 "all public compensation together",
                 other=format_fen(f.other_compensation_fen + f.insured_fen),
                 ceiling=format_rate_bp(f.ceiling_bp),
                 limit=format_fen(f.loss_fen * f.ceiling_bp // 10_000))
    if bound == "insured" and params["base_fen"] == 0:
        return _("the guarantee insurer paid the whole loss (%(paid)s yuan)",
                 paid=format_fen(f.insured_fen))
    if bound == "band" and params["compensable_fen"] == 0:
        return _("no part of the loss lies inside the bank's compensated NPL band of %(band)s "
                 "of its covered loans", band=format_rate_bp(f.band_bp))
    compensable = params.get("compensable_fen", f.loss_fen)
    return _("%(ratio)s of %(loss)s yuan is less than one fen",
             ratio=format_rate_bp(payout.ratio_bp), loss=format_fen(compensable))


def gather(application: Application, loss_fen: int, other_fen: int, on: date,
           insured_fen: int = 0) -> Figures:
    """Read the figures for a claim on ``application`` as of ``on`` (``insured_fen``: what a
    guarantee insurer of the programme paid on the loss)."""
    cover = cover_for(application.product)
    ex = exposures()
    bank = select(sum_fen(ex.c.outstanding_fen)).where(ex.c.bank_id == application.partner_org_id)
    covered = db.session.scalar(bank.where(ex.c.covered))
    npl = db.session.scalar(bank.where(ex.c.npl))
    if application.status not in cover.npl_states:
        npl += loss_fen
    # The firm's first loan is the one disbursed first (the older application on a tie).
    started = db.session.scalar(select(ex.c.started_on).where(ex.c.id == application.id))
    started = started or on
    earlier = db.session.scalar(select(func.count()).select_from(ex).where(
        ex.c.enterprise_id == application.enterprise_id, ex.c.started_on.is_not(None),
        (ex.c.started_on < started) | ((ex.c.started_on == started) & (ex.c.id < application.id))))
    reasons = tuple(reason for reason, applies in (
        (FIRST_LOAN, earlier == 0), (PURE_CREDIT, cover.pure_credit(application))) if applies)
    return Figures(
        loss_fen=loss_fen, other_compensation_fen=other_fen, bonus_reasons=reasons,
        bank_covered_fen=covered, bank_npl_fen=npl,
        bank_paid_this_year_fen=paid_to_bank_in_year(application.partner_org_id, on.year),
        ratio_bp=int_parameter("compensation_ratio_bp", on),
        bonus_bp=int_parameter("first_loan_bonus_bp", on),
        ceiling_bp=int_parameter("public_ceiling_bp", on),
        band_bp=int_parameter("npl_band_bp", on),
        annual_cap_fen=int_parameter("bank_annual_cap_fen", on),
        band_min_balance_fen=int_parameter("suspension_balance_fen", on),
        insured_fen=insured_fen,
    )


def paid_to_bank_in_year(bank_id: int, year: int) -> int:
    """Net compensation the pool paid a bank in a calendar year (reversals subtract)."""
    return db.session.scalar(
        select(sum_fen(LedgerLine.amount_fen))
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .where(LedgerLine.account == PAID_ACCOUNT, LedgerLine.org_id == bank_id,
               LedgerEntry.effective_on >= date(year, 1, 1),
               LedgerEntry.effective_on <= date(year, 12, 31))
    )
