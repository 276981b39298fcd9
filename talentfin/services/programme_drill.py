"""The applications behind a number of the programme dashboard, paged.

Each figure's condition is the one its number was counted with (``programme_figures``,
``programme_timing``), so the total above the list is the number that linked to it.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.pool.records import Page
from talentfin.pool.records import paged
from talentfin.services.programme_figures import Funnel
from talentfin.services.programme_figures import Period
from talentfin.services.programme_figures import month_condition
from talentfin.services.programme_figures import step_condition
from talentfin.services.programme_timing import breaches
from talentfin.services.programme_timing import stage_times

# The figures a list may be asked for: a state now, a step of the funnel, a stage's files
# done (or past its service level), the service levels missed in an organisation's queue,
# the approvals of a month.
FIGURES = ("state", *Funnel.steps(), "stage", "over", "breach", "month")


@dataclass(frozen=True)
class Drill:
    """Which number's applications: the figure, its product and its other coordinates."""

    figure: str
    product: str
    state: str = ""
    org: int | None = None
    month: str = ""


def condition(drill: Drill, period: Period, today: date):
    """SQL: the applications behind the number."""
    figure = drill.figure
    if figure == "state":
        return Application.status == drill.state
    if figure in Funnel.steps():
        return step_condition(figure)
    if figure == "month":
        return month_condition(drill.month)
    if figure in ("stage", "over"):
        found = next((s for s in stage_times(period, today, drill.product)[drill.product]
                      if s.state == drill.state), None)
        ids = (found.done_ids if figure == "stage" else found.over_ids) if found else None
        return Application.id.in_(ids) if ids else false()
    if figure == "breach":
        ids = [i for b in breaches(period, today) if b.product == drill.product
               and b.org_id == drill.org for i in b.ids]
        return Application.id.in_(ids) if ids else false()
    return false()


def drill_page(drill: Drill, period: Period, today: date, page: int, size: int) -> Page:
    """One page of the applications behind the number (oldest submission first), with
    their count and the sum of their amounts (as they stand now)."""
    conditions = (period.condition(), Application.product == drill.product,
                  condition(drill, period, today))
    amount = func.coalesce(Application.amount_fen, Application.requested_amount_fen, 0)
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(amount), 0)).where(*conditions)).one()
    page, pages = paged(int(count), page, size)
    items = db.session.scalars(
        select(Application).options(joinedload(Application.enterprise),
                                    joinedload(Application.partner))
        .where(*conditions).order_by(Application.submitted_at, Application.id)
        .limit(size).offset((page - 1) * size)).all()
    return Page(list(items), int(count), page, pages, int(total))
