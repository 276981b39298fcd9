"""Compensation of a covered loan's loss that another product of the programme pays (an
insurer's share under a loan-guarantee policy), read from that product's own records.

A product that pays on covered loans registers an ``Offset`` under ``"pool_offsets"`` in
its ``Product.extensions``; the pool never names it. What the offsets paid counts against
the public ceiling of every claim on the loan (the 80 % of all public compensation of one
loss), and a claim on the pool waits while an offset is still being decided: the pool is the
last to pay.
"""

from collections.abc import Callable
from dataclasses import dataclass

from talentfin.models import Application
from talentfin.workflows.registry import products

EXTENSION = "pool_offsets"


@dataclass(frozen=True)
class Offset:
    """How one product pays on covered loans: what it paid on a loan's loss, why a claim on
    the pool must wait for it, and its lines for the loan's page."""

    paid: Callable[[Application], int]  # fen paid on this loan's loss
    pending: Callable[[Application], str | None]  # why the pool's claim waits, or None
    lines: Callable[[Application], list[dict]]  # {reference, institution, status, paid_fen}


def _offsets() -> list[Offset]:
    return [p.extensions[EXTENSION] for p in products() if EXTENSION in p.extensions]


def paid_fen(application: Application) -> int:
    """What other products of the programme paid on this loan's loss (fen)."""
    return sum(offset.paid(application) for offset in _offsets())


def pending(application: Application) -> str | None:
    """Why a claim on the pool must wait for another product's decision, or None."""
    return next((reason for offset in _offsets() if (reason := offset.pending(application))),
                None)


def lines(application: Application) -> list[dict]:
    """Every other product's cover of this loan, for its page."""
    return [line for offset in _offsets() for line in offset.lines(application)]
