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
from talentfin.workflows import registry

# The sections of facts any product files under; a product adds its own (FirmHeadings).
CORE_FACTS = {
    "claim": _l("Claims and compensation"),
    "subsidy": _l("Subsidies and rewards received"),
}
# The key of a product's ``FirmHeadings`` in its ``Product.extensions``.
FIRM_HEADINGS = "firm_headings"


@dataclass(frozen=True)
class FirmHeadings:
    """What a product adds to the firm's page: the kinds of exposure its files carry and
    its own sections of facts (key -> label), and how its exposure is counted (said under
    the figure). ``order`` places them among the products' (a section two products share
    is placed by the first)."""

    order: int
    exposures: dict[str, object] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)
    note: object = ""


def headings() -> tuple[dict[str, object], dict[str, object], list]:
    """The page's kinds of exposure and sections of facts in order, and the notes on how
    the exposure is counted, from the registered products."""
    declared = sorted((p.extensions[FIRM_HEADINGS] for p in registry.products()
                       if FIRM_HEADINGS in p.extensions), key=lambda h: h.order)
    exposures: dict[str, object] = {}
    facts = dict(CORE_FACTS)
    for heading in declared:
        for key, label in heading.exposures.items():
            exposures.setdefault(key, label)
        for key, label in heading.facts.items():
            facts.setdefault(key, label)
    return exposures, facts, [h.note for h in declared if h.note]


@dataclass(frozen=True)
class Exposure:
    """One file's part of the firm's exposure: ``amount_fen`` under ``kind`` (a kind its
    product's ``FirmHeadings`` names)."""

    application: Application
    kind: str
    amount_fen: int
    note: object = ""  # how the amount was arrived at ("approved, not yet paid out")


@dataclass(frozen=True)
class Fact:
    """Something that happened to one of the firm's files, under ``section`` (the core's
    or one its product's ``FirmHeadings`` names)."""

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
