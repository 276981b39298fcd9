"""The programme dashboard's times: working days in each stage, and the service levels missed.

A *stage* is a state in someone's queue (``State.actor``). A file's time in a stage is the
working days (in China, holidays and adjusted working days counted as ``workdays`` says)
of every stay it made there, added up: a file the bank sends back to its founder and gets
again spends two stays in bank review, the founder's time between them not counted. Only
files that have left the stage count towards its median and p90 (a file still in it has
no time yet); they are shown beside as "in it now". Stays are paired in SQL (each log
row with the next one of its file, by a window function); the calendar is Python's.

The service levels missed are the open items past their state's limit today, as the SLA
jobs see them (``services.sla``), by the organisation whose queue they wait in.
"""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import Decimal

from sqlalchemy import DateTime
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import TransitionLog
from talentfin.services.programme_figures import Period
from talentfin.services.programme_figures import programme_products
from talentfin.services.sla import queue_organisation
from talentfin.services.sla import thresholds
from talentfin.services.sla import waiting_past
from talentfin.workdays import working_days_between
from talentfin.workflows.registry import workflow_for


@dataclass
class StageTime:
    """A stage's figures: files done with it, median and p90 of their working days in it,
    those that stayed past its service level (None: the stage has none), files in it now."""

    product: str
    state: str
    days: list[int] = field(default_factory=list)
    done_ids: list[int] = field(default_factory=list)
    over_ids: list[int] | None = None
    now: int = 0

    @property
    def done(self) -> int:
        """Files that left the stage."""
        return len(self.done_ids)

    @property
    def median(self) -> Decimal | None:
        """The median working days (the mean of the middle two of an even count)."""
        values = sorted(self.days)
        if not values:
            return None
        middle = len(values) // 2
        if len(values) % 2:
            return Decimal(values[middle])
        return Decimal(values[middle - 1] + values[middle]) / 2

    @property
    def p90(self) -> int | None:
        """The 90th percentile, nearest rank: the fewest days within which 90 % were done."""
        values = sorted(self.days)
        return values[-(-9 * len(values) // 10) - 1] if values else None


def stages(product) -> tuple[str, ...]:
    """A product's stages: its states in someone's queue, in the definition's order."""
    return tuple(s.name for s in product.workflow.states if s.actor)


def _stays(period: Period, only: str | None = None):
    """(application, product, state, entered, left, status now) of each stay in a stage;
    ``left`` is None while it lasts. A step into the same state is no new stay."""
    log = TransitionLog
    moves = (select(log.application_id, Application.product, Application.status,
                    log.to_state, log.created_at,
                    # Typed, or SQLite hands the window's value back as text.
                    func.lead(log.created_at, type_=DateTime).over(
                        partition_by=log.application_id, order_by=log.seq).label("left_at"))
             .join(Application, Application.id == log.application_id)
             .where(period.condition(), log.from_state != log.to_state,
                    *((Application.product == only,) if only else ()))
             .subquery())
    wanted = or_(*(and_(moves.c.product == p.key, moves.c.to_state.in_(stages(p)))
                   for p in programme_products() if only in (None, p.key)))
    return db.session.execute(
        select(moves.c.application_id, moves.c.product, moves.c.to_state, moves.c.created_at,
               moves.c.left_at, moves.c.status).where(wanted)
        .order_by(moves.c.application_id, moves.c.created_at)).all()


def stage_times(period: Period, today: date, only: str | None = None) -> dict[str, list]:
    """Per product (or only one), its stages' ``StageTime`` in the definition's order."""
    chosen = [p for p in programme_products() if only in (None, p.key)]
    found = {(p.key, s): StageTime(p.key, s) for p in chosen for s in stages(p)}
    spent: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    over: dict[tuple, set[int]] = defaultdict(set)
    limits = {(p.key, s.name): thresholds(p.key, s.name, today)[1]
              for p in chosen for s in p.workflow.states if s.actor and s.sla}
    for app_id, product, state, entered, left_at, status in _stays(period, only):
        key = (product, state)
        if status == state:  # in it now: no time yet
            continue
        days = working_days_between(business_date(entered), business_date(left_at))
        spent[key][app_id] += days
        if key in limits and _past_limit(product, state, entered, left_at, days,
                                         limits[key]):
            over[key].add(app_id)
    for (product, state), stage in found.items():
        files = spent.get((product, state), {})
        stage.done_ids = sorted(files)
        stage.days = [files[i] for i in stage.done_ids]
        if workflow_for(product).state(state).sla is not None:
            stage.over_ids = sorted(over.get((product, state), ()))
    now = db.session.execute(
        select(Application.product, Application.status, func.count())
        .where(period.condition()).group_by(Application.product, Application.status)).all()
    for product, status, count in now:
        if (product, status) in found:
            found[(product, status)].now = count
    return {p.key: [found[(p.key, s)] for s in stages(p)] for p in chosen}


def _past_limit(product: str, state: str, entered, left_at, days: int, limit: int) -> bool:
    """Whether a stay outlasted its state's service level (today's limit; calendar days
    where the limit is a legal clock)."""
    if workflow_for(product).state(state).sla.calendar:
        days = (business_date(left_at) - business_date(entered)).days
    return days > limit


@dataclass(frozen=True)
class Breach:
    """Open items past their service level in one organisation's queue, of one product."""

    org_id: int | None
    product: str
    ids: tuple[int, ...]


def breaches(period: Period, today: date) -> list[Breach]:
    """The open items past their state's limit today, by organisation and product."""
    keys = [p.key for p in programme_products()]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for application, _days, _limit in waiting_past(today, 1):
        if period.holds(application):
            groups[(queue_organisation(application), application.product)].append(
                application.id)
    order = {key: index for index, key in enumerate(keys)}
    return [Breach(org, product, tuple(sorted(ids)))
            for (org, product), ids in sorted(groups.items(),
                                              key=lambda i: (i[0][0] or 0, order[i[0][1]]))]


def organisations(found: list[Breach]) -> dict[int, Organisation]:
    """The organisations the breaches name, by id."""
    ids = {b.org_id for b in found if b.org_id is not None}
    rows = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))).all() \
        if ids else []
    return {o.id: o for o in rows}
