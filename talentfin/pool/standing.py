"""Partner banks' standing: suspension above the NPL threshold, reinstatement by the committee.

The banks are the partners of the covered products (``talentfin.pool.cover``).

A suspended bank files no new loans; claims it already lodged go on. A terminated bank
(after fraud) is no partner any more. Every change is recorded with its figures; the
system's own reason is a code (``labels.standing_reason`` words it for the reader).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.policy import int_parameter
from talentfin.pool.cover import exposures
from talentfin.pool.cover import partner_kinds
from talentfin.pool.figures import ratio_bp
from talentfin.pool.labels import NPL_ABOVE_THRESHOLD
from talentfin.pool.models import StandingChange
from talentfin.pool.notices import schedule_suspension_notice


@dataclass(frozen=True)
class BankBook:
    """A bank's covered loans: balance, non-performing part and the ratio in basis points."""

    bank: Organisation
    covered_fen: int
    npl_fen: int

    @property
    def npl_bp(self) -> int:
        """Non-performing share of the covered balance, in basis points (as the pages show
        it: rounded half up; 0 without a balance)."""
        return ratio_bp(self.npl_fen, self.covered_fen) or 0

    def npl_above(self, threshold_bp: int) -> bool:
        """Whether the exact NPL ratio (not a rounded one) is above a threshold."""
        return self.npl_fen * 10_000 > threshold_bp * self.covered_fen


def bank_books() -> list[BankBook]:
    """Every bank's covered balance and NPL in one grouped query."""
    ex = exposures()
    rows = db.session.execute(
        select(Organisation,
               func.coalesce(func.sum(case((ex.c.covered, ex.c.outstanding_fen), else_=0)), 0),
               func.coalesce(func.sum(case((ex.c.npl, ex.c.outstanding_fen), else_=0)), 0))
        .outerjoin(ex, ex.c.bank_id == Organisation.id)
        .where(Organisation.kind.in_(partner_kinds()))
        .group_by(Organisation.id).order_by(Organisation.name)
    ).all()
    return [BankBook(bank, int(covered), int(npl)) for bank, covered, npl in rows]


def _change(bank: Organisation, to: str, book: BankBook | None, user: User | None,
            reason: str = "", code: str = "", **thresholds: int) -> StandingChange:
    """Record a standing change: the committee's reason as typed, or a reason code that
    the pages word in the reader's language from the figures (the book's and the
    thresholds it was measured against)."""
    figures = {"covered_fen": book.covered_fen, "npl_fen": book.npl_fen,
               "npl_bp": book.npl_bp, **thresholds} if book else {}
    change = StandingChange(bank_id=bank.id, from_standing=bank.standing, to_standing=to,
                            reason=reason, reason_code=code, figures=figures,
                            decided_by_id=user.id if user else None)
    bank.standing = to
    db.session.add(change)
    if to == "suspended":
        db.session.flush()
        schedule_suspension_notice(change, user)
    return change


def check_suspensions(today: date) -> int:
    """Suspend every active bank above the NPL threshold with a large enough book."""
    threshold = int_parameter("suspension_npl_bp", today)
    balance = int_parameter("suspension_balance_fen", today)
    suspended = 0
    for book in bank_books():
        if book.bank.standing == "active" and book.covered_fen > balance \
                and book.npl_above(threshold):
            _change(book.bank, "suspended", book, None, code=NPL_ABOVE_THRESHOLD,
                    threshold_bp=threshold, balance_threshold_fen=balance)
            suspended += 1
    db.session.commit()
    return suspended


def reinstate(bank: Organisation, user: User, reason: str) -> StandingChange:
    """The committee lifts a suspension (never a termination); the caller checked that the
    user may (``policy.can(user, "reinstate", bank)``)."""
    if bank.standing != "suspended":
        raise ValueError(_("Only a suspended bank can be reinstated."))
    if not reason.strip():
        raise ValueError(_("Please give a reason."))
    book = next((b for b in bank_books() if b.bank.id == bank.id), None)
    change = _change(bank, "active", book, user, reason=reason.strip())
    db.session.commit()
    return change


def history(bank: Organisation) -> list[StandingChange]:
    """A bank's standing changes, newest first."""
    return list(db.session.scalars(select(StandingChange).where(
        StandingChange.bank_id == bank.id).order_by(StandingChange.id.desc())))
