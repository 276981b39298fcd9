"""The envelope's copies of when a file reached an organisation the programme has one of.

The pool and the exchange are named by no column of an application: their staff see a
file from a moment its product records on its own table (a loan's payout, a policy's
first subsidy request, a listing's reward request, or its recommendation to the
exchange). Their queues read a million applications through partial indexes on the
envelope (``pool_since IS NOT NULL``), so the envelope keeps a copy of that moment
(``Party.since``), set when the product's own column (``Party.follows``) is first set.
SQLAlchemy's attribute event on that column keeps it, so every writer (an effect, a
service, a test's factory) does without knowing; a file once seen stays seen.
"""

from datetime import date
from datetime import datetime
from datetime import time
from functools import cache

from sqlalchemy import event

from talentfin.workflows.spec import Product


def as_moment(value: date | datetime) -> datetime:
    """A day (a loan's payout date) as the moment it began; a moment as it is."""
    return value if isinstance(value, datetime) else datetime.combine(value, time())


@cache
def _copier(since: str):
    """The attribute listener that copies a first value into the envelope's ``since``."""

    def copy(target, value, _old, _initiator) -> None:
        if value is not None and getattr(target, since) is None:
            setattr(target, since, as_moment(value))

    return copy


def follow(product: Product) -> None:
    """Keep the envelope's copies of the product's parties (once per model and column)."""
    for party in product.parties.values():
        if party.follows is None:
            continue
        attribute = getattr(product.model, party.follows)
        listener = _copier(party.since)
        if not event.contains(attribute, "set", listener):
            event.listen(attribute, "set", listener)


def copies(product: Product, row: dict) -> dict:
    """The copies for a plain row (the benchmark's bulk inserts, which meet no event)."""
    return {party.since: as_moment(row[party.follows]) for party in product.parties.values()
            if party.follows is not None and row.get(party.follows) is not None}
