"""Policy parameters in force on a date, read from the versioned policy table.

The defaults below are what the first migration and ``seed-policy`` write into the table;
decisions read the table, never this dict.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal

from sqlalchemy import bindparam
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import PolicyParameter

PROGRAMME_START = date(2020, 1, 1)

# key: (value, source of the default)
DEFAULTS: dict[str, tuple[str, str]] = {
    "tier_limit_A_fen": ("1000000000", "domain reference: tier A 10,000,000 yuan"),
    "tier_limit_B_fen": ("500000000", "domain reference: tier B 5,000,000 yuan"),
    "tier_limit_C_fen": ("300000000", "domain reference: tier C 3,000,000 yuan"),
    "tier_limit_D_fen": ("100000000", "domain reference: tier D 1,000,000 yuan"),
    "cap_per_talent_fen": ("1000000000", "Jinan: 10,000,000 per talent across banks"),
    "cap_per_firm_fen": ("5000000000", "Jinan: 50,000,000 per firm"),
    "lpr_1y_bp": ("300", "1-year LPR 3.00%"),
    "rate_cap_spread_bp": ("80", "Zhejiang: LPR + 80 bp"),
    "term_min_months": ("12", "term 1-3 years"),
    "term_max_months": ("36", "term 1-3 years"),
    "firm_max_age_years": ("5", "firm age <= 5 years, tier A exempt"),
    "founder_min_equity_bp": ("3000", "founder holds >= 30%"),
    "dishonesty_lookback_years": ("3", "no serious dishonesty record in 3 years"),
    "filing_window_days": ("90", "Shandong: file within 3 months"),
    "info_request_expiry_working_days": ("10", "common route"),
    "compensation_ratio_bp": ("7000", "Jinan: the pool compensates 70 % of the principal loss"),
    "first_loan_bonus_bp": ("500", "Anhui: +5 points for a first loan or a pure credit loan"),
    "public_ceiling_bp": ("8000", "Anhui: all public compensation at most 80 % of a loss"),
    "leverage_limit": ("10", "covered outstanding at most 10x the pool balance"),
    "bank_annual_cap_fen": ("1000000000", "per-bank annual compensation cap 10,000,000"),
    "suspension_npl_bp": ("300", "suspend a bank above 3 % covered NPL ..."),
    "suspension_balance_fen": ("2000000000", "... while its covered balance exceeds 20,000,000"),
    "npl_band_bp": ("500", "losses beyond a 5 % NPL band are not compensated"),
    "npl_days_overdue": ("90", "overdue 90 days or more is non-performing"),
    "claim_admin_working_days": ("5", "pool administrator reviews a claim within 5 working days"),
    "claim_committee_working_days": ("25", "the committee decides within 25 working days"),
    "interest_subsidy_bp": ("5000", "interest subsidy: 50 % of interest paid on time"),
    "interest_subsidy_cap_fen": ("50000000", "at most 500,000 per firm per year"),
}


_firing_cache: ContextVar[dict | None] = ContextVar("policy_cache", default=None)


@contextmanager
def cached() -> Iterator[None]:
    """Within the block, read the whole policy table once per date (one firing's guards)."""
    token = _firing_cache.set({}) if _firing_cache.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _firing_cache.reset(token)


# Built once: constructing a statement costs more than running this one.
_IN_FORCE_ON = (
    select(PolicyParameter.key, PolicyParameter.value)
    .where(PolicyParameter.status == "in_force",
           PolicyParameter.effective_from <= bindparam("on"))
    .order_by(PolicyParameter.key, PolicyParameter.effective_from, PolicyParameter.id)
)


def _in_force_on(on: date) -> dict[str, str]:
    rows = db.session.execute(_IN_FORCE_ON, {"on": on}).all()
    return {key: value for key, value in rows}  # the latest row of each key wins


def parameter(key: str, on: date | None = None) -> Decimal:
    """The value of a policy parameter in force on a date (today by default)."""
    on = on or business_today()
    cache = _firing_cache.get()
    if cache is not None:
        if on not in cache:
            cache[on] = _in_force_on(on)
        value = cache[on].get(key)
    else:
        value = db.session.scalar(
            select(PolicyParameter.value)
            .where(
                PolicyParameter.key == key,
                PolicyParameter.status == "in_force",
                PolicyParameter.effective_from <= on,
            )
            .order_by(PolicyParameter.effective_from.desc(), PolicyParameter.id.desc())
            .limit(1)
        )
    if value is None:
        raise LookupError(f"policy parameter {key!r} has no value in force on {on}")
    return Decimal(value)


def int_parameter(key: str, on: date | None = None) -> int:
    """An integer policy parameter (fen, basis points, days)."""
    return int(parameter(key, on))


def tier_limit_fen(tier: str, on: date | None = None) -> int:
    """The loan limit of a talent tier, in fen."""
    return int_parameter(f"tier_limit_{tier}_fen", on)


def rate_cap_bp(on: date | None = None) -> int:
    """The highest annual rate a bank may charge: 1-year LPR plus the allowed spread."""
    return int_parameter("lpr_1y_bp", on) + int_parameter("rate_cap_spread_bp", on)


def seed_defaults() -> int:
    """Write any default parameter missing from the table; returns how many were added."""
    present = set(db.session.scalars(select(PolicyParameter.key).distinct()))
    added = 0
    for key, (value, source) in DEFAULTS.items():
        if key in present:
            continue
        db.session.add(
            PolicyParameter(key=key, value=value, effective_from=PROGRAMME_START, source=source)
        )
        added += 1
    db.session.commit()
    return added
