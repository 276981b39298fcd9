"""What the listed firm and the exchange do on a listing beside its transitions (a
financing recorded or verified, an annual report filed), and the exchange's page: listings
by tier, annual reports due and late, financings to verify, delisting candidates."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import kind_of
from talentfin.models import Application
from talentfin.models import User
from talentfin.models.policy import int_parameter
from talentfin.policy import rule
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import save_attachment
from talentfin.workflows.board import disclosure
from talentfin.workflows.board import financing
from talentfin.workflows.board.labels import LISTED
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Disclosure
from talentfin.workflows.board.models import Financing
from talentfin.workflows.errors import Refused

__all__ = ["UploadRefused", "file_annual_report", "record_financing", "verify_financing"]


class ExchangeBook:
    """The exchange's page: the subject of its rule."""


@rule(ExchangeBook, "read")
def _read(user: User, _book, _action: str) -> tuple[bool, str]:
    if kind_of(user.role) == "exchange":
        return True, ""
    return False, "exchange staff only"


def record_financing(application: Application, user: User, today: date, **fields) -> None:
    """``financing.record``."""
    financing.record(application, user, today=today, **fields)


def verify_financing(application: Application, financing_id: int, user: User) -> None:
    """``financing.verify`` of one of the listing's financings."""
    item = db.session.get(Financing, financing_id)
    if item is None or item.application_id != application.id:
        raise Refused(_("This financing is not the listing's."))
    financing.verify(item, user)


def file_annual_report(application: Application, disclosure_id: int, user: User,
                       report: FileStorage) -> None:
    """The founder uploads and files a year's annual report."""
    item = db.session.get(Disclosure, disclosure_id)
    if item is None or item.application_id != application.id:
        raise Refused(_("This report is not owed on this listing."))
    if item.filed_at is not None:
        raise Refused(_("This annual report was already filed."))
    attachment = save_attachment(application, "annual_report", report, user)
    disclosure.file_report(application, item, user, attachment)


@dataclass(frozen=True)
class ExchangePage:
    """What the exchange's page lists."""

    by_tier: dict[str, int]
    due: list[tuple[Disclosure, BoardListing]]
    late: list[tuple[Disclosure, BoardListing]]
    to_verify: list[tuple[Financing, BoardListing]]
    candidates: list[tuple[Disclosure, BoardListing]]


def exchange_page(today: date) -> ExchangePage:
    """Listings by tier, reports due within 60 days and late, financings to verify, and the
    listings whose report is late enough for delisting."""
    by_tier = dict(db.session.execute(select(BoardListing.tier, func.count()).where(
        BoardListing.status.in_(LISTED)).group_by(BoardListing.tier)).tuples().all())
    owed = db.session.execute(select(Disclosure, BoardListing).join(
        BoardListing, BoardListing.id == Disclosure.application_id).where(
        Disclosure.filed_at.is_(None), BoardListing.status.in_(LISTED))
        .order_by(Disclosure.due_on, Disclosure.id)).tuples().all()
    months = int_parameter("board_delisting_late_months", today)
    return ExchangePage(
        by_tier=by_tier,
        due=[(d, lst) for d, lst in owed if today <= d.due_on <= today + relativedelta(days=60)],
        late=[(d, lst) for d, lst in owed if d.due_on < today],
        to_verify=list(db.session.execute(select(Financing, BoardListing).join(
            BoardListing, BoardListing.id == Financing.application_id).where(
            Financing.verified_at.is_(None)).order_by(Financing.on, Financing.id))
            .tuples().all()),
        candidates=_once_per_listing([(d, lst) for d, lst in owed
                                      if d.due_on + relativedelta(months=months) < today]))


def _once_per_listing(owed: list[tuple[Disclosure, BoardListing]]) -> list:
    """Each listing once, with its oldest report owed (the list is ordered by due date): a
    firm late for two years is one delisting candidate."""
    seen: set[int] = set()
    kept = []
    for report, listing in owed:
        if listing.id not in seen:
            seen.add(listing.id)
            kept.append((report, listing))
    return kept
