"""Post-investment monitoring: the reports a portfolio firm owes, scheduled from the day the
money went in (each quarter's management accounts, due a policy number of days after the
quarter; each year's audited accounts, due a policy number of months after the year), the
founder's filing of each, and what the scheduler tells whom (the founder before and after
the due day; the investment manager once a report is late by the escalation days)."""

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
from talentfin.workflows.equity.labels import MANAGER
from talentfin.workflows.equity.labels import PORTFOLIO
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.models import Obligation
from talentfin.workflows.errors import Conflict
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused
from talentfin.workflows.spec import DueNotice as Due

REMIND_DAYS_BEFORE = 7
ESCALATE_DAYS_AFTER = 10
DOCUMENT = {"quarterly": "quarterly_accounts", "annual": "annual_accounts"}


def _quarter_ends(start: date, until: date) -> list[date]:
    """Quarter ends on or after ``start`` and before ``until``."""
    first_month = ((start.month - 1) // 3 + 1) * 3
    end = date(start.year, first_month, 1) + relativedelta(months=1, days=-1)
    ends = []
    while end < until:
        ends.append(end)
        end = (end + timedelta(days=1)) + relativedelta(months=3, days=-1)
    return ends


def due_periods(funded_on: date, today: date) -> list[tuple[str, str, date, date]]:
    """(kind, period, period end, due on) of every report owed for periods ended by today."""
    days = int_parameter("equity_quarterly_report_days", today)
    months = int_parameter("equity_annual_report_months", today)
    owed = []
    for end in _quarter_ends(funded_on, today):
        owed.append(("quarterly", f"{end.year}Q{(end.month - 1) // 3 + 1}", end,
                     end + timedelta(days=days)))
        if end.month == 12:
            owed.append(("annual", str(end.year), end,
                         end + relativedelta(months=months)))
    return owed


def schedule(application: EquityApplication, today: date) -> int:
    """Add the reports owed for periods ended by today that are not yet listed; returns
    how many were added. Flushes; the caller commits."""
    if application.funded_on is None:
        return 0
    listed = set(db.session.execute(select(Obligation.kind, Obligation.period).where(
        Obligation.application_id == application.id)).tuples())
    added = 0
    for kind, period, end, due in due_periods(application.funded_on, today):
        if (kind, period) not in listed:
            db.session.add(Obligation(application_id=application.id, kind=kind, period=period,
                                      period_end=end, due_on=due))
            added += 1
    db.session.flush()
    return added


def obligations_of(application: Application) -> list[Obligation]:
    """The application's reports owed, latest period first."""
    return list(db.session.scalars(select(Obligation).where(
        Obligation.application_id == application.id)
        .order_by(Obligation.period_end.desc(), Obligation.kind.desc())))


def file_report(application: Application, obligation: Obligation, user: User,
                report: Attachment) -> Obligation:
    """The founder files a report owed (once; a wrong file is replaced by uploading again
    before filing). Commits."""
    if obligation.application_id != application.id:
        raise Refused(_("This report is not owed on this application."))
    if user.id != application.applicant_id:
        raise Forbidden(_("The founder files the firm's reports."))
    if application.status not in PORTFOLIO:
        raise Refused(_("The fund no longer asks for reports on this investment."))
    if report.kind != DOCUMENT[obligation.kind] or report.application_id != application.id:
        raise Refused(_("Upload the report itself."))
    filed = db.session.execute(
        Obligation.__table__.update()
        .where(Obligation.id == obligation.id, Obligation.submitted_at.is_(None))
        .values(attachment_id=report.id, submitted_at=utcnow(), submitted_by_id=user.id))
    if not filed.rowcount:
        db.session.rollback()
        raise Conflict(_("This report was already filed."))
    db.session.commit()
    db.session.refresh(obligation)
    return obligation


def documents_due(today: date) -> list[Due]:
    """The daily run: schedule what became owed, then the notices due today."""
    portfolio = db.session.scalars(select(EquityApplication).where(
        EquityApplication.status.in_(PORTFOLIO))).all()
    for application in portfolio:
        schedule(application, today)
    try:
        db.session.commit()
    except IntegrityError:  # a second run added them first
        db.session.rollback()
    notices = []
    open_ = db.session.execute(select(Obligation, EquityApplication).join(
        EquityApplication, EquityApplication.id == Obligation.application_id).where(
        Obligation.submitted_at.is_(None), EquityApplication.status.in_(PORTFOLIO),
        Obligation.due_on <= today + timedelta(days=REMIND_DAYS_BEFORE))).tuples()
    for obligation, application in open_:
        base = {"application": application, "document": DOCUMENT[obligation.kind],
                "period": obligation.period, "due_on": obligation.due_on}
        if obligation.due_on >= today:
            notices.append(Due(**base, to="founder", kind="reminder", stage="soon"))
            continue
        notices.append(Due(**base, to="founder", kind="reminder", stage="late"))
        if (today - obligation.due_on).days >= ESCALATE_DAYS_AFTER:
            notices.append(Due(**base, to=MANAGER, kind="escalation", stage="escalated"))
    return notices


def late(application: Application, today: date) -> list[Obligation]:
    """The reports of the application past their due day and not filed."""
    return [o for o in obligations_of(application)
            if o.submitted_at is None and o.due_on < today]
