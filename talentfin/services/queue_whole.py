""""All I can see" of a reader whose queue spans every product (the auditor, a park's
reviewer), read from one index in the sort's order (``ix_applications_<name>_order`` and
``_amount_order``) instead of a page from each of its hundred (product, state) ranges."""

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import true

from talentfin.institutions import kind_of
from talentfin.institutions import may
from talentfin.models import Application
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_filter import chosen_pairs
from talentfin.services.queue_filter import visible_states
from talentfin.workflows.access import READ_ALL
from talentfin.workflows.registry import products_with_role

# The whole queues one index holds, by the columns that name what their readers see (the
# organisation's, None for the auditor's every file; since when, the indexes' WHERE).
WHOLE_ORDERS = {"park": ("park_id", "submitted_at"), "programme": (None, "submitted_at")}


def whole_order(role: str, wanted: QueueFilter) -> str:
    """The indexes that read this filter's page in one range ("" for none): "all I can
    see" of a reader whose queue spans every product, without a product or a claim.

    Its (product, state) pairs are then every state the reader may see, which the
    visibility rule implies (a submitted file is never in a draft state nothing returns
    to; ``whole_products`` keeps to the registered products): the page is the visible
    files in the sort's order, read from one index."""
    if wanted.mine or wanted.product or chosen_pairs(role, wanted) != visible_states(role):
        return ""
    if may(role, READ_ALL):
        return "programme"
    parties = {product.parties.get(kind_of(role) or "") for product in products_with_role(role)}
    if len(parties) != 1 or None in parties:
        return ""
    party = parties.pop()
    return next((name for name, (org, since) in WHOLE_ORDERS.items()
                 if org is not None and (org, since) == (party.org_column, party.since)), "")


def whole_products(role: str):
    """The products of the reader's visible states, as a condition (a row of a product no
    longer registered is in no pair, so the whole queue leaves it out too)."""
    return Application.product.in_(sorted({product for product, _state in visible_states(role)}))


def whole_page(conditions: list, key, bound: list, order: tuple, whole: str, dialect: str,
               amounts: list):
    """The page read from a reader's whole-queue index (``amounts``: the amount bounds of
    an amount sort, which it seeks on). The position comes before the amount bounds: of
    two lower (or upper) bounds on the key SQLite seeks from the first, and a deep page's
    position is the nearer one."""
    where = whole_where(conditions, whole, dialect, bound, amounts)
    return select(Application.id, key.label("sort_key")).where(*where).order_by(*order)


def whole_count(conditions: list, whole: str, dialect: str, amounts: list):
    """The ids the header counts (up to its cap): by the amount index when the filter
    has amount bounds, else in the waiting order."""
    return select(Application.id).where(*whole_where(conditions, whole, dialect, [], amounts))


def whole_where(conditions: list, whole: str, dialect: str, bound: list, amounts: list) -> list:
    """The WHERE of a whole-queue read.

    SQLite plans without statistics (and SQLAlchemy renders no INDEXED BY for it): every
    condition but those the index seeks on (the organisation, the partial index's own
    condition, the position, the amount bounds) is asked as one ``(…) IS TRUE``, which no
    index serves, so that the (product, state) indexes, which an IN list of products or an
    amount range make look better to it, are not chosen to read every visible row and sort
    them (or, for a count, to read range after range of a selective filter)."""
    if dialect != "sqlite":
        # PostgreSQL plans from its statistics. The amount bounds are in the conditions
        # already: given twice, its estimate would count their selectivity twice.
        return [*conditions, *bound]
    org, since = WHOLE_ORDERS[whole]
    table = Application.__table__
    leading = [table.c[org] == bindparam("org_id")] if org is not None else []
    return [*leading, table.c[since].is_not(None), *bound, *amounts,
            and_(*conditions).is_(true())]
