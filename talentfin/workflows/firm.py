"""What a product tells of a firm: its part of the firm's page, read across products.

A product's ``hooks["firm"](enterprise, applications, today)`` returns a ``FirmPart`` for
the firm's applications of that product that the reader may see: the money the programme
has out with the firm (``Exposure``: a loan's principal, a bond allocation, a guarantee's
cover), what else happened to it (``Fact``: claims, subsidies, a listing, financings), and
the caps that apply across products (``CapUse``, counted over all of the firm's files; the
page shows them only to a reader who sees every file they count). The core sums and lays
them out; it never knows which product said what.

Each kind of exposure and section of facts is made of the files of the products behind it
(``Headings.sources``): the page shows it as a figure only to a reader who sees files of
one of them, or when the firm has none of their files the reader does not see.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from talentfin.i18n import _l
from talentfin.models import Application
from talentfin.workflows import registry
from talentfin.workflows.spec import Product

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
    its own sections of facts (key -> label), the core's sections its facts also go under
    (``core_facts``: claims, subsidies), and how its exposure is counted (said under the
    figure). ``order`` places them among the products' (a section two products share is
    placed by the first).

    A kind or section made of another product's files than this one's names that product
    in ``sources`` (key -> product keys): the product's hook is then given the files of
    those products too (a bond's allocations and the bonds themselves)."""

    order: int
    exposures: dict[str, object] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)
    note: object = ""
    core_facts: tuple[str, ...] = ()
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def read_by(self, product: str) -> tuple[str, ...]:
        """The products whose files the hook of ``product`` is given: its own and those
        its ``sources`` name."""
        keys = [product]
        for named in self.sources.values():
            keys.extend(key for key in named if key not in keys)
        return tuple(keys)


@dataclass
class Headings:
    """The page's kinds of exposure and sections of facts in order (key -> label), the
    notes on how the exposure is counted, and the products whose files make each kind or
    section (key -> product keys)."""

    exposures: dict[str, object] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)
    notes: list = field(default_factory=list)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)


def headings() -> Headings:
    """The page's headings from the registered products (``FirmHeadings``)."""
    declared = sorted(((p.extensions[FIRM_HEADINGS], p.key) for p in registry.products()
                       if FIRM_HEADINGS in p.extensions), key=lambda pair: pair[0].order)
    found = Headings(facts=dict(CORE_FACTS))
    sources: dict[str, list[str]] = {}
    for heading, product in declared:
        for key, label in heading.exposures.items():
            found.exposures.setdefault(key, label)
        for key, label in heading.facts.items():
            found.facts.setdefault(key, label)
        for key in (*heading.exposures, *heading.facts, *heading.core_facts):
            behind = sources.setdefault(key, [])
            behind.extend(k for k in heading.sources.get(key, (product,)) if k not in behind)
        if heading.note:
            found.notes.append(heading.note)
    found.sources = {key: tuple(keys) for key, keys in sources.items()}
    return found


def firm_headings(product: Product) -> FirmHeadings | None:
    """The ``FirmHeadings`` a product declares, if any."""
    return product.extensions.get(FIRM_HEADINGS)


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
