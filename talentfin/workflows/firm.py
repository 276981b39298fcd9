"""What a product tells of a firm: its part of the firm's page, read across products.

A product's ``hooks["firm"](enterprise, applications, today)`` returns a ``FirmPart`` for
the firm's applications of that product that the reader may see: the money the programme
has out with the firm (``Exposure``: a loan's principal, a bond allocation, a guarantee's
cover), what else happened to it (``Fact``: claims, subsidies, a listing, financings), and
the caps that apply across products (``CapUse``, counted over all of the firm's files; the
page shows them only to a reader who sees every file they count). The core sums and lays
them out; it never knows which product said what.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from talentfin.i18n import _l
from talentfin.models import Application

# What the firm's one exposure figure adds up, in this order (issue #13: loans outstanding,
# bond allocations and guaranteed cover).
EXPOSURES = {
    "loans": _l("Talent loans outstanding"),
    "bond_allocations": _l("Bond allocations outstanding"),
    "guaranteed_cover": _l("Guaranteed cover in force"),
}

# The sections of facts, in the page's order.
FACTS = {
    "claim": _l("Claims and compensation"),
    "subsidy": _l("Subsidies and rewards received"),
    "listing": _l("Listing"),
    "financing": _l("Financings"),
}


@dataclass(frozen=True)
class Exposure:
    """One file's part of the firm's exposure: ``amount_fen`` under ``kind`` (EXPOSURES)."""

    application: Application
    kind: str
    amount_fen: int
    note: object = ""  # how the amount was arrived at ("approved, not yet paid out")


@dataclass(frozen=True)
class Fact:
    """Something that happened to one of the firm's files, under ``section`` (FACTS)."""

    application: Application
    section: str
    label: object
    on: date | None = None
    amount_fen: int | None = None
    detail: object = ""


@dataclass(frozen=True)
class CapUse:
    """A cap that applies to the firm: how much of it is used, counted the way the rule
    that enforces it counts (its own query), and the room left."""

    label: object
    used_fen: int
    cap_fen: int
    note: object = ""
    # Counted over every firm of the same person: shown to the founder and to those who
    # read every file only (a park or a partner would learn of other firms' files).
    person_wide: bool = False

    @property
    def room_fen(self) -> int:
        """What is left under the cap (never below zero)."""
        return max(0, self.cap_fen - self.used_fen)

    @property
    def exceeded(self) -> bool:
        """The cap is passed (a policy lowered after the money went out)."""
        return self.used_fen > self.cap_fen


@dataclass
class FirmPart:
    """One product's part of the firm's page."""

    exposures: list[Exposure] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    caps: list[CapUse] = field(default_factory=list)
