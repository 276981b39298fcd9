"""The fund's page beside its queue: the pipeline by stage, due diligence running late, the
committee's agenda with its votes, the portfolio with each firm's last report and the late
ones, and the exits with their multiple and IRR."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.institutions import kind_of
from talentfin.models import User
from talentfin.policy import rule
from talentfin.workdays import working_days_between
from talentfin.workflows.equity.committee import open_meeting_of
from talentfin.workflows.equity.committee import tally
from talentfin.workflows.equity.deal import returns
from talentfin.workflows.equity.diligence import workstreams
from talentfin.workflows.equity.labels import PORTFOLIO
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.models import Obligation

DD_DAYS = 20  # working days a workstream normally takes before it shows as late


class FundBook:
    """A fund's book: the subject of its page's rule."""


@rule(FundBook, "read")
def _read(user: User, _book, _action: str) -> tuple[bool, str]:
    if kind_of(user.role) == "fund":
        return True, ""
    return False, "fund staff only"


def pipeline(org_id: int) -> dict[str, int]:
    """Applications routed to the fund, counted by state."""
    rows = db.session.execute(select(EquityApplication.status, func.count()).where(
        EquityApplication.partner_org_id == org_id,
        EquityApplication.partner_routed_at.is_not(None))
        .group_by(EquityApplication.status)).tuples().all()
    return dict(rows)


def _deals(org_id: int, states) -> list[EquityApplication]:
    return list(db.session.scalars(select(EquityApplication).where(
        EquityApplication.partner_org_id == org_id, EquityApplication.status.in_(states))
        .order_by(EquityApplication.id)))


@dataclass(frozen=True)
class LateStream:
    """A workstream open longer than usual."""

    application: EquityApplication
    kind: str
    owner: str
    days: int


def late_diligence(org_id: int, today: date) -> list[LateStream]:
    """Open workstreams running past the usual working days."""
    late = []
    for app in _deals(org_id, ("due_diligence",)):
        for stream in workstreams(app):
            days = working_days_between(stream.started_on, today)
            if stream.closed_at is None and days > DD_DAYS:
                late.append(LateStream(app, stream.kind, stream.owner.name, days))
    return late


def agenda(org_id: int) -> list[tuple[EquityApplication, object, object]]:
    """Applications before the committee, with the open meeting and its tally."""
    items = []
    for app in _deals(org_id, ("ic_review",)):
        meeting = open_meeting_of(app)
        items.append((app, meeting, tally(meeting) if meeting else None))
    return items


@dataclass(frozen=True)
class Holding:
    """A portfolio firm: its deal, its last report and the reports late."""

    application: EquityApplication
    last: Obligation | None
    late: list[Obligation]


def portfolio(org_id: int, today: date) -> list[Holding]:
    """Every portfolio firm with its last report filed and its late ones."""
    holdings = []
    for app in _deals(org_id, PORTFOLIO):
        owed = list(db.session.scalars(select(Obligation).where(
            Obligation.application_id == app.id).order_by(Obligation.period_end)))
        filed = [o for o in owed if o.submitted_at is not None]
        holdings.append(Holding(app, filed[-1] if filed else None,
                                [o for o in owed if o.submitted_at is None and o.due_on < today]))
    return holdings


def exits(org_id: int) -> list[tuple[EquityApplication, object]]:
    """Exited deals with their returns."""
    return [(app, returns(app)) for app in _deals(org_id, ("exited",))]
