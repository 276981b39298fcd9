"""What the pool reads of a product it backs: the ``Cover`` a product registers.

A product backed by the risk-compensation pool (the loan; later a guarantee policy) puts a
``Cover`` in its registration under ``extensions["pool"]``. The pool then reads that
product's exposures through it: which states are covered and which non-performing, and the
columns of an exposure (outstanding principal, when it started, when it was filed ...), so
that the pool's figures, lists and rules never name a product or one of its fields.

``exposures()`` is every application of every covered product as rows of the same shape
(a subquery), the one source of the pool's figures, drill-downs, exports and caps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import String
from sqlalchemy import cast
from sqlalchemy import literal
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy import type_coerce
from sqlalchemy import union_all

from talentfin.models import Application
from talentfin.workflows.registry import product_for
from talentfin.workflows.registry import products

EXTENSION = "pool"
# The columns every exposure row has, with their SQL types (a product leaves out those it
# has not: they are NULL).
COLUMNS = {
    "outstanding_fen": BigInteger(), "principal_fen": BigInteger(), "started_on": Date(),
    "covered_on": Date(), "filing_no": String(40), "contract_no": String(60),
    "overdue_since": Date(), "classification": String(20),
}


@dataclass(frozen=True)
class SubsidyRule:
    """A subsidy the pool pays on a covered product (a loan's interest subsidy)."""

    kind: str  # the ledger entry kind of the payout
    account: str  # the ledger account it is booked to
    rate_key: str  # policy key: the share of the basis paid (basis points)
    cap_key: str  # policy key: the most paid per firm and year (fen)
    states: tuple[str, ...]  # states in which the founder may ask
    basis: Callable  # (application, year) -> fen the subsidy is a share of


@dataclass(frozen=True)
class Cover:
    """How the pool reads one product's applications."""

    covered_states: tuple[str, ...]  # the pool bears part of the loss in these states
    npl_states: tuple[str, ...]  # non-performing (counted in the bank's NPL ratio)
    columns: Callable[[], dict]  # name (of COLUMNS) -> SQL expression on the product's model
    outstanding_of: Callable  # (application) -> outstanding principal in fen
    pure_credit: Callable  # (application) -> whether no guarantee, pledge or collateral
    subsidy: SubsidyRule | None = None


def covered_products() -> list[tuple[str, Cover]]:
    """(product key, cover) of every registered product the pool backs."""
    return [(p.key, p.extensions[EXTENSION]) for p in products() if EXTENSION in p.extensions]


def partner_kinds() -> tuple[str, ...]:
    """The kinds of institution the covered products partner (the banks)."""
    return tuple(dict.fromkeys(product_for(key).partner_kind for key, _c in covered_products()))


def cover_for(product: str) -> Cover:
    """The cover of a product (LookupError if the pool does not back it)."""
    found = product_for(product).extensions.get(EXTENSION)
    if found is None:
        raise LookupError(f"the pool does not back product {product!r}")
    return found


def _rows_of(key: str, cover: Cover):
    model = product_for(key).model
    given = cover.columns()
    # The product's own columns keep their SQL (a CAST to DATE means a number on SQLite);
    # the ones it has not are typed NULLs, so the branches of a UNION agree.
    extra = [type_coerce(given[name], kind).label(name) if name in given
             else cast(null(), kind).label(name) for name, kind in COLUMNS.items()]
    return select(
        Application.id.label("id"), literal(key).label("product"),
        Application.reference.label("reference"), Application.status.label("status"),
        Application.enterprise_id.label("enterprise_id"),
        Application.partner_org_id.label("bank_id"),
        Application.status.in_(cover.covered_states).label("covered"),
        Application.status.in_(cover.npl_states).label("npl"),
        *extra,
    ).select_from(model).where(Application.product == key)


def exposures():
    """Every application of every covered product as an exposure row (a subquery)."""
    selects = [_rows_of(key, cover) for key, cover in covered_products()]
    if not selects:
        raise LookupError("no registered product is backed by the pool")
    query = selects[0] if len(selects) == 1 else union_all(*selects)
    return query.subquery("exposures")


def covered_states() -> tuple[str, ...]:
    """Every state in which some covered product is covered (for filters)."""
    return tuple(dict.fromkeys(s for _key, c in covered_products() for s in c.covered_states))
