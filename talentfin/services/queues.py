"""Review queues: what waits for a reviewer, filtered, sorted and paginated in SQL.

A page is read as plain rows (``QueueRow``: only the columns the page shows, in one
joined query), so the view can render it from values alone and memoise the rendering
on those values (see ``views/queue.py``).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import union_all
from sqlalchemy.orm import aliased

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services.notifications import UNREAD_COUNT
from talentfin.workflows.access import visibility_clause
from talentfin.workflows.registry import generation
from talentfin.workflows.registry import products_with_role
from talentfin.workflows.registry import workflow_for

# Each sort as (column, direction) pairs, applied to the table or to a subquery's columns.
SORTS = {
    "oldest": (("status_changed_at", "asc"), ("id", "asc")),
    "newest": (("status_changed_at", "desc"), ("id", "desc")),
    "amount_desc": (("requested_amount_fen", "desc"), ("id", "asc")),
    "amount_asc": (("requested_amount_fen", "asc"), ("id", "asc")),
}


def _order(columns, sort: str) -> tuple:
    """ORDER BY terms of a sort over ``columns`` (the model, or a subquery's ``.c``)."""
    return tuple(getattr(getattr(columns, name), direction)()
                 for name, direction in SORTS.get(sort, SORTS["oldest"]))


def actionable_states(role: str, product: str) -> tuple[str, ...]:
    """States of a product in which a decision of this role is awaited (its queue)."""
    workflow = workflow_for(product)
    return tuple(s for s in workflow.state_names
                 if any(role in t.roles and t.queued for t in workflow.triggers_from(s)))


def queue_states(role: str) -> tuple[tuple[str, str], ...]:
    """(product, state) pairs of a role's default queue: each one index range (organisation,
    product, status) already in waiting order."""
    return tuple((p.key, state) for p in products_with_role(role)
                 for state in actionable_states(role, p.key))


@dataclass(frozen=True)
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


class QueueRow(NamedTuple):
    """What the queue shows of one application (plain values, hashable)."""

    id: int
    reference: str | None
    product: str
    enterprise_name: str
    talent_tier: str | None
    amount_fen: int | None  # the amount that counts now, as the product defines it
    status: str
    status_changed_at: datetime
    claimed_by_name: str | None


@dataclass
class QueuePage:
    """One page of a queue; ``total`` stops counting at COUNT_CAP (shown as "1000+")."""

    items: list[QueueRow]
    total: int
    page: int
    pages: int
    total_capped: bool = False
    org_names: tuple[str | None, str | None] = (None, None)  # the user's organisation, zh/en
    unread: int = 0  # the user's unread notifications, for the navigation bar

    def org_name(self, locale: str) -> str:
        """The user's organisation in the reader's language (as Organisation.display_name)."""
        name, name_en = self.org_names
        return (name_en if locale == "en" and name_en else name) or ""


COUNT_CAP = 1000


class _BoundUser(NamedTuple):
    """A stand-in for the user whose identifiers are bound parameters, so that one
    statement per query shape is built, compiled and cached, then run with the values."""

    role: str
    id: object = bindparam("user_id")
    org_id: object = bindparam("org_id")
    enterprise_id: object = None


def queue_conditions(user, wanted: QueueFilter) -> tuple[list, tuple | None]:
    """The WHERE conditions, and the (product, status) pairs to search one by one (None:
    any status; a None product: any product)."""
    conditions = [visibility_clause(user)]
    statuses = None
    if wanted.status and wanted.status != "all":
        statuses = ((None, wanted.status),)
    elif not wanted.status and queue_states(user.role):
        statuses = queue_states(user.role)
    # Roles that act on nothing (the auditor) see everything visible by default.
    if wanted.product:
        conditions.append(Application.product == bindparam("product"))
    if wanted.tier:
        conditions.append(Application.talent_tier == bindparam("tier"))
    if wanted.min_amount_fen is not None:
        conditions.append(Application.requested_amount_fen >= bindparam("min_amount_fen"))
    if wanted.max_amount_fen is not None:
        conditions.append(Application.requested_amount_fen <= bindparam("max_amount_fen"))
    if wanted.mine:
        conditions.append(Application.claimed_by_id == bindparam("user_id"))
    return conditions, statuses


_PAGE_COLUMNS = (Application.id, Application.status_changed_at,
                 Application.requested_amount_fen)


def _pair(product: str | None, status: str) -> list:
    """Conditions of one (product, status) pair of the queue."""
    if product is None:
        return [Application.status == status]
    return [Application.product == product, Application.status == status]


def state_pairs(statuses: tuple) -> object:
    """One condition over several (product, status) pairs (literal values): per product,
    its statuses as one IN list, so the count seeks each (organisation, product, status)
    range of the index instead of scanning the organisation's whole product range."""
    by_product: dict[str | None, list[str]] = {}
    for product, state in statuses:
        by_product.setdefault(product, []).append(state)
    groups = []
    for product, states in by_product.items():
        condition = Application.status.in_([literal(state) for state in states])
        groups.append(condition if product is None
                      else and_(Application.product == literal(product), condition))
    return groups[0] if len(groups) == 1 else or_(*groups)


def _page_subquery(conditions: list, statuses: tuple | None, sort: str):
    """One page of ids (with their sort keys), read from the queue indexes only.

    For the waiting-time sorts each status is a separate index range already in order, so
    each branch reads at most offset + limit index entries and the union is merged; the
    cost does not grow with the length of the queue.
    """
    order = _order(Application, sort)
    offset, limit = bindparam("offset"), bindparam("limit")
    if statuses is None or sort not in ("oldest", "newest"):
        query = select(*_PAGE_COLUMNS).where(*conditions)
        if statuses is not None:
            query = query.where(state_pairs(statuses))
        return query.order_by(*order).offset(offset).limit(limit).subquery("page")
    branches = [
        select(*_PAGE_COLUMNS)
        .where(*conditions, *_pair(product, status))
        .order_by(*order).limit(bindparam("branch_limit")).subquery()
        for product, status in statuses
    ]
    merged = union_all(*(select(*b.c) for b in branches)).subquery()
    return (select(*merged.c).order_by(*_order(merged.c, sort))
            .offset(offset).limit(limit).subquery("page"))


CLAIMER = aliased(User)


def _shape(wanted: QueueFilter) -> tuple:
    """What of a filter changes the SQL's text (values are bound parameters)."""
    return (wanted.status, bool(wanted.product), bool(wanted.tier),
            wanted.min_amount_fen is not None, wanted.max_amount_fen is not None,
            wanted.mine, wanted.sort)


@lru_cache(maxsize=512)
def _statements(role: str, shape: tuple, _generation: int):
    """(header, page rows with the header) statements of one query shape, built once.

    Reusing the statement objects spares SQLAlchemy rebuilding them and their cache keys
    on every request; the compiled SQL is then found in the engine's cache.
    """
    status, product, tier, min_amount, max_amount, mine, sort = shape
    wanted = QueueFilter(status=status, product="?" if product else "",
                         tier="?" if tier else "", min_amount_fen=0 if min_amount else None,
                         max_amount_fen=0 if max_amount else None, mine=mine, sort=sort)
    conditions, statuses = queue_conditions(_BoundUser(role), wanted)
    counted = select(Application.id).where(*conditions)
    if statuses is not None:
        # Literal values, not an expanding list: no per-execution rewriting of the SQL.
        counted = counted.where(state_pairs(statuses))
    # Uncorrelated scalar subqueries, computed once per statement: the capped count, the
    # header's organisation names and the navigation bar's unread count come with the
    # page's rows, in one round trip.
    header = (
        select(func.count()).select_from(counted.limit(bindparam("cap")).subquery())
        .scalar_subquery(),
        select(Organisation.name).where(Organisation.id == bindparam("org_id"))
        .scalar_subquery(),
        select(Organisation.name_en).where(Organisation.id == bindparam("org_id"))
        .scalar_subquery(),
        UNREAD_COUNT.scalar_subquery(),
    )
    page = _page_subquery(conditions, statuses, sort)
    rows = (
        select(Application.id, Application.reference, Application.product,
               func.coalesce(Application.firm_name, Enterprise.name),
               Application.talent_tier, Application.amount_fen, Application.status,
               Application.status_changed_at, CLAIMER.name,
               *header)
        # At most one page of rows, found by primary key, joined in the database.
        .select_from(page)
        .join(Application, Application.id == page.c.id)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .outerjoin(CLAIMER, CLAIMER.id == Application.claimed_by_id)
        .order_by(*_order(page.c, sort))
    )
    return select(*header), rows


def queue_page(user: User, wanted: QueueFilter, page_size: int) -> QueuePage:
    """The user's queue: visible applications matching the filter, one page of them.

    One statement reads the page asked for with the header (the capped count, the
    organisation's names, the unread notifications); only when that page is empty (an
    empty queue, or a page past the end) is the header read alone, to fall back to the
    last page.
    """
    if user.role == FOUNDER:  # founders have no queue; their visibility is not a bind
        return QueuePage([], 0, 1, 1)
    header, rows = _statements(user.role, _shape(wanted), generation())
    params = {"user_id": user.id, "org_id": user.org_id, "product": wanted.product,
              "tier": wanted.tier, "min_amount_fen": wanted.min_amount_fen,
              "max_amount_fen": wanted.max_amount_fen, "cap": COUNT_CAP + 1}
    # Core execution: plain rows, none of the ORM's result machinery.
    connection = db.session.connection()

    def read(page: int) -> list:
        offset = (page - 1) * page_size
        return connection.execute(rows, {**params, "offset": offset, "limit": page_size,
                                         "branch_limit": offset + page_size}).all()

    page = max(1, wanted.page)
    found = read(page)
    total, name, name_en, unread = (found[0][-4:] if found
                                    else connection.execute(header, params).one())
    capped = total > COUNT_CAP
    pages = max(1, -(-min(total, COUNT_CAP) // page_size))
    if capped:
        pages = max(pages, page)  # "next" keeps working past the counted part
    if page > pages:
        page = pages
        found = read(page) if total else []
    items = [QueueRow(*row[:-4]) for row in found]
    return QueuePage(items, min(total, COUNT_CAP), page, pages, capped, (name, name_en), unread)
