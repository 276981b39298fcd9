"""Review queues: what waits for a reviewer, filtered, sorted and paginated in SQL."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from talentfin import policy
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows.registry import workflow_for

SORTS = {
    "oldest": (Application.status_changed_at.asc(), Application.id.asc()),
    "newest": (Application.status_changed_at.desc(), Application.id.desc()),
    "amount_desc": (Application.requested_amount_fen.desc(), Application.id.asc()),
    "amount_asc": (Application.requested_amount_fen.asc(), Application.id.asc()),
}


def actionable_states(role: str, product: str = "loan") -> list[str]:
    """States in which this role has something to do."""
    workflow = workflow_for(product)
    return [s for s in workflow.states
            if any(role in t.roles for t in workflow.triggers_from(s))]


@dataclass
class QueueFilter:
    """What the queue page was asked for."""

    status: str = ""  # "" = the states the role acts on; "all" = everything visible
    product: str = ""
    tier: str = ""
    min_amount_fen: int | None = None
    max_amount_fen: int | None = None
    mine: bool = False
    sort: str = "oldest"
    page: int = 1


@dataclass
class QueuePage:
    """One page of a queue."""

    items: list[Application]
    total: int
    page: int
    pages: int


def queue_page(user: User, wanted: QueueFilter, page_size: int) -> QueuePage:
    """The user's queue: visible applications matching the filter, one page of them."""
    query = select(Application).where(policy.visibility_clause(user))
    if wanted.status == "all":
        pass
    elif wanted.status:
        query = query.where(Application.status == wanted.status)
    elif actionable_states(user.role):
        query = query.where(Application.status.in_(actionable_states(user.role)))
    # Roles that act on nothing (the auditor) see everything visible by default.
    if wanted.product:
        query = query.where(Application.product == wanted.product)
    if wanted.tier:
        query = query.where(Application.talent_tier == wanted.tier)
    if wanted.min_amount_fen is not None:
        query = query.where(Application.requested_amount_fen >= wanted.min_amount_fen)
    if wanted.max_amount_fen is not None:
        query = query.where(Application.requested_amount_fen <= wanted.max_amount_fen)
    if wanted.mine:
        query = query.where(Application.claimed_by_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // page_size))
    page = min(max(1, wanted.page), pages)
    items = db.session.scalars(
        query.options(joinedload(Application.enterprise), joinedload(Application.claimed_by),
                      joinedload(Application.partner))
        .order_by(*SORTS.get(wanted.sort, SORTS["oldest"]))
        .offset((page - 1) * page_size).limit(page_size)
    ).unique().all()
    return QueuePage(list(items), total, page, pages)
