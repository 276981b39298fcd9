"""Review queues: what waits for a reviewer, filtered, sorted and paginated in SQL."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import union_all
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
    """States in which a decision of this role is awaited (the default queue)."""
    workflow = workflow_for(product)
    return [s for s in workflow.states
            if any(role in t.roles and t.queued for t in workflow.triggers_from(s))]


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
    """One page of a queue; ``total`` stops counting at COUNT_CAP (shown as "1000+")."""

    items: list[Application]
    total: int
    page: int
    pages: int
    total_capped: bool = False


COUNT_CAP = 1000


def _conditions(user: User, wanted: QueueFilter) -> tuple[list, list[str] | None]:
    """The WHERE conditions, and the statuses to search one by one (None: any status)."""
    conditions = [policy.visibility_clause(user)]
    statuses = None
    if wanted.status and wanted.status != "all":
        statuses = [wanted.status]
    elif not wanted.status and actionable_states(user.role):
        statuses = actionable_states(user.role)
    # Roles that act on nothing (the auditor) see everything visible by default.
    if wanted.product:
        conditions.append(Application.product == wanted.product)
    if wanted.tier:
        conditions.append(Application.talent_tier == wanted.tier)
    if wanted.min_amount_fen is not None:
        conditions.append(Application.requested_amount_fen >= wanted.min_amount_fen)
    if wanted.max_amount_fen is not None:
        conditions.append(Application.requested_amount_fen <= wanted.max_amount_fen)
    if wanted.mine:
        conditions.append(Application.claimed_by_id == user.id)
    return conditions, statuses


def _page_ids(conditions: list, statuses: list[str] | None, sort: str, offset: int,
              limit: int) -> list[int]:
    """Ids of one page, without loading rows.

    For the waiting-time sorts each status is a separate index range already in order, so
    each branch reads at most offset + limit index entries and the union is merged; the
    cost does not grow with the length of the queue.
    """
    order = SORTS.get(sort, SORTS["oldest"])
    if statuses is None or sort not in ("oldest", "newest"):
        query = select(Application.id).where(*conditions)
        if statuses is not None:
            query = query.where(Application.status.in_(statuses))
        return list(db.session.scalars(query.order_by(*order).offset(offset).limit(limit)))
    branches = [
        select(Application.id, Application.status_changed_at)
        .where(*conditions, Application.status == status)
        .order_by(*order).limit(offset + limit).subquery()
        for status in statuses
    ]
    merged = union_all(*(select(b.c.id, b.c.status_changed_at) for b in branches)).subquery()
    direction = "asc" if sort == "oldest" else "desc"
    merged_order = (getattr(merged.c.status_changed_at, direction)(),
                    getattr(merged.c.id, direction)())
    return list(db.session.scalars(
        select(merged.c.id).order_by(*merged_order).offset(offset).limit(limit)))


def queue_page(user: User, wanted: QueueFilter, page_size: int) -> QueuePage:
    """The user's queue: visible applications matching the filter, one page of them."""
    conditions, statuses = _conditions(user, wanted)
    counted = select(Application.id).where(*conditions)
    if statuses is not None:
        counted = counted.where(Application.status.in_(statuses))
    total = db.session.scalar(
        select(func.count()).select_from(counted.limit(COUNT_CAP + 1).subquery()))
    capped = total > COUNT_CAP
    pages = max(1, -(-min(total, COUNT_CAP) // page_size))
    if capped:
        pages = max(pages, wanted.page)  # "next" keeps working past the counted part
    page = min(max(1, wanted.page), pages)
    ids = _page_ids(conditions, statuses, wanted.sort, (page - 1) * page_size, page_size)
    rows = db.session.scalars(
        select(Application).where(Application.id.in_(ids))
        # Joining is cheap now: at most one page of rows, found by primary key.
        .options(joinedload(Application.enterprise), joinedload(Application.claimed_by),
                 joinedload(Application.partner))
    ).all() if ids else []
    by_id = {row.id: row for row in rows}
    items = [by_id[i] for i in ids if i in by_id]
    return QueuePage(items, min(total, COUNT_CAP), page, pages, capped)
