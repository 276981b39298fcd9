"""Posting to the pool's ledger: balanced entries, chained hashes, no negative funder cash.

``post_entry`` adds to the caller's transaction (the state change that causes a money
event commits with it). Reserving the ledger chain's next link comes first: it serialises
all postings, so the balance checks after it see every earlier committed entry.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from talentfin import audit
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.money import format_fen
from talentfin.pool.models import CHAIN
from talentfin.pool.models import ENTRY_KINDS
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine

__all__ = ["CAPITAL", "CASH", "CHAIN", "Line", "LedgerError", "contribute", "entry_payload",
           "funder_balances", "lock_ledger", "pool_balance", "post_entry", "reverse",
           "split_by_shares", "split_pro_rata", "pay_out"]
CASH = "pool_cash"  # a funder's sub-account in the pool (asset)
CAPITAL = "funder_capital"  # what a funder contributed


class LedgerError(ValueError):
    """An entry that must not be posted; the message says why."""


@dataclass(frozen=True)
class Line:
    """A signed amount (debit positive) on an account, for a funder and/or organisation."""

    account: str
    amount_fen: int
    funder_id: int | None = None
    org_id: int | None = None


def entry_payload(entry: LedgerEntry, lines: list[Line] | None = None) -> dict:
    """What the chain hash of an entry covers."""
    if lines is None:
        lines = [Line(x.account, x.amount_fen, x.funder_id, x.org_id) for x in entry.lines]
    return {
        "kind": entry.kind, "memo": entry.memo, "effective_on": entry.effective_on.isoformat(),
        "application_id": entry.application_id, "reverses_id": entry.reverses_id,
        "maker_id": entry.maker_id, "checker_id": entry.checker_id,
        "created_at": entry.created_at.isoformat(timespec="microseconds"),
        "lines": sorted([x.account, x.funder_id, x.org_id, x.amount_fen] for x in lines),
    }


def lock_ledger() -> None:
    """Serialise with every other posting until commit; call before computing an amount."""
    audit.lock(CHAIN)


def _check(kind: str, lines: list[Line], maker: User | None, checker: User | None) -> None:
    if kind not in ENTRY_KINDS:
        raise LedgerError(_("Unknown entry kind: %(kind)s", kind=kind))
    if not lines:
        raise LedgerError(_("An entry needs at least two lines."))
    for line in lines:
        if not isinstance(line.amount_fen, int) or isinstance(line.amount_fen, bool):
            raise LedgerError(_("Amounts are whole fen."))
        if line.amount_fen == 0:
            raise LedgerError(_("A ledger line cannot be zero."))
    if sum(line.amount_fen for line in lines) != 0:
        raise LedgerError(_("The entry does not balance: debits and credits differ."))
    if kind == "adjustment" and (checker is None or maker is None or checker.id == maker.id):
        raise LedgerError(_("An adjustment needs a maker and a different checker."))


def post_entry(kind: str, lines: list[Line], *, effective_on: date, memo: str = "",
               maker: User | None = None, checker: User | None = None,
               application_id: int | None = None, reverses_id: int | None = None) -> LedgerEntry:
    """Add a balanced, chained entry to the current transaction (the caller commits)."""
    _check(kind, lines, maker, checker)
    entry = LedgerEntry(kind=kind, memo=memo, effective_on=effective_on,
                        application_id=application_id, reverses_id=reverses_id,
                        maker_id=maker.id if maker else None,
                        checker_id=checker.id if checker else None, created_at=utcnow())
    entry.seq, entry.prev_hash, entry.row_hash = audit.append(CHAIN, entry_payload(entry, lines))
    _refuse_negative_cash(lines)
    db.session.add(entry)
    db.session.flush()
    for line in lines:
        db.session.add(LedgerLine(entry_id=entry.id, account=line.account,
                                  amount_fen=line.amount_fen, funder_id=line.funder_id,
                                  org_id=line.org_id))
    db.session.flush()
    return entry


def _refuse_negative_cash(lines: list[Line]) -> None:
    balances = funder_balances()
    for line in lines:
        if line.account == CASH and line.amount_fen < 0:
            balances[line.funder_id] = balances.get(line.funder_id, 0) + line.amount_fen
            if balances[line.funder_id] < 0:
                funder = db.session.get(Funder, line.funder_id)
                raise LedgerError(
                    _("%(funder)s's balance in the pool is short by %(amount)s yuan.",
                      funder=funder.name if funder else "?",
                      amount=format_fen(-balances[line.funder_id]))
                )


def reverse(entry: LedgerEntry, maker: User, memo: str, on: date | None = None) -> LedgerEntry:
    """A new entry with the original's lines negated; an entry is reversed at most once."""
    if entry.kind == "reversal":
        raise LedgerError(_("A reversal is not reversed; post a new entry instead."))
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry.id)):
        raise LedgerError(_("This entry has been reversed already."))
    lines = [Line(x.account, -x.amount_fen, x.funder_id, x.org_id) for x in entry.lines]
    return post_entry("reversal", lines, effective_on=on or business_today(), memo=memo,
                      maker=maker, application_id=entry.application_id, reverses_id=entry.id)


def contribute(funder: Funder, amount_fen: int, maker: User, on: date,
               memo: str = "") -> LedgerEntry:
    """A funder pays money into the pool; commits."""
    if amount_fen <= 0:
        raise LedgerError(_("A contribution must be a positive amount."))
    entry = post_entry("contribution", [
        Line(CASH, amount_fen, funder_id=funder.id),
        Line(CAPITAL, -amount_fen, funder_id=funder.id),
    ], effective_on=on, memo=memo, maker=maker)
    db.session.commit()
    return entry


def funder_balances() -> dict[int, int]:
    """Each funder's cash in the pool, in fen."""
    rows = db.session.execute(
        select(LedgerLine.funder_id, func.sum(LedgerLine.amount_fen))
        .where(LedgerLine.account == CASH).group_by(LedgerLine.funder_id)
    ).all()
    return {funder_id: int(total) for funder_id, total in rows}


def pool_balance() -> int:
    """All funders' cash together, in fen."""
    return sum(funder_balances().values())


def split_by_shares(amount_fen: int, funders: list[Funder]) -> dict[int, int]:
    """Split an amount between funders by their shares; the rounding fen goes to the largest."""
    total_bp = sum(f.share_bp for f in funders)
    parts = {f.id: amount_fen * f.share_bp // total_bp for f in funders}
    remainder = amount_fen - sum(parts.values())
    if remainder:
        largest = max(funders, key=lambda f: (f.share_bp, -f.id))
        parts[largest.id] += remainder
    return parts


def split_pro_rata(amount_fen: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``amount_fen`` in proportion to ``weights``; the rounding fen to the largest."""
    total = sum(weights.values())
    parts = {key: amount_fen * weight // total for key, weight in weights.items()}
    remainder = amount_fen - sum(parts.values())
    if remainder:
        parts[max(weights, key=lambda key: (weights[key], -key))] += remainder
    return parts


def pay_out(kind: str, account: str, amount_fen: int, *, effective_on: date, memo: str,
            maker: User | None, application_id: int | None = None,
            org_id: int | None = None) -> LedgerEntry:
    """Pay an amount out of the pool, split between the funders by their shares: each
    funder's cash is credited, ``account`` debited (for ``org_id`` when given)."""
    funders = list(db.session.scalars(select(Funder).order_by(Funder.id)))
    if not funders:
        raise LedgerError(_("The pool has no funders yet."))
    shares = split_by_shares(amount_fen, funders)
    lines = [Line(CASH, -amount, funder_id=fid) for fid, amount in shares.items() if amount]
    lines.append(Line(account, amount_fen, org_id=org_id))
    return post_entry(kind, lines, effective_on=effective_on, memo=memo, maker=maker,
                      application_id=application_id)
