"""A listed firm's annual report, owed each year (due a policy number of months after the
year's end): the founder files it; the scheduler reminds the founder before and after the
due day, tells the exchange's officers once it is late, and proposes delisting (the listing
committee decides) once it is late by the policy's months."""

from datetime import date
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.workflows.board.labels import LISTED
from talentfin.workflows.board.labels import OFFICER
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Disclosure
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Conflict
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused
from talentfin.workflows.spec import DueNotice as Due

REMIND_DAYS_BEFORE = 14


def due_on(year: int, on: date) -> date:
    """The day the annual report of ``year`` is due."""
    return date(year, 12, 31) + relativedelta(months=int_parameter(
        "board_annual_report_months", on))


def schedule(listing: BoardListing, today: date) -> int:
    """Add the annual reports owed for years ended since the listing. Flushes."""
    if listing.listed_on is None:
        return 0
    listed = set(db.session.scalars(select(Disclosure.year).where(
        Disclosure.application_id == listing.id)))
    added = 0
    for year in range(listing.listed_on.year, today.year):
        if year not in listed:
            db.session.add(Disclosure(application_id=listing.id, year=year,
                                      due_on=due_on(year, today)))
            added += 1
    db.session.flush()
    return added


def disclosures_of(application: Application) -> list[Disclosure]:
    """The listing's annual reports, latest first."""
    return list(db.session.scalars(select(Disclosure).where(
        Disclosure.application_id == application.id).order_by(Disclosure.year.desc())))


def file_report(application: Application, disclosure: Disclosure, user: User,
                report: Attachment) -> None:
    """The founder files a year's annual report (once). Commits."""
    if disclosure.application_id != application.id:
        raise Refused(_("This report is not owed on this listing."))
    if user.id != application.applicant_id:
        raise Forbidden(_("The founder files the firm's annual report."))
    if application.status not in LISTED:
        raise Refused(_("The firm is no longer listed."))
    if report.kind != "annual_report" or report.application_id != application.id:
        raise Refused(_("Upload the annual report itself."))
    filed = db.session.execute(Disclosure.__table__.update().where(
        Disclosure.id == disclosure.id, Disclosure.filed_at.is_(None))
        .values(attachment_id=report.id, filed_at=utcnow())).rowcount
    if not filed:
        db.session.rollback()
        raise Conflict(_("This annual report was already filed."))
    db.session.commit()


def late(application: Application, today: date) -> list[Disclosure]:
    """Annual reports past their due day and not filed."""
    return [d for d in disclosures_of(application) if d.filed_at is None and d.due_on < today]


def delisting_due(ctx: FireContext) -> str | None:
    """Guard of the scheduler's proposal: an annual report late by the policy's months."""
    months = int_parameter("board_delisting_late_months", ctx.today)
    overdue = [d for d in late(ctx.application, ctx.today)
               if d.due_on + relativedelta(months=months) < ctx.today]
    if not overdue:
        return _("No annual report is more than %(months)s months late.", months=months)
    return None


def mark_late_reason(ctx: FireContext) -> None:
    """Effect: the scheduler's proposal names late disclosure as its reason."""
    ctx.application.delisting_reason = ctx.data.get("reason") or "late_disclosure"


def documents_due(today: date) -> list[Due]:
    """The daily run: schedule what became owed, then the notices due today."""
    for listing in db.session.scalars(select(BoardListing).where(
            BoardListing.status.in_(LISTED))).all():
        schedule(listing, today)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    notices = []
    rows = db.session.execute(select(Disclosure, BoardListing).join(
        BoardListing, BoardListing.id == Disclosure.application_id).where(
        Disclosure.filed_at.is_(None), BoardListing.status.in_(LISTED),
        Disclosure.due_on <= today + timedelta(days=REMIND_DAYS_BEFORE))).tuples()
    for disclosure, listing in rows:
        base = {"application": listing, "document": "annual_report",
                "period": str(disclosure.year), "due_on": disclosure.due_on}
        if disclosure.due_on >= today:
            notices.append(Due(**base, to="founder", kind="reminder", stage="soon"))
        else:
            notices.append(Due(**base, to="founder", kind="reminder", stage="late"))
            notices.append(Due(**base, to=OFFICER, kind="escalation", stage="escalated"))
    return notices
