"""What a review queue's filter selects: the filter and a row as the page shows it, and
the (product, state) pairs of what a role may see, waits on, or chose."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import and_
from sqlalchemy import literal
from sqlalchemy import or_

from talentfin.institutions import kind_of
from talentfin.institutions import may
from talentfin.models import Application
from talentfin.workflows.access import READ_ALL
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


def visible_states(role: str) -> tuple[tuple[str, str], ...]:
    """(product, state) pairs of everything the role may see, each one index range: every
    state a submitted file may be in (no founder's draft), of every product for a role that
    reads all, else of its products, from where the file reaches its kind of organisation
    (the pool's loans from their payout on: ``Workflow.reached_states``)."""
    return _visible_states(role, generation())


@lru_cache(maxsize=64)
def _visible_states(role: str, _generation: int) -> tuple[tuple[str, str], ...]:
    if may(role, READ_ALL):
        # What was submitted: a draft never was, and its range is not read to find nothing.
        return tuple((p.key, state) for p in products()
                     for state in p.workflow.submitted_states)
    kind = kind_of(role) or ""
    return tuple((p.key, state) for p in products_with_role(role) if kind in p.parties
                 for state in p.workflow.reached_states(p.parties[kind]))


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
