"""Subsidies the pool pays on covered products (a loan's interest subsidy: 50 % of the
interest paid on time in a year, at most 500,000 per firm and year).

The founder asks for an application's year once; the pool administrator decides. The
amount is computed again at the decision (policy on that date, the firm's cap after what it
was already paid that year) and posts to the ledger split between the funders. What the
subsidy is a share of (the basis) and in which states it may be asked for is the product's
``SubsidyRule``. Who may ask and decide is ``talentfin.policy``'s to say; this module keeps
the rules of the money.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import User
from talentfin.models.base import sum_fen
from talentfin.models.base import utcnow
from talentfin.models.policy import PROGRAMME_START
from talentfin.models.policy import int_parameter
from talentfin.pool import ledger
from talentfin.pool.cover import SubsidyRule
from talentfin.pool.cover import cover_for
from talentfin.pool.cover import exposures
from talentfin.pool.models import SubsidyClaim

NOTE_MAX = 2000  # characters of a decision's note, as the other notes of the programme


class SubsidyError(ValueError):
    """A request or decision that is not allowed; the message says why, and ``field`` names
    the form field it is about ("year", "note"), if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Entitlement:
    """What an application's basis of a year earns, within the firm's yearly cap."""

    basis_fen: int
    amount_fen: int
    room_fen: int


def rule_for(application: Application) -> SubsidyRule | None:
    """The subsidy the pool pays on this application's product, if any."""
    try:
        return cover_for(application.product).subsidy
    except LookupError:
        return None


def may_ask(application: Application) -> bool:
    """Whether the application is in a state in which its subsidy may be asked for."""
    rule = rule_for(application)
    return rule is not None and application.status in rule.states


def entitlement(application: Application, year: int, on: date) -> Entitlement:
    """The subsidy an application's year earns as of ``on``: a share of the basis, capped."""
    rule = rule_for(application)
    basis = rule.basis(application, year)
    rate = int_parameter(rule.rate_key, on)
    cap = int_parameter(rule.cap_key, on)
    room = max(0, cap - paid_in_year(application.enterprise_id, year))
    return Entitlement(basis, min(basis * rate // 10_000, room), room)


def paid_in_year(enterprise_id: int, year: int) -> int:
    """The subsidies of a year the pool has paid the firm (what its yearly cap counts)."""
    return db.session.scalar(select(sum_fen(SubsidyClaim.amount_fen)).where(
        SubsidyClaim.enterprise_id == enterprise_id, SubsidyClaim.year == year,
        SubsidyClaim.status == "paid"))


def read_year(typed: str | None, today: date | None = None) -> int:
    """The year the founder typed, or SubsidyError (on the year field) saying what is wrong:
    nothing typed, not a whole number (letters, a sign, a fraction), or a year to come."""
    today = today or business_today()
    text = (typed or "").strip()
    if not text:
        raise SubsidyError(_("Please enter the year the interest subsidy is for."), "year")
    if not (text.isascii() and text.isdigit()):
        raise SubsidyError(_("Enter the year as a whole number, such as %(year)s.",
                             year=today.year), "year")
    digits = text.lstrip("0") or "0"
    if len(digits) > 4 or int(digits) > today.year:
        raise _year_to_come(today)
    return int(digits)


def _year_to_come(today: date) -> SubsidyError:
    return SubsidyError(_("The year cannot be in the future: enter %(year)s or an earlier "
                          "year.", year=today.year), "year")


def repaid_since(application: Application) -> date | None:
    """When the application's exposure started (a loan: its disbursement), if it has."""
    ex = exposures()
    return db.session.scalar(select(ex.c.started_on).where(ex.c.id == application.id))


def request(application: Application, year: int, user: User,
            today: date | None = None) -> SubsidyClaim:
    """The founder asks for an application's subsidy of one year: a year the loan was being
    repaid in, up to this one, asked for once."""
    today = today or business_today()
    if not may_ask(application):
        raise SubsidyError(_("An interest subsidy is asked for on a loan being repaid."))
    if year > today.year:
        raise _year_to_come(today)
    since = repaid_since(application)
    first = since.year if since else PROGRAMME_START.year
    if year < first:
        raise SubsidyError(_("The loan was not being repaid yet in %(year)s: enter a year from "
                             "%(first)s to %(last)s.", year=year, first=first, last=today.year),
                           "year")
    if db.session.scalar(select(SubsidyClaim.id).where(
            SubsidyClaim.application_id == application.id, SubsidyClaim.year == year)):
        raise SubsidyError(_("The subsidy of this loan for %(year)s was asked for already.",
                             year=year), "year")
    due = entitlement(application, year, today)
    if due.amount_fen <= 0:
        raise SubsidyError(_("No interest was paid on time in %(year)s, or the firm's yearly "
                             "cap is used up.", year=year), "year")
    claim = SubsidyClaim(application_id=application.id, enterprise_id=application.enterprise_id,
                         year=year, basis_fen=due.basis_fen, amount_fen=due.amount_fen,
                         requested_by_id=user.id)
    db.session.add(claim)
    db.session.commit()
    return claim


def decide(claim: SubsidyClaim, approve: bool, user: User, note: str = "",
           today: date | None = None) -> SubsidyClaim:
    """The pool administrator pays (recomputed, within the cap) or refuses with a note."""
    today = today or business_today()
    if claim.status != "requested":
        raise SubsidyError(_("This request has been decided already."))
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise SubsidyError(_("The note is too long: at most %(max)d characters (it has "
                             "%(count)d).", max=NOTE_MAX, count=len(note)), "note")
    if not approve and not note:
        raise SubsidyError(_("Please give a reason."), "note")
    claim.decided_by_id = user.id
    claim.decided_at = utcnow()
    claim.note = note
    if not approve:
        claim.status = "rejected"
        db.session.commit()
        return claim
    ledger.lock_ledger()  # the firm's cap and the balances must see every earlier payout
    application = db.session.get(Application, claim.application_id)
    rule = rule_for(application)
    due = entitlement(application, claim.year, today)
    claim.amount_fen = due.amount_fen
    claim.status = "paid"
    if due.amount_fen > 0:
        try:
            entry = ledger.pay_out(rule.kind, rule.account, due.amount_fen, effective_on=today,
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
    """An application's subsidy requests, newest year first."""
    return list(db.session.scalars(select(SubsidyClaim).where(
        SubsidyClaim.application_id == application.id).order_by(SubsidyClaim.year.desc())))
