"""Review queues: what waits for a reviewer, filtered, sorted and paginated in SQL.

A page is read as plain rows (``QueueRow``: only the columns the page shows, in one
joined query). Pages follow one another by position (``queue_positions``): the pager's
links carry the position of the page's last or first row, so a deep page costs what the
first does. A page number without a position (a typed URL) is read with OFFSET.
"""

import json
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import literal_column
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services.notifications import UNREAD_COUNT
from talentfin.services.queue_positions import SORTS
from talentfin.services.queue_positions import beyond
from talentfin.services.queue_positions import decode_position
from talentfin.services.queue_positions import encode_position
from talentfin.services.queue_positions import order_terms
from talentfin.services.queue_positions import sort_key
from talentfin.services.queue_positions import sort_of
from talentfin.workflows.access import READ_ALL
from talentfin.workflows.access import visibility_clause
from talentfin.workflows.registry import generation
from talentfin.workflows.registry import products
from talentfin.workflows.registry import products_with_role
from talentfin.workflows.registry import workflow_for


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
    page: int = 1  # the page's number as shown (with a position) or read (without)
    after: str = ""  # a position: the page starts after it (the pager's "next")
    before: str = ""  # a position: the page ends before it (the pager's "previous")


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
    """One page of a queue. ``total`` is exact up to COUNT_CAP; above it, the planner's
    estimate where the database gives one (``estimated``: shown as "about N"), else
    COUNT_CAP (``total_capped``: "more than N")."""

    items: list[QueueRow]
    total: int
    page: int
    pages: int
    total_capped: bool = False
    org_names: tuple[str | None, str | None] = (None, None)  # the user's organisation, zh/en
    unread: int = 0  # the user's unread notifications, for the navigation bar
    previous_position: str | None = None  # where the previous page ends (None: first page)
    next_position: str | None = None  # where the next page starts (None: last page)
    estimated: bool = False

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


def visible_states(role: str) -> tuple[tuple[str, str], ...]:
    """(product, state) pairs of everything the role may see: its products' states (every
    product's for a role that reads all), each one index range."""
    return _visible_states(role, generation())


@lru_cache(maxsize=64)
def _visible_states(role: str, _generation: int) -> tuple[tuple[str, str], ...]:
    shown = products() if may(role, READ_ALL) else products_with_role(role)
    return tuple((p.key, state) for p in shown for state in p.workflow.state_names)


def chosen_pairs(role: str, wanted: QueueFilter) -> tuple[tuple[str, str], ...]:
    """The (product, state) pairs a filter selects among what the role may see: its
    queue by default, "all", one state (of every product that has it), one product's."""
    visible = visible_states(role)
    if wanted.status == "all":
        pairs = visible
    elif wanted.status:
        pairs = tuple(pair for pair in visible if pair[1] == wanted.status)
    else:
        # Roles that act on nothing (the auditor) see everything visible by default.
        pairs = queue_states(role) or visible
    if wanted.product:
        pairs = tuple(pair for pair in pairs if pair[0] == wanted.product)
    return pairs


def queue_conditions(user, wanted: QueueFilter) -> tuple[list, tuple | None]:
    """The WHERE conditions, and the (product, status) pairs the filter selects (None:
    nothing to select; the conditions then select nothing)."""
    conditions = [visibility_clause(user), *_filters(wanted)]
    statuses = chosen_pairs(user.role, wanted)
    if not statuses:
        conditions.append(false())
    return conditions, statuses or None


def _filters(wanted: QueueFilter) -> list:
    """The filters besides the states (their values bound)."""
    conditions = []
    if wanted.tier:
        conditions.append(Application.talent_tier == bindparam("tier"))
    # The amount bounds on the amount sorts' key (the amount indexes' expression), so that
    # an amount-sorted page seeks its range instead of reading every entry to filter; an
    # application without an amount matches no amount filter.
    amount = sort_key(Application, SORTS["amount_asc"])
    if wanted.min_amount_fen is not None:
        conditions += [amount >= bindparam("min_amount_fen"),
                       Application.requested_amount_fen.is_not(None)]
    if wanted.max_amount_fen is not None:
        conditions += [amount <= bindparam("max_amount_fen"),
                       Application.requested_amount_fen.is_not(None)]
    if wanted.mine:
        conditions.append(Application.claimed_by_id == bindparam("user_id"))
    return conditions


def _where(conditions: list, pairs, mine: bool) -> list:
    """The WHERE terms of a page or count: the conditions, the state in one of the pairs.

    "Only items I claimed" reads the claims index: a person holds a few hundred items at
    most, while the queue's ranges hold up to a hundred thousand to filter one by one. The
    other terms are then asked as one ``IS TRUE``, which no index can serve, so that SQLite
    (which plans without statistics) does not prefer the queue index's range to the claims.
    """
    terms = [*conditions, tuple_(Application.product, Application.status).in_(pairs.members())]
    if not mine:
        return terms
    return [Application.claimed_by_id == bindparam("user_id"), and_(*terms).is_(true())]


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


class _Pairs:
    """The chosen (product, state) pairs as one bound value, so that one statement serves
    every choice of states: a JSON array read by ``json_each`` on SQLite, two arrays read
    by ``unnest`` on PostgreSQL. Spelled out as literals instead, "all I can see" made a
    park reviewer's statement a union of 107 branches, 100 ms to build and compile for
    each new filter (and PostgreSQL planned it again on every request)."""

    def __init__(self, dialect: str, name: str = "pr"):
        self.dialect = dialect
        if dialect == "postgresql":
            self.table = func.unnest(
                bindparam("pair_products", type_=ARRAY(String)),
                bindparam("pair_states", type_=ARRAY(String)),
            ).table_valued("product", "status").render_derived(name=name)
            self.product, self.status = self.table.c.product, self.table.c.status
        else:
            self.table = func.json_each(bindparam("pairs")).table_valued("value").alias(name)
            self.product = func.json_extract(self.table.c.value, literal_column("'$[0]'"))
            self.status = func.json_extract(self.table.c.value, literal_column("'$[1]'"))

    def members(self):
        """A subquery of the pairs, for ``(product, status) IN (...)``."""
        return select(self.product, self.status).select_from(self.table)

    @staticmethod
    def params(pairs: tuple[tuple[str, str], ...]) -> dict:
        """The bound values of the pairs, for either database."""
        return {"pairs": json.dumps(pairs), "pair_products": [p for p, _s in pairs],
                "pair_states": [s for _p, s in pairs]}


def _page_subquery(conditions: list, dialect: str, sort_name: str, way: str,
                   mine: bool = False) -> object:
    """One page of ids with their sort key, read from the queue indexes.

    ``way`` is "offset" (a page number), "after" or "before" (a position), or "last"
    (the last page). For every sort each (product, status) pair is a separate index range
    already in order (the queue indexes for the waiting time, the amount indexes for the
    amount): for each pair the database reads at most a page (or offset + page) of index
    entries from the position on, and the pairs' rows are merged: the cost does not grow
    with the length of the queue. Only the items a user holds (``mine``) are read by the
    claims index and sorted: they are few.
    """
    sort = sort_of(sort_name)
    backwards = way in ("before", "last")
    key = sort_key(Application, sort)
    bound = [beyond(key, Application.id, sort, backwards)] if way in ("after", "before") \
        else []
    order = order_terms(key, Application.id, sort, backwards)
    pairs = _Pairs(dialect)
    if mine:
        query = select(Application.id, key.label("sort_key")) \
            .where(*_where(conditions, pairs, mine), *bound).order_by(*order)
    else:
        branch = select(Application.id, key.label("sort_key")).where(
            *conditions, Application.product == pairs.product,
            Application.status == pairs.status, *bound,
        ).order_by(*order).limit(bindparam("branch_limit"))
        if dialect == "postgresql":
            # For each pair, its range read in order (a nested loop of index scans).
            each = branch.lateral("branch")
            query = select(each.c.id, each.c.sort_key).select_from(pairs.table) \
                .join(each, true())
            merged_key, merged_id = each.c.sort_key, each.c.id
        else:
            # SQLite has no LATERAL: each pair's rows are found by rowid.
            picked = Application.__table__.alias("picked")
            merged_key, merged_id = sort_key(picked.c, sort), picked.c.id
            query = select(merged_id, merged_key.label("sort_key")) \
                .select_from(pairs.table) \
                .join(picked, merged_id.in_(branch.with_only_columns(Application.id)))
        query = query.order_by(*order_terms(merged_key, merged_id, sort, backwards))
    if way == "offset":
        query = query.offset(bindparam("offset"))
    return query.limit(bindparam("limit")).subquery("page")


CLAIMER = aliased(User)


def _shape(wanted: QueueFilter) -> tuple:
    """What of a filter changes the SQL's text (values, the states' pairs included, are
    bound parameters)."""
    return (bool(wanted.tier), wanted.min_amount_fen is not None,
            wanted.max_amount_fen is not None, wanted.mine, wanted.sort, _way(wanted))


def _way(wanted: QueueFilter) -> str:
    """How the page is found: after a position, before one, or by its number."""
    if wanted.before == LAST_PAGE:
        return "last"
    return "after" if wanted.after else "before" if wanted.before else "offset"


LAST_PAGE = "last"  # not a position (those are base64 of "key|id"): read from the end


@lru_cache(maxsize=512)
def _statements(role: str, shape: tuple, dialect: str, _generation: int):
    """(header, page rows with the header) statements of one query shape, built once.

    Reusing the statement objects spares SQLAlchemy rebuilding them and their cache keys
    on every request; the compiled SQL is then found in the engine's cache.
    """
    tier, min_amount, max_amount, mine, sort, way = shape
    wanted = QueueFilter(tier="?" if tier else "", min_amount_fen=0 if min_amount else None,
                         max_amount_fen=0 if max_amount else None, mine=mine, sort=sort)
    conditions = [visibility_clause(_BoundUser(role)), *_filters(wanted)]
    pairs = _Pairs(dialect, "counted")
    if dialect == "postgresql" and not mine:
        # Pair by pair, each range read up to the cap (a semi-join on the array could read
        # the organisation's whole range to find a rare state's rows).
        each = select(Application.id).where(
            *conditions, Application.product == pairs.product,
            Application.status == pairs.status,
        ).limit(bindparam("cap")).lateral("each_pair")
        counted = select(each.c.id).select_from(pairs.table).join(each, true())
    else:
        counted = select(Application.id).where(*_where(conditions, pairs, mine))
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
    page = _page_subquery(conditions, dialect, sort, way, mine)
    rows = (
        select(Application.id, Application.reference, Application.product,
               func.coalesce(Application.firm_name, Enterprise.name),
               Application.talent_tier, Application.amount_fen, Application.status,
               Application.status_changed_at, CLAIMER.name, page.c.sort_key,
               *header)
        # At most one page of rows, found by primary key, joined in the database.
        .select_from(page)
        .join(Application, Application.id == page.c.id)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .outerjoin(CLAIMER, CLAIMER.id == Application.claimed_by_id)
        .order_by(*order_terms(page.c.sort_key, page.c.id, sort_of(sort),
                               way in ("before", "last")))
    )
    return select(*header), rows, conditions


def queue_page(user: User, wanted: QueueFilter, page_size: int) -> QueuePage:
    """The user's queue: visible applications matching the filter, one page of them.

    One statement reads the page asked for with the header (the capped count, the
    organisation's names, the unread notifications); a page one row longer than shown
    tells whether another follows. A page after a position whose rows have all left falls
    back to the last page; a page before a position with nothing before
    it, to the first page; a numbered page past the end, to the last page.
    """
    if user.role == FOUNDER:  # founders have no queue; their visibility is not a bind
        return QueuePage([], 0, 1, 1)
    sort = sort_of(wanted.sort)
    position = decode_position(sort, wanted.after or wanted.before)
    if position is None:  # none given, or not a position of this sort
        wanted = replace(wanted, after="", before="")
    params = {"user_id": user.id, "org_id": user.org_id, "tier": wanted.tier,
              "min_amount_fen": wanted.min_amount_fen,
              "max_amount_fen": wanted.max_amount_fen, "cap": COUNT_CAP + 1}
    if position is not None:
        params.update(position_key=position[0], position_id=position[1])
    reader = _Reader(user.role, chosen_pairs(user.role, wanted), params, page_size)
    found = reader.read(wanted)
    if not found and wanted.after:
        wanted = replace(wanted, after="", before=LAST_PAGE, page=max(1, wanted.page - 1))
        found = reader.read(wanted)
    if not found and wanted.before:
        wanted = replace(wanted, before="", page=1)
        found = reader.read(wanted)
    total, name, name_en, unread = found[0][-4:] if found else reader.header(wanted)
    capped = total > COUNT_CAP
    if not found and wanted.page > 1 and not capped:
        wanted = replace(wanted, page=max(1, -(-total // page_size)))
        found = reader.read(wanted)
    estimate = reader.estimate(wanted) if capped else None
    more = len(found) > page_size
    if wanted.before:
        found = found[-page_size:]
        # Read from the end (the rows after a page had all left): nothing follows it.
        first_page, last_page = not more, wanted.before == LAST_PAGE
    else:
        found = found[:page_size]
        first_page, last_page = not wanted.after and wanted.page <= 1, not more
    page = 1 if first_page else max(2, wanted.page)
    if last_page and not first_page and not capped:
        page = max(2, -(-total // page_size))  # the last page's number, from the count
    shown = estimate if estimate is not None else min(total, COUNT_CAP)
    pages = max(1, -(-shown // page_size), page + (0 if last_page else 1))
    if last_page:
        pages = page
    rows = [QueueRow(*row[:-5]) for row in found]
    return QueuePage(
        rows, shown, page, pages, capped and estimate is None, (name, name_en), unread,
        previous_position=None if first_page or not found
        else encode_position(sort, found[0][-5], rows[0].id),
        next_position=None if last_page or not found
        else encode_position(sort, found[-1][-5], rows[-1].id),
        estimated=estimate is not None)


@lru_cache(maxsize=256)
def _estimate_sql(role: str, shape: tuple, pairs: tuple, dialect, _generation: int):
    """The EXPLAIN of the queue's count with the pairs written out (the planner estimates
    literal values from its statistics, not a bound array) and the other values bound, as
    SQL text with its parameters' defaults: built and compiled once per choice, not on
    every request (3 ms for a park reviewer's 107 pairs)."""
    _header, _rows, conditions = _statements(role, shape, dialect.name, _generation)
    counted = select(Application.id).where(*conditions, state_pairs(pairs))
    # The request's values are given at execution: compiled here with placeholders (None).
    unset = {element.key: None for element in visitors.iterate(counted)
             if isinstance(element, BindParameter) and element.required}
    compiled = counted.params(**unset).compile(
        dialect=dialect, compile_kwargs={"render_postcompile": True})
    return "EXPLAIN (FORMAT JSON) " + str(compiled), dict(compiled.params)


class _Reader:
    """Runs one user's queue statements (Core execution: plain rows, no ORM machinery)."""

    def __init__(self, role: str, pairs: tuple, params: dict, page_size: int):
        self.role, self.pairs, self.page_size = role, pairs, page_size
        self.params = {**params, **_Pairs.params(pairs)}
        self.connection = db.session.connection()
        self.dialect = self.connection.dialect.name

    def read(self, wanted: QueueFilter) -> list:
        """The page's rows with the header, one more than shown, in the queue's order."""
        _header, rows, _conditions = _statements(self.role, _shape(wanted), self.dialect,
                                              generation())
        offset = 0 if wanted.after or wanted.before else (max(1, wanted.page) - 1) * self.page_size
        found = self.connection.execute(rows, {
            **self.params, "offset": offset, "limit": self.page_size + 1,
            "branch_limit": offset + self.page_size + 1}).all()
        return found[::-1] if wanted.before else found

    def header(self, wanted: QueueFilter) -> tuple:
        """The header alone (for an empty page)."""
        header, _rows, _conditions = _statements(self.role, _shape(wanted), self.dialect,
                                              generation())
        return tuple(self.connection.execute(header, self.params).one())

    def estimate(self, wanted: QueueFilter) -> int | None:
        """The planner's estimate of the queue's length (PostgreSQL), or None."""
        if self.connection.dialect.name != "postgresql":
            return None
        sql, defaults = _estimate_sql(self.role, _shape(wanted), self.pairs,
                                      self.connection.dialect, generation())
        values = {**defaults, **{name: value for name, value in self.params.items()
                                 if name in defaults}}
        plan = self.connection.exec_driver_sql(sql, values).scalar()
        rows = int(plan[0]["Plan"]["Plan Rows"])
        return rows if rows > COUNT_CAP else None
