"""The programme dashboard's counts: applications by state, the funnel, amounts per month.

Every figure is of the products founders apply for (the registry's, none named here) and of
the applications submitted in a period (dates in China; drafts never count: they are the
founder's own until submitted). A file is *decided* by the first partner's answer fired on
it and *approved* when that answer is yes: the transitions the definitions mark with an
``outcome``. Counts and sums are GROUP BYs in the database; months are the months in China
of the approving step, matched by their UTC bounds, so SQLite and PostgreSQL agree.
"""

from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.clock import day_start
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import TransitionLog
from talentfin.workflows.registry import products
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import Product

MONTHS_SHOWN = 36  # at most the last 36 months with decisions


@dataclass(frozen=True)
class Period:
    """Applications submitted from ``start`` to ``end`` (both included; None: open)."""

    start: date | None = None
    end: date | None = None

    def condition(self):
        """SQL: submitted, and within the period."""
        conditions = [Application.submitted_at.is_not(None),
                      Application.product.in_(product_keys())]
        if self.start is not None:
            conditions.append(Application.submitted_at >= day_start(self.start))
        if self.end is not None:
            conditions.append(Application.submitted_at < day_start(self.end + timedelta(days=1)))
        return and_(*conditions)

    def holds(self, application: Application) -> bool:
        """The same test of one application already read."""
        moment = application.submitted_at
        return (moment is not None and application.product in product_keys()
                and (self.start is None or moment >= day_start(self.start))
                and (self.end is None or moment < day_start(self.end + timedelta(days=1))))


def programme_products() -> tuple[Product, ...]:
    """The products founders apply for, in the registry's order."""
    return tuple(p for p in products() if p.founders_apply)


def product_keys() -> tuple[str, ...]:
    """Their keys."""
    return tuple(p.key for p in programme_products())


def outcome_triggers(product: Product, outcomes: tuple[str, ...]) -> tuple[str, ...]:
    """The product's transitions that give the partner's answer (of these outcomes)."""
    return tuple(t.trigger for t in product.workflow.transitions if t.outcome in outcomes)


def _answered(outcomes: tuple[str, ...]):
    """SQL over a log row joined to its application: the row is a partner's answer."""
    clauses = [and_(Application.product == p.key,
                    TransitionLog.trigger.in_(outcome_triggers(p, outcomes)))
               for p in programme_products() if outcome_triggers(p, outcomes)]
    return or_(*clauses) if clauses else false()


def first_answers(outcomes: tuple[str, ...]):
    """Subquery (id, at): each application's first answer of these outcomes, and when."""
    return (select(TransitionLog.application_id.label("id"),
                   func.min(TransitionLog.created_at).label("at"))
            .join(Application, Application.id == TransitionLog.application_id)
            .where(_answered(outcomes)).group_by(TransitionLog.application_id).subquery())


DECIDED = (APPROVE, REFUSE)
APPROVED = (APPROVE,)


def state_counts(period: Period) -> dict[str, list[tuple[str, int]]]:
    """Per product, (state, applications in it now) in the definition's order, the states
    holding none left out."""
    rows = db.session.execute(
        select(Application.product, Application.status, func.count())
        .where(period.condition()).group_by(Application.product, Application.status)).all()
    found = {(product, status): count for product, status, count in rows}
    return {p.key: [(s.name, found[(p.key, s.name)]) for s in p.workflow.states
                    if (p.key, s.name) in found] for p in programme_products()}


@dataclass(frozen=True)
class Funnel:
    """Submitted, reached the partner, decided by it, approved by it."""

    submitted: int = 0
    partner: int = 0
    decided: int = 0
    approved: int = 0

    @staticmethod
    def steps() -> tuple[str, ...]:
        """The steps in order (the drill-down's figure names)."""
        return ("submitted", "partner", "decided", "approved")

    def conversion_bp(self, step: str) -> int | None:
        """A step's count as whole basis points of the step before, half up (None for the
        first, or when the step before has none)."""
        index = self.steps().index(step)
        before = getattr(self, self.steps()[index - 1]) if index else 0
        return (getattr(self, step) * 20_000 + before) // (2 * before) if before else None


def funnels(period: Period) -> dict[str, Funnel]:
    """Per product, the funnel of the applications submitted in the period."""
    decided = select(first_answers(DECIDED).c.id)
    approved = select(first_answers(APPROVED).c.id)
    rows = db.session.execute(
        select(Application.product, func.count(), func.count(Application.partner_routed_at),
               func.count(case((Application.id.in_(decided), 1))),
               func.count(case((Application.id.in_(approved), 1))))
        .where(period.condition()).group_by(Application.product)).all()
    found = {row[0]: Funnel(*row[1:]) for row in rows}
    return {key: found.get(key, Funnel()) for key in product_keys()}


def step_condition(step: str):
    """SQL: the application reached a step of the funnel."""
    if step == "partner":
        return Application.partner_routed_at.is_not(None)
    if step in ("decided", "approved"):
        answers = first_answers(DECIDED if step == "decided" else APPROVED)
        return Application.id.in_(select(answers.c.id))
    return Application.submitted_at.is_not(None)


def month_bounds(month: str) -> tuple:
    """The UTC instants a month in China ("2026-03") starts and ends."""
    year, number = (int(part) for part in month.split("-"))
    following = date(year + number // 12, number % 12 + 1, 1)
    return day_start(date(year, number, 1)), day_start(following)


def _months_between(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months[-MONTHS_SHOWN:]


@dataclass(frozen=True)
class MonthAmounts:
    """The approvals of one month: per product, (files approved, their amount in fen)."""

    month: str
    products: dict[str, tuple[int, int]]

    def total_fen(self) -> int:
        """Every product's amount together."""
        return sum(fen for _count, fen in self.products.values())


def amounts_by_month(period: Period) -> list[MonthAmounts]:
    """Per month (in China) of the partner's approval, per product, the files approved and
    their amount as it stands now (for a loan: the disbursed amount once paid out, else the
    approved one), months without approvals included between the first and the last."""
    answers = first_answers(APPROVED)
    scope = (select(answers.c.at).join(Application, Application.id == answers.c.id)
             .where(period.condition()).subquery())
    first, last = db.session.execute(select(func.min(scope.c.at), func.max(scope.c.at))).one()
    if first is None:
        return []
    months = _months_between(business_date(first), business_date(last))
    month_of = case(*((answers.c.at < month_bounds(m)[1], m) for m in months), else_=None)
    amount = func.coalesce(Application.amount_fen, Application.requested_amount_fen, 0)
    rows = db.session.execute(
        select(month_of, Application.product, func.count(), func.sum(amount))
        .join(Application, Application.id == answers.c.id)
        .where(period.condition(), answers.c.at >= month_bounds(months[0])[0])
        .group_by(month_of, Application.product)).all()
    found = {(month, product): (count, int(total or 0)) for month, product, count, total in rows}
    return [MonthAmounts(m, {key: found.get((m, key), (0, 0)) for key in product_keys()})
            for m in months]


def month_condition(month: str):
    """SQL: the partner approved the application in this month (in China)."""
    answers = first_answers(APPROVED)
    start, end = month_bounds(month)
    return Application.id.in_(select(answers.c.id).where(answers.c.at >= start,
                                                         answers.c.at < end))
