"""The review queue's SQL: one statement per role and filter shape (tier, amounts, claimed,
sort, paging direction), built and compiled once; the user, the values and the chosen
(product, state) pairs are bound at each request (``services.queues`` runs them)."""

import json
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import String
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services.inbox import UNREAD_COUNT
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_filter import chosen_pairs
from talentfin.services.queue_filter import state_pairs
from talentfin.services.queue_positions import SORTS
from talentfin.services.queue_positions import beyond
from talentfin.services.queue_positions import order_terms
from talentfin.services.queue_positions import sort_key
from talentfin.services.queue_positions import sort_of
from talentfin.services.queue_whole import whole_count
from talentfin.services.queue_whole import whole_order
from talentfin.services.queue_whole import whole_page
from talentfin.services.queue_whole import whole_products
from talentfin.workflows.access import visibility_clause


class _BoundUser(NamedTuple):
    """A stand-in for the user whose identifiers are bound parameters, so that one
    statement per query shape is built, compiled and cached, then run with the values."""

    role: str
    id: object = bindparam("user_id")
    org_id: object = bindparam("org_id")
    enterprise_id: object = None


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
    conditions = [Application.talent_tier == bindparam("tier")] if wanted.tier else []
    conditions += _amount_bounds(wanted)
    if wanted.mine:
        conditions.append(Application.claimed_by_id == bindparam("user_id"))
    return conditions


def _amount_bounds(wanted: QueueFilter) -> list:
    """The amount filter's conditions."""
    conditions = []
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


class BoundPairs:
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
                   mine: bool = False, whole: str = "", amounts: tuple = ()) -> object:
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
    pairs = BoundPairs(dialect)
    if whole:
        query = whole_page(conditions, key, bound, order, whole, dialect,
                           list(amounts) if sort.column != "status_changed_at" else [])
    elif mine:
        query = select(Application.id, key.label("sort_key")) \
            .where(*_where(conditions, pairs, mine), *bound).order_by(*order)
    else:
        # The position before the amount bounds: SQLite seeks from the first of two lower
        # (or upper) bounds on the key, and a deep page's position is the nearer one.
        branch = select(Application.id, key.label("sort_key")).where(
            *bound, *conditions, Application.product == pairs.product,
            Application.status == pairs.status,
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


def shape_of(role: str, wanted: QueueFilter) -> tuple:
    """What of a filter changes the SQL's text (values, the states' pairs included, are
    bound parameters; "all I can see" may be read from one index)."""
    return (bool(wanted.tier), wanted.min_amount_fen is not None,
            wanted.max_amount_fen is not None, wanted.mine, wanted.sort, _way(wanted),
            whole_order(role, wanted))


def _way(wanted: QueueFilter) -> str:
    """How the page is found: after a position, before one, or by its number."""
    if wanted.before == LAST_PAGE:
        return "last"
    return "after" if wanted.after else "before" if wanted.before else "offset"


LAST_PAGE = "last"  # not a position (those are base64 of "key|id"): read from the end


@lru_cache(maxsize=512)
def statements(role: str, shape: tuple, dialect: str, _generation: int):
    """(header, page rows with the header) statements of one query shape, built once.

    Reusing the statement objects spares SQLAlchemy rebuilding them and their cache keys
    on every request; the compiled SQL is then found in the engine's cache.
    """
    tier, min_amount, max_amount, mine, sort, way, whole = shape
    wanted = QueueFilter(tier="?" if tier else "", min_amount_fen=0 if min_amount else None,
                         max_amount_fen=0 if max_amount else None, mine=mine, sort=sort)
    conditions = [visibility_clause(_BoundUser(role)), *_filters(wanted)]
    if whole:
        conditions.append(whole_products(role))
    pairs = BoundPairs(dialect, "counted")
    if whole:
        # Every visible file: the pairs are implied (as the page reads them).
        counted = whole_count(conditions, whole, dialect, _amount_bounds(wanted))
    elif dialect == "postgresql" and not mine:
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
    page = _page_subquery(conditions, dialect, sort, way, mine, whole,
                          tuple(_amount_bounds(wanted)))
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


@lru_cache(maxsize=256)
def estimate_sql(role: str, shape: tuple, pairs: tuple, dialect, _generation: int):
    """The EXPLAIN of the queue's count with the pairs written out (the planner estimates
    literal values from its statistics, not a bound array) and the other values bound, as
    SQL text with its parameters' defaults: built and compiled once per choice, not on
    every request (3 ms for a park reviewer's 107 pairs)."""
    _header, _rows, conditions = statements(role, shape, dialect.name, _generation)
    # A whole queue's pairs are implied (``whole_order``): without them, the plan is one
    # range's, not an OR of a hundred.
    whole = shape[-1]
    counted = select(Application.id).where(*conditions, *([] if whole else [state_pairs(pairs)]))
    # The request's values are given at execution: compiled here with placeholders (None).
    unset = {element.key: None for element in visitors.iterate(counted)
             if isinstance(element, BindParameter) and element.required}
    compiled = counted.params(**unset).compile(
        dialect=dialect, compile_kwargs={"render_postcompile": True})
    return "EXPLAIN (FORMAT JSON) " + str(compiled), dict(compiled.params)
