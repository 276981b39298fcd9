"""Interest subsidies: 50 % of the interest paid on time in a year, at most 500,000 per firm.

The founder asks for a loan's year once; the pool administrator decides. The amount is
computed again at the decision (policy on that date, the firm's cap after what it was
already paid that year) and posts to the ledger split between the funders.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Funder
from talentfin.models import Repayment
from talentfin.models import SubsidyClaim
from talentfin.models import User
from talentfin.models.base import sum_fen
from talentfin.models.base import utcnow
from talentfin.services import ledger
from talentfin.services import parameters

ELIGIBLE_STATES = ("active", "repaid", "closed")
PAID_ACCOUNT = "interest_subsidy_paid"


class SubsidyError(ValueError):
    """A request or decision that is not allowed; the message says why."""


@dataclass(frozen=True)
class Entitlement:
    """What a loan's on-time interest of a year earns, within the firm's yearly cap."""

    interest_on_time_fen: int
    amount_fen: int
    room_fen: int


def entitlement(application: Application, year: int, on: date) -> Entitlement:
    """The subsidy a loan's year earns as of ``on``: rate of the on-time interest, capped."""
    interest = db.session.scalar(select(sum_fen(Repayment.interest_fen)).where(
        Repayment.application_id == application.id,
        extract("year", Repayment.paid_on) == year,
        Repayment.paid_on <= Repayment.due_on))
    rate = parameters.int_parameter("interest_subsidy_bp", on)
    cap = parameters.int_parameter("interest_subsidy_cap_fen", on)
    paid = db.session.scalar(select(sum_fen(SubsidyClaim.amount_fen)).where(
        SubsidyClaim.enterprise_id == application.enterprise_id, SubsidyClaim.year == year,
        SubsidyClaim.status == "paid"))
    room = max(0, cap - paid)
    return Entitlement(interest, min(interest * rate // 10_000, room), room)


def request(application: Application, year: int, user: User,
            today: date | None = None) -> SubsidyClaim:
    """The founder asks for a loan's subsidy of one year."""
    today = today or business_today()
    if user.role != "founder" or user.enterprise_id != application.enterprise_id:
        raise SubsidyError(_("Only the founder of the firm asks for its interest subsidy."))
    if application.status not in ELIGIBLE_STATES or year > today.year:
        raise SubsidyError(_("An interest subsidy is asked for on a loan being repaid."))
    if db.session.scalar(select(SubsidyClaim.id).where(
            SubsidyClaim.application_id == application.id, SubsidyClaim.year == year)):
        raise SubsidyError(_("The subsidy of this loan for %(year)s was asked for already.",
                             year=year))
    due = entitlement(application, year, today)
    if due.amount_fen <= 0:
        raise SubsidyError(_("No interest was paid on time in %(year)s, or the firm's yearly "
                             "cap is used up.", year=year))
    claim = SubsidyClaim(application_id=application.id, enterprise_id=application.enterprise_id,
                         year=year, interest_on_time_fen=due.interest_on_time_fen,
                         amount_fen=due.amount_fen, requested_by_id=user.id)
    db.session.add(claim)
    db.session.commit()
    return claim


def decide(claim: SubsidyClaim, approve: bool, user: User, note: str = "",
           today: date | None = None) -> SubsidyClaim:
    """The pool administrator pays (recomputed, within the cap) or refuses with a note."""
    today = today or business_today()
    if user.role != "pool_admin":
        raise SubsidyError(_("Only the pool administrator pays interest subsidies."))
    if claim.status != "requested":
        raise SubsidyError(_("This request has been decided already."))
    claim.decided_by_id = user.id
    claim.decided_at = utcnow()
    claim.note = note.strip()
    if not approve:
        if not claim.note:
            raise SubsidyError(_("Please give a reason."))
        claim.status = "rejected"
        db.session.commit()
        return claim
    ledger.lock_ledger()  # the firm's cap and the balances must see every earlier payout
    application = db.session.get(Application, claim.application_id)
    due = entitlement(application, claim.year, today)
    claim.amount_fen = due.amount_fen
    claim.status = "paid"
    if due.amount_fen > 0:
        funders = list(db.session.scalars(select(Funder).order_by(Funder.id)))
        shares = ledger.split_by_shares(due.amount_fen, funders)
        lines = [ledger.Line(ledger.CASH, -amount, funder_id=fid)
                 for fid, amount in shares.items() if amount]
        lines.append(ledger.Line(PAID_ACCOUNT, due.amount_fen))
        try:
            entry = ledger.post_entry("interest_subsidy_payout", lines, effective_on=today,
                                      memo=f"{application.reference} {claim.year}", maker=user,
                                      application_id=application.id)
        except ledger.LedgerError as exc:
            db.session.rollback()
            raise SubsidyError(str(exc)) from exc
        claim.entry_id = entry.id
    db.session.commit()
    return claim


def waiting() -> list[SubsidyClaim]:
    """Requests the pool administrator has not decided, oldest first."""
    return list(db.session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.status == "requested")
        .options(joinedload(SubsidyClaim.application), joinedload(SubsidyClaim.requested_by))
        .order_by(SubsidyClaim.id)))


def for_application(application: Application) -> list[SubsidyClaim]:
    """A loan's subsidy requests, newest year first."""
    return list(db.session.scalars(select(SubsidyClaim).where(
        SubsidyClaim.application_id == application.id).order_by(SubsidyClaim.year.desc())))
