"""The programme dashboard: every product's files by state, funnel, stage times, service
levels missed and approvals per month, the files behind each number, CSV/XLSX exports.

For the administrator and the auditors (``programme.read``); everyone else gets 404, as
on the pool's pages. Everything here reads; nothing writes.
"""

import re
from datetime import date

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required

from talentfin import charts
from talentfin import navigation
from talentfin import policy
from talentfin.clock import business_today
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.policy import PROGRAMME
from talentfin.services import programme_drill
from talentfin.services import programme_figures as figures
from talentfin.services import programme_timing as timing
from talentfin.text import whole_number
from talentfin.views import programme_exports
from talentfin.views.access import require_or_404
from talentfin.views.pool import MONTH
from talentfin.views.pool import send_table
from talentfin.views.pool import svg_response
from talentfin.views.pool_charts import pct
from talentfin.views.pool_charts import whole_yuan
from talentfin.workflows.registry import product_for

bp = Blueprint("programme", __name__, url_prefix="/programme")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
navigation.add(navigation.Entry("programme.index", _l("Programme overview"),
                                navigation.permission("programme.read"), 59))


@bp.before_request
@login_required
def _programme_readers_only():
    require_or_404("read", PROGRAMME)


def _date_arg(name: str) -> tuple[date | None, str | None]:
    """A date from the query string (YYYY-MM-DD, in this millennium or the next), or the
    reason it is not used."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None, None
    if not DATE.match(raw):
        return None, _("Enter a date as YYYY-MM-DD.")
    try:
        found = date.fromisoformat(raw)
    except ValueError:  # the right form, but no such day (2026-02-30, 2026-13-01)
        return None, _("There is no such day in the calendar.")
    if not 2000 <= found.year <= 2999:
        return None, _("Enter a date between the years 2000 and 2999.")
    return found, None


def read_period() -> tuple[figures.Period, dict]:
    """The period asked for, and the message under each field whose date is not used.

    A reversed range applies neither end: half of it would show figures the reader did not
    ask for under a period they did not mean.
    """
    start, start_error = _date_arg("from")
    end, end_error = _date_arg("to")
    if start and end and end < start:
        start, end = None, None
        start_error = end_error = _("The end comes before the start.")
    return figures.Period(start, end), {"from": start_error, "to": end_error}


def org_names(breaches) -> dict[int, str]:
    """The names of the organisations holding the breaches, in the reader's language."""
    locale = str(get_locale() or "zh")
    return {key: org.display_name(locale) for key, org in timing.organisations(breaches).items()}


@bp.get("/")
def index():
    """Every product's figures for the applications submitted in the period."""
    period, errors = read_period()
    today = business_today()
    found = timing.breaches(period, today)
    return render_template(
        "programme/index.html", period=period, errors=errors,
        products=figures.programme_products(), states=figures.state_counts(period),
        funnels=figures.funnels(period), steps=figures.Funnel.steps(),
        stages=timing.stage_times(period, today), breaches=found,
        org_names=org_names(found),
        months=list(reversed(figures.amounts_by_month(period))), pct=pct,
        query=_period_args(period))


def _period_args(period: figures.Period) -> dict:
    """The period as query arguments (for the links and exports)."""
    args = {}
    if period.start:
        args["from"] = period.start.isoformat()
    if period.end:
        args["to"] = period.end.isoformat()
    return args


def read_drill() -> programme_drill.Drill:
    """The number asked for; a malformed one answers 404 (no such number)."""
    args = request.args
    figure, product = args.get("figure", ""), args.get("product", "")
    if figure not in programme_drill.FIGURES or product not in figures.product_keys():
        abort(404)
    state, month = args.get("state", ""), args.get("month", "")
    if figure in ("state", "stage", "over") and \
            product_for(product).workflow.state(state) is None:
        abort(404)
    if figure == "month" and not MONTH.match(month):
        abort(404)
    org = whole_number(args.get("org")) if args.get("org") else None
    if args.get("org") and org is None:
        abort(404)
    return programme_drill.Drill(figure, product, state, org, month)


@bp.get("/applications")
def applications():
    """The applications behind one number of the dashboard, paged."""
    drill = read_drill()
    period, errors = read_period()
    size = int(current_app.config.get("POOL_PAGE_SIZE", 50))
    result = programme_drill.drill_page(drill, period, business_today(),
                                        whole_number(request.args.get("page"), 100_000) or 1,
                                        size)
    return render_template(
        "programme/applications.html", drill=drill, result=result, period=period,
        org_name=_org_name(drill),
        may_open=lambda application: policy.allowed(current_user, "view", application),
        query=_period_args(period), errors=errors)


def _org_name(drill: programme_drill.Drill) -> str:
    if drill.figure != "breach" or drill.org is None:
        return ""
    return org_names([timing.Breach(drill.org, drill.product, ())]).get(drill.org, "")


@bp.get("/export/<dataset>.<fmt>")
def export(dataset: str, fmt: str):
    """One table of the dashboard as CSV or XLSX (the period applies)."""
    period, _errors = read_period()
    made = programme_exports.DATASETS.get(dataset)
    if made is None:
        abort(404)
    title, headers, rows = made(period, business_today())
    return send_table(fmt, f"talentfin-programme-{dataset}-{business_today():%Y%m%d}", title,
                      headers, rows)


CHART_MONTHS = 12


@bp.get("/charts/months.svg")
def months_chart():
    """Columns: the amounts approved per month of each product (the last 12 months with
    approvals of the period's files), as an SVG shown with <img>."""
    period, _errors = read_period()
    months = figures.amounts_by_month(period)[-CHART_MONTHS:]
    series = [(str(p.label), [m.products[p.key][1] for m in months])
              for p in figures.programme_products()]
    return svg_response(charts.grouped_columns(
        _("Amounts approved per month (yuan)"), [m.month for m in months], series,
        whole_yuan, empty=_("No approvals in this period.")))
