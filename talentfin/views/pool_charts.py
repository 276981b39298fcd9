"""The dashboard's charts and the small helpers its pages share (months, thresholds, percent).

Each chart reads only the figures it draws, through ``services.pool_figures``.
"""

from datetime import date
from decimal import Decimal

from flask_babel import get_locale

from talentfin import charts
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.money import format_rate_bp
from talentfin.pool import figures as pool_figures

MONTHS_SHOWN = 12
# The claim states in progress (same wording as the claim pages).
CLAIM_STATES = {"lodged": _l("lodged, with the pool administrator"),
                "committee": _l("before the committee")}


def pct(bp: Decimal | int | None) -> str:
    """Basis points as a percentage ("3.17%"), or "—" when unknown."""
    return "—" if bp is None else format_rate_bp(bp)


def times(value: Decimal | None) -> str:
    """A multiple ("4.25×"), or "—" when unknown."""
    return "—" if value is None else f"{value}×"


def whole_yuan(fen: int) -> str:
    """An amount in whole yuan for chart labels ("12,345")."""
    return f"{fen // 100:,}"


def last_months(today: date, count: int = MONTHS_SHOWN) -> list[pool_figures.MonthFlows]:
    """The flows of the last ``count`` months up to this one, months without money included."""
    year, month = today.year, today.month
    keys = []
    for _index in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    keys.reverse()
    start, _next = pool_figures.month_bounds(keys[0])
    _start, end = pool_figures.month_bounds(keys[-1])
    found = {f.month: f for f in pool_figures.monthly_flows(start, end)}
    return [found.get(key, pool_figures.MonthFlows(key, 0, 0, 0, 0)) for key in keys]


def thresholds(on: date) -> dict:
    """The NPL thresholds in force (None where the policy table has no value yet)."""
    return {"suspension_bp": pool_figures.policy_value("suspension_npl_bp", on),
            "suspension_balance_fen": pool_figures.policy_value("suspension_balance_fen", on),
            "band_bp": pool_figures.policy_value("npl_band_bp", on)}


def funders_chart(today: date) -> str:
    """Bars: each funder's cash in the pool."""
    locale = str(get_locale() or "zh")
    rows = [(f.name_en if locale == "en" and f.name_en else f.name, f.balance_fen)
            for f in pool_figures.funder_balances()]
    return charts.horizontal_bars(_("Balance per funder (yuan)"), rows, whole_yuan)


def exposure_chart(today: date) -> str:
    """Bars: pool balance, committed exposure, covered outstanding; marker at the leverage limit."""
    balance = sum(f.balance_fen for f in pool_figures.funder_balances())
    book = pool_figures.covered_book(balance, today)
    rows = [(_("Pool balance"), balance),
            (_("Committed exposure"), book.committed_fen or 0),
            (_("Covered outstanding"), book.outstanding_fen)]
    markers = []
    if book.leverage_limit is not None:
        markers.append((int(balance * book.leverage_limit),
                        _("Leverage limit %(limit)s", limit=times(book.leverage_limit))))
    colours = ("#198754", "#fd7e14", "#0d6efd")
    return charts.horizontal_bars(_("Exposure and leverage (yuan)"), rows, whole_yuan, markers,
                                  colours)


def npl_chart(today: date) -> str:
    """Bars: each bank's NPL ratio, markers at the suspension and band thresholds."""
    locale = str(get_locale() or "zh")
    banks = pool_figures.bank_npl(today)
    rows = [(b.display_name(locale), int((b.ratio_bp or 0) * 100)) for b in banks]
    limits = thresholds(today)
    markers = [(int(limits[key] * 100), label) for key, label in (
        ("suspension_bp", _("Suspension %(bp)s", bp=pct(limits["suspension_bp"]))),
        ("band_bp", _("Band %(bp)s", bp=pct(limits["band_bp"])))) if limits[key] is not None]
    return charts.horizontal_bars(_("NPL ratio per bank"), rows,
                                  lambda value: pct(Decimal(value) / 100), markers)


def flows_chart(today: date) -> str:
    """Columns: payouts and recoveries per month."""
    flows = last_months(today)
    return charts.grouped_columns(
        _("Payouts and recoveries per month (yuan)"), [f.month for f in flows],
        [(_("Payouts"), [f.paid_fen for f in flows]),
         (_("Recoveries"), [f.recovered_fen for f in flows])], whole_yuan)


def claims_chart(today: date) -> str:
    """Bars: claims in progress per status."""
    rows = [(str(CLAIM_STATES.get(c.status, c.status)), c.claims)
            for c in pool_figures.claims_in_progress()]
    return charts.horizontal_bars(_("Claims in progress"), rows, str)


CHARTS = {"funders": funders_chart, "exposure": exposure_chart, "npl": npl_chart,
          "flows": flows_chart, "claims": claims_chart}
