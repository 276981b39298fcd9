"""The pool dashboard: figures, charts, drill-down to loans and ledger lines, exports, statements.

For the pool administrator, the committee and the auditor only; everyone else gets 404
(the pages' existence is not disclosed). Everything here reads; nothing writes.
"""

import re

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask import send_file
from flask import stream_with_context
from flask_babel import get_locale
from flask_login import login_required

from talentfin import navigation
from talentfin import storage
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Organisation
from talentfin.policy import POOL
from talentfin.pool import exports as pool_exports
from talentfin.pool import figures as pool_figures
from talentfin.pool import records as pool_records
from talentfin.pool.cover import covered_products
from talentfin.pool.cover import covered_states
from talentfin.pool.labels import ACCOUNTS
from talentfin.pool.labels import ENTRY_KINDS as KINDS
from talentfin.pool.labels import STANDINGS
from talentfin.pool.models import ENTRY_KINDS
from talentfin.pool.models import PoolStatement
from talentfin.storage import DOSSIERS
from talentfin.text import whole_number
from talentfin.views import pool_charts
from talentfin.views.access import require_or_404
from talentfin.workflows.labels import state_label

bp = Blueprint("pool", __name__, url_prefix="/pool")
navigation.add(navigation.Entry("pool.dashboard", _l("Pool"), navigation.permission("pool.read"),
                                60))

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CODE = re.compile(r"^[a-z_]{1,40}$")
# Entries whose memo the code writes itself (in English, for the audit trail): the page
# describes them from their references instead. Other memos were typed by a person.
GENERATED_MEMO_KINDS = ("compensation_payout", "recovery_receipt", "interest_subsidy_payout",
                        "premium_subsidy_payout", "financing_reward", "bond_reserve_receipt",
                        "bond_reserve_draw", "bond_government_draw", "bond_issuer_draw")


def funder_name(funder) -> str:
    """A funder's name in the reader's language (the Chinese name when no English one)."""
    if funder is None:
        return ""
    return funder.name_en if str(get_locale()) == "en" and funder.name_en else funder.name


def _entry_funder(entry, names: dict) -> str:
    funder_ids = [line.funder_id for line in entry.lines if line.funder_id]
    return funder_name(names["funders"].get(funder_ids[0])) if funder_ids else ""


def entry_description(entry, names: dict) -> str:
    """What a ledger entry is, in the reader's language, from its type and references.

    The stored memo stays as written (it is hashed into the chain); the page shows this.
    """
    reference = names["references"].get(entry.application_id, "")
    claim = names["claims"].get(entry.id)
    kind = entry.kind
    if kind == "contribution":
        funder = _entry_funder(entry, names)
        return _("Contribution by %(funder)s", funder=funder) if funder else _("Contribution")
    if kind == "reversal" and entry.reverses_id:
        seq = names["reversed_seqs"].get(entry.reverses_id, entry.reverses_id)
        return _("Reversal of entry #%(seq)s", seq=seq)
    if not reference:
        return str(KINDS.get(kind, kind))
    if kind == "compensation_payout":
        if claim:
            return _("Compensation for claim #%(claim)s on loan %(reference)s",
                     claim=claim, reference=reference)
        return _("Compensation payout on loan %(reference)s", reference=reference)
    if kind == "recovery_receipt":
        if claim:
            return _("Recovery on claim #%(claim)s (loan %(reference)s), returned to the "
                     "funders pro rata", claim=claim, reference=reference)
        return _("Recovery on loan %(reference)s, returned to the funders pro rata",
                 reference=reference)
    if kind == "interest_subsidy_payout":
        year = names["years"].get(entry.id)
        if year:
            return _("Interest subsidy for %(year)s on loan %(reference)s", year=year,
                     reference=reference)
        return _("Interest subsidy on loan %(reference)s", reference=reference)
    if kind == "premium_subsidy_payout":
        return _("Premium subsidy on %(reference)s", reference=reference)
    if kind == "financing_reward":
        return _("Financing reward on listing %(reference)s", reference=reference)
    if kind == "bond_reserve_receipt":
        return _("Spread of allocation %(reference)s's interest into its bond's risk reserve",
                 reference=reference)
    if kind in ("bond_reserve_draw", "bond_government_draw", "bond_issuer_draw"):
        return _("%(kind)s, allocation %(reference)s", kind=KINDS[kind], reference=reference)
    if kind == "clawback":
        return _("Compensation on loan %(reference)s clawed back", reference=reference)
    return _("%(kind)s, loan %(reference)s", kind=KINDS.get(kind, kind), reference=reference)


def covered_state_label(status: str) -> str:
    """The name of a covered state (as the first covered product that has it calls it)."""
    for key, cover in covered_products():
        if status in cover.covered_states:
            return state_label(key, status)
    return status


def entry_note(entry) -> str:
    """The memo a person typed (a reversal's reason, a clawback's comment), as typed."""
    return "" if entry.kind in GENERATED_MEMO_KINDS else (entry.memo or "")


@bp.before_request
@login_required
def _pool_readers_only():
    require_or_404("read", POOL)


@bp.context_processor
def _labels():
    def label(table: dict, key: str | None) -> str:
        return str(table.get(key, key or ""))

    return {"kind_label": lambda key: label(KINDS, key), "funder_name": funder_name,
            "entry_description": entry_description, "entry_note": entry_note,
            "account_label": lambda key: label(ACCOUNTS, key),
            "standing_label": lambda key: label(STANDINGS, key), "pct": pool_charts.pct,
            "times": pool_charts.times, "state_label": state_label,
            "covered_state_label": covered_state_label}


def _page_size() -> int:
    return int(current_app.config.get("POOL_PAGE_SIZE", 50))


def _page() -> int:
    return whole_number(request.args.get("page"), 100_000) or 1


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = whole_number(raw)
    if value is None:
        abort(404)  # no row has such an id
    return value


def _code_arg(name: str, allowed=None) -> str:
    raw = request.args.get(name, "").strip()
    if raw and (not CODE.match(raw) or (allowed is not None and raw not in allowed)):
        abort(400)
    return raw


def ledger_filter() -> pool_records.LedgerFilter:
    """The ledger filter from the query string; a malformed value answers 400."""
    month = request.args.get("month", "").strip()
    if month and not MONTH.match(month):
        abort(400)
    return pool_records.LedgerFilter(funder=_id_arg("funder"), kind=_code_arg("kind", ENTRY_KINDS),
                                     month=month, account=_code_arg("account"),
                                     bank=_id_arg("bank"))


def loan_filter() -> pool_records.LoanFilter:
    """The loan/claim filter from the query string; a malformed value answers 400."""
    statuses = (*covered_states(), pool_records.NONPERFORMING)
    return pool_records.LoanFilter(bank=_id_arg("bank"), status=_code_arg("status", statuses),
                                   claim=_code_arg("claim"))


@bp.get("/")
def dashboard():
    """Balance per funder, exposure and leverage, NPL per bank, claims, monthly flows."""
    today = business_today()
    funders = pool_figures.funder_balances()
    total = sum(f.balance_fen for f in funders)
    return render_template(
        "pool/dashboard.html", funders=funders, total=total,
        book=pool_figures.covered_book(total, today), banks=pool_figures.bank_npl(today),
        claims=pool_figures.claims_in_progress(), flows=pool_charts.last_months(today),
        statements=pool_records.recent_statements(), claim_states=pool_charts.CLAIM_STATES,
        thresholds=pool_charts.thresholds(today),
    )


@bp.get("/charts/<name>.svg")
def chart(name: str):
    """One chart as a standalone SVG document (shown with <img>; carries no script)."""
    draw = pool_charts.CHARTS.get(name)
    if draw is None:
        abort(404)
    return svg_response(draw(business_today()))


def svg_response(svg: str) -> Response:
    """A chart as a standalone SVG document with its own CSP (it carries no script), not
    cached: it shows figures of now."""
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/loans")
def loans():
    """The covered loans (or the claims) behind a figure, paginated, with their total."""
    wanted = loan_filter()
    if wanted.claim:
        result = pool_records.claims_page(wanted, _page(), _page_size())
    else:
        result = pool_records.loans_page(wanted, _page(), _page_size())
    bank = db.session.get(Organisation, wanted.bank) if wanted.bank else None
    return render_template("pool/loans.html", result=result, wanted=wanted, bank=bank,
                           claim_states=pool_charts.CLAIM_STATES)


@bp.get("/ledger")
def ledger():
    """Ledger entries behind a figure, each with its lines, maker/checker, seq and hash."""
    wanted = ledger_filter()
    result = pool_records.ledger_page(wanted, _page(), _page_size())
    return render_template("pool/ledger.html", result=result, wanted=wanted,
                           funder=result.extra["funders"].get(wanted.funder),
                           kinds=KINDS, accounts=ACCOUNTS)


@bp.get("/export/<dataset>.<fmt>")
def export(dataset: str, fmt: str):
    """CSV or XLSX of the ledger lines or of the covered loans (the page's filter applies)."""
    if dataset == "ledger":
        headers = pool_exports.LEDGER_HEADERS
        rows = map(pool_exports.ledger_cells, pool_records.ledger_rows(ledger_filter()))
        title = "资金池账本"
    elif dataset == "loans":
        headers = pool_exports.LOAN_HEADERS
        names = pool_exports.zh_state_names()
        rows = (pool_exports.loan_cells(row, names)
                for row in pool_records.loan_rows(loan_filter()))
        title = "在保贷款"
    else:
        abort(404)
    return send_table(fmt, f"talentfin-{dataset}-{business_today():%Y%m%d}", title, headers,
                      rows)


def send_table(fmt: str, name: str, title: str, headers, rows):
    """A table as a CSV download (streamed) or an XLSX one (sheet ``title``); 404 for any
    other format. ``name`` is the file's name without its extension."""
    name = f"{name}.{fmt}"
    if fmt == "csv":
        return Response(stream_with_context(pool_exports.csv_stream(headers, rows)),
                        mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if fmt == "xlsx":
        return send_file(pool_exports.xlsx_file(title, headers, rows), as_attachment=True,
                         download_name=name, mimetype="application/vnd.openxmlformats-"
                         "officedocument.spreadsheetml.sheet")
    abort(404)


@bp.get("/statements/<int:statement_id>.pdf")
def statement_pdf(statement_id: int):
    """Download a stored monthly statement."""
    statement = db.session.get(PoolStatement, statement_id)
    if statement is None:
        abort(404)
    return storage.send(DOSSIERS, statement.file_name, mimetype="application/pdf",
                        as_attachment=True, download_name=f"pool-statement-{statement.month}"
                                                          f"-v{statement.version}.pdf")
