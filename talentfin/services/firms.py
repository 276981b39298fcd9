"""The firm's page: every file of one firm across products, as far as the reader may see
them, with the firm's one exposure figure, its defaults, claims, subsidies, listing and
financings, and the caps that apply across products.

Each product says its part (``hooks["firm"]``, ``talentfin.workflows.firm``); this module
gathers the files the reader sees (``policy.visible``, the rule every list uses), asks each
product, and sums. A figure is only ever made of files the reader may open; the caps,
which count every file, are shown only to a reader who sees them all.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from talentfin import policy
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import User
from talentfin.services.applications import defaults_of
from talentfin.workflows.access import READ_ALL
from talentfin.workflows.firm import CapUse
from talentfin.workflows.firm import Exposure
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import headings
from talentfin.workflows.registry import products

PAGE_SIZE = 50
MAX_WORDS = 8  # of a search; more add nothing a reader means


@dataclass
class FirmPage:
    """What the reader sees of one firm."""

    enterprise: Enterprise
    applications: list[Application]
    defaults: list[tuple[Application, bool]]  # and whether the reader may open it
    exposures: dict[str, list[Exposure]] = field(default_factory=dict)
    facts: dict[str, list[Fact]] = field(default_factory=dict)
    caps: list[CapUse] = field(default_factory=list)
    hidden: int = 0  # the firm's submitted files the reader does not see
    # The products' headings, in their order: kinds of exposure and sections of facts
    # (key -> label), and how the exposure is counted.
    exposure_labels: dict[str, object] = field(default_factory=dict)
    fact_labels: dict[str, object] = field(default_factory=dict)
    exposure_notes: list = field(default_factory=list)

    @property
    def exposure_fen(self) -> int:
        """The firm's one exposure: every kind its products name (loans outstanding, bond
        allocations, guaranteed cover ...), added up."""
        return sum(item.amount_fen for items in self.exposures.values() for item in items)

    def exposure_of(self, kind: str) -> int:
        """One part of the exposure."""
        return sum(item.amount_fen for item in self.exposures.get(kind, ()))


def firm_page(user: User, enterprise: Enterprise, today: date | None = None) -> FirmPage:
    """The firm as ``user`` may see it (``policy.can(user, "view_firm", enterprise)`` first)."""
    today = today or business_today()
    seen = list(db.session.scalars(
        select(Application).where(Application.enterprise_id == enterprise.id,
                                  policy.visible(user, Application))
        .order_by(Application.id.desc())))
    ids = {application.id for application in seen}
    # Every default of the firm, as every page of its files shows them (linked where seen).
    defaults = [(item, item.id in ids) for item in defaults_of(enterprise.id)]
    page = FirmPage(enterprise, seen, defaults, hidden=_hidden(user, enterprise, len(seen)))
    by_product: dict[str, list[Application]] = {}
    for application in seen:
        by_product.setdefault(application.product, []).append(application)
    caps = []
    for product in products():
        part_of = product.hooks.get("firm")
        if part_of is None:
            continue
        part = part_of(enterprise, by_product.get(product.key, []), today)
        for exposure in part.exposures:
            page.exposures.setdefault(exposure.kind, []).append(exposure)
        for fact in part.facts:
            page.facts.setdefault(fact.section, []).append(fact)
        caps.extend(part.caps)
    if page.hidden == 0:
        whole = user.role == FOUNDER or may(user.role, READ_ALL)
        page.caps = [cap for cap in caps if whole or not cap.person_wide]
    page.exposure_labels, page.fact_labels, page.exposure_notes = headings()
    page.exposures = {kind: page.exposures[kind] for kind in page.exposure_labels
                      if kind in page.exposures}
    page.facts = {section: sorted(page.facts[section], key=_when)
                  for section in page.fact_labels if section in page.facts}
    return page


def _when(fact: Fact) -> tuple:
    return (fact.on or date.max, fact.application.id)


def _hidden(user: User, enterprise: Enterprise, seen: int) -> int:
    """How many of the firm's files (submitted ones; the founder's drafts too for the
    founder) the reader does not see."""
    counted = Application.enterprise_id == enterprise.id
    if user.role != FOUNDER:
        counted = counted & Application.submitted_at.is_not(None)
    total = db.session.scalar(select(func.count()).select_from(Application).where(counted))
    return max(0, total - seen)


def firms(user: User, query: str = "", page: int = 1) -> tuple[list[tuple], bool]:
    """The firms of which the reader sees a file: (enterprise, files seen) by name, one
    page of ``PAGE_SIZE``; the flag says whether another page follows."""
    statement = (select(Enterprise, func.count(Application.id))
                 .join(Application, Application.enterprise_id == Enterprise.id)
                 .where(policy.visible(user, Application))
                 .group_by(Enterprise.id).order_by(Enterprise.name, Enterprise.id))
    for word in query.split()[:MAX_WORDS]:  # every word somewhere in the name or the code
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(Enterprise.name.ilike(pattern, escape="\\"),
                                        Enterprise.uscc.ilike(pattern, escape="\\")))
    rows = db.session.execute(statement.limit(PAGE_SIZE + 1)
                              .offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [tuple(row) for row in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE
