"""The monthly pool statement: the month's figures frozen, rendered to a Chinese PDF, stored.

``generate_statement`` computes the figures once into ``PoolStatement.summary`` and prints
only that snapshot, which the PDF/A-3b file also carries as embedded JSON. Ledger figures
(balances, movements) are as of the month's last day by effective date; loan figures
(exposure, NPL, claims) are the loans as reported when the statement is made, which the
scheduled job does on the first day of the next month.
"""

import hashlib
import re
from datetime import date
from datetime import timedelta

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin import pdf
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import ChainHead
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.pool import exports as pool_exports
from talentfin.pool import figures as pool_figures
from talentfin.pool.models import CHAIN as LEDGER_CHAIN
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.pool.models import PoolStatement
from talentfin.storage import store_new_file

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ENTRY_LIST_LIMIT = 500  # entries printed in the statement; the ledger export has them all


class StatementError(ValueError):
    """A statement that cannot be made (a month not over yet, a malformed month)."""


def previous_month(today: date) -> str:
    """The month before ``today``'s, as "YYYY-MM"."""
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def _str(value) -> str | None:
    return None if value is None else str(value)


def build_summary(month: str) -> dict:
    """The statement's figures for a month, JSON-ready (fen as int, ratios as strings)."""
    start, next_start = pool_figures.month_bounds(month)
    last_day = next_start - timedelta(days=1)
    opening = {f.id: f.balance_fen for f in pool_figures.funder_balances(start - timedelta(days=1))}
    closing = pool_figures.funder_balances(last_day)
    moves = pool_figures.funder_movements(start, next_start)
    funders = [{
        "code": f.code, "name": f.name, "share_bp": f.share_bp,
        "opening_fen": opening.get(f.id, 0), "closing_fen": f.balance_fen,
        "movements": {kind: total for (funder_id, kind), total in moves.items()
                      if funder_id == f.id},
    } for f in closing]
    closing_total = sum(f.balance_fen for f in closing)
    book = pool_figures.covered_book(closing_total, last_day)
    banks = pool_figures.bank_npl(last_day)
    flows = pool_figures.monthly_flows(start, next_start)
    flow = flows[0] if flows else pool_figures.MonthFlows(month, 0, 0, 0, 0)
    head = db.session.get(ChainHead, LEDGER_CHAIN)
    return {
        "month": month, "start": start.isoformat(), "end": last_day.isoformat(),
        "made_at": utcnow().isoformat(timespec="seconds"),
        "funders": funders,
        "pool": {"opening_fen": sum(opening.values()), "closing_fen": closing_total},
        "book": {"loans": book.loans, "outstanding_fen": book.outstanding_fen,
                 "ratio_bp": _str(book.compensation_ratio_bp), "committed_fen": book.committed_fen,
                 "leverage": _str(book.leverage), "limit": _str(book.leverage_limit),
                 "over_limit": book.over_limit, "headroom_fen": book.headroom_fen},
        "thresholds": {"suspension_bp": _str(banks[0].suspension_bp) if banks else None,
                       "suspension_balance_fen": _str(banks[0].suspension_balance_fen)
                       if banks else None,
                       "band_bp": _str(banks[0].band_bp) if banks else None},
        "banks": [{"name": b.name, "standing": b.standing, "loans": b.loans,
                   "covered_fen": b.covered_fen, "npl_loans": b.npl_loans, "npl_fen": b.npl_fen,
                   "ratio_bp": _str(b.ratio_bp), "above_suspension": b.above_suspension,
                   "above_band": b.above_band} for b in banks],
        "flows": {"paid_fen": flow.paid_fen, "recovered_fen": flow.recovered_fen,
                  "clawed_back_fen": flow.clawed_back_fen, "subsidy_fen": flow.subsidy_fen,
                  "premium_subsidy_fen": flow.premium_subsidy_fen},
        "entries": _flow_entries(start, next_start),
        "claims": [{"status": c.status, "claims": c.claims,
                    "principal_loss_fen": c.principal_loss_fen}
                   for c in pool_figures.claims_in_progress()],
        "chain": {"seq": head.seq if head else 0, "hash": head.last_hash if head else ""},
    }


def _flow_entries(start: date, end: date) -> list[dict]:
    """The month's lines on payout/recovery/clawback/subsidy accounts, in chain order."""
    rows = db.session.execute(
        select(LedgerEntry.seq, LedgerEntry.effective_on, LedgerEntry.kind,
               Application.reference, LedgerLine.account, LedgerLine.amount_fen,
               LedgerEntry.row_hash)
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .outerjoin(Application, Application.id == LedgerEntry.application_id)
        .where(LedgerLine.account.in_(pool_figures.FLOW_ACCOUNTS),
               LedgerEntry.effective_on >= start, LedgerEntry.effective_on < end)
        .order_by(LedgerEntry.seq, LedgerLine.id).limit(ENTRY_LIST_LIMIT)
    ).all()
    # Money out (payouts, subsidies) is a debit there, money back a credit: print both positive.
    outgoing = (pool_figures.PAID, pool_figures.SUBSIDY_PAID, pool_figures.PREMIUM_SUBSIDY_PAID)
    return [{"seq": seq, "on": on.isoformat(), "kind": kind, "reference": reference or "",
             "account": account, "amount_fen": amount if account in outgoing else -amount,
             "hash": row_hash}
            for seq, on, kind, reference, account, amount, row_hash in rows]


def render_statement_pdf(statement: PoolStatement) -> bytes:
    """The statement's PDF from its frozen summary (a Chinese document in any locale)."""
    with force_locale("zh"):
        html = render_template("pdf/pool/pool_statement.html", s=statement.summary,
                               statement=statement, font_stack=pdf.FONT_STACK,
                               kinds=pool_exports.ZH_KINDS, accounts=pool_exports.ZH_ACCOUNTS)
        snapshot = pdf.json_attachment(
            f"pool-statement-{statement.month}-v{statement.version}.json", statement.summary,
            _("The figures this statement was made from (JSON)"), statement.made_at)
    return pdf.html_to_pdf(html, [snapshot])


def generate_statement(month: str, user: User | None = None,
                       today: date | None = None) -> PoolStatement:
    """Make, store and record a new version of a finished month's statement; commits."""
    if not MONTH.match(month or ""):
        raise StatementError(f"not a month: {month!r} (expected YYYY-MM)")
    _, next_start = pool_figures.month_bounds(month)
    if next_start > (today or business_today()):
        raise StatementError(f"{month} is not over yet")
    version = (db.session.scalar(select(func.max(PoolStatement.version))
                                 .where(PoolStatement.month == month)) or 0) + 1
    statement = PoolStatement(month=month, version=version, summary=build_summary(month),
                              made_by_id=user.id if user else None, made_at=utcnow())
    content = render_statement_pdf(statement)
    statement.file_name = store_new_file(f"pool-statement-{month}-v{version}", content)
    statement.sha256 = hashlib.sha256(content).hexdigest()
    statement.size_bytes = len(content)
    db.session.add(statement)
    db.session.commit()
    return statement


def statement_for_last_month(today: date) -> int:
    """Scheduled job: every month's statement not made yet, from the month after the latest
    statement (the first ledger entry's month when there is none) to last month, oldest
    first: a scheduler that was down for months makes each month it missed. How many."""
    last = previous_month(today)
    latest = db.session.scalar(select(func.max(PoolStatement.month)))
    if latest is not None:
        months = _months_after(latest, last)
    else:
        first = db.session.scalar(select(func.min(LedgerEntry.effective_on)))
        start = first.strftime("%Y-%m") if first is not None and first.strftime(
            "%Y-%m") <= last else last
        months = [start, *_months_after(start, last)]
    made = 0
    for month in months[-MAX_CATCH_UP:]:
        if db.session.scalar(select(PoolStatement.id).where(PoolStatement.month == month)
                             .limit(1)) is None:
            generate_statement(month, today=today)
            made += 1
    return made


MAX_CATCH_UP = 120  # ten years of missed months at most in one run


def _months_after(month: str, last: str) -> list[str]:
    """The months after ``month`` up to ``last`` ("YYYY-MM"), in order."""
    year, number = int(month[:4]), int(month[5:])
    months = []
    while True:
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        following = f"{year:04d}-{number:02d}"
        if following > last:
            return months
        months.append(following)
