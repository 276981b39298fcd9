"""The firm's page: every file of one firm across products, as far as the reader may see
them, with the firm's one exposure figure, its defaults, claims, subsidies, listing and
financings, and the caps that apply across products.

Each product says its part (``hooks["firm"]``, ``talentfin.workflows.firm``); this module
gathers the files the reader sees (``policy.visible``, the rule every list uses), asks each
product, and sums. A figure is only ever made of files the reader may open; the caps,
which count every file, are shown only to a reader who sees them all.

A kind of exposure or a section of facts is a figure only where it means what it says: the
reader sees files of a product behind it, or the firm has no file of those products the
reader does not see. Otherwise the page says it is not in what the reader may see, and
names what a figure or the total leaves out. A firm no founder applies for (a bond's
issuer) shows only what its own files make, and no caps: they are talents' firms' limits.
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
from talentfin.i18n import enumeration
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
from talentfin.workflows.firm import firm_headings
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
    # The products' headings that concern this firm, in their order: kinds of exposure and
    # sections of facts (key -> label), and how the exposure is counted.
    exposure_labels: dict[str, object] = field(default_factory=dict)
    fact_labels: dict[str, object] = field(default_factory=dict)
    exposure_notes: list = field(default_factory=list)
    # Per kind or section, the products behind it of which the firm has files the reader
    # does not see (their names); and the kinds and sections of whose products the reader
    # sees no file at all, said to be out of their view instead of shown as a figure.
    withheld: dict[str, list] = field(default_factory=dict)
    unseen: set[str] = field(default_factory=set)
    # The firm applies for a product founders apply for (not only a bond's issuer).
    founders_firm: bool = True

    @property
    def exposure_fen(self) -> int:
        """The firm's one exposure as far as the reader sees it: every kind its products
        name (loans outstanding, bond allocations, guaranteed cover ...), added up."""
        return sum(item.amount_fen for items in self.exposures.values() for item in items)

    def exposure_of(self, kind: str) -> int:
        """One part of the exposure."""
        return sum(item.amount_fen for item in self.exposures.get(kind, ()))

    def shown(self, key: str) -> bool:
        """Whether a kind of exposure or a section of facts is shown as a figure."""
        return key not in self.unseen

    def left_out(self, key: str) -> str:
        """The products whose files a kind or section leaves out, named ('' if none)."""
        return enumeration(str(label) for label in self.withheld.get(key, ()))

    @property
    def exposure_left_out(self) -> str:
        """The kinds of exposure the total does not wholly count, named ('' if none)."""
        return enumeration(str(label) for kind, label in self.exposure_labels.items()
                           if kind in self.withheld)


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
    files = _files(user, enterprise)
    seen_of: dict[str, int] = {}
    for application in seen:
        seen_of[application.product] = seen_of.get(application.product, 0) + 1
    hidden_of = {key: count - seen_of.get(key, 0) for key, count in files.items()
                 if count > seen_of.get(key, 0)}
    page = FirmPage(enterprise, seen, defaults, hidden=sum(hidden_of.values()))
    founders = {product.key for product in products() if product.founders_apply}
    page.founders_firm = bool(founders & set(files))
    caps = []
    for product in products():
        part_of = product.hooks.get("firm")
        if part_of is None:
            continue
        declared = firm_headings(product)
        given = declared.read_by(product.key) if declared else (product.key,)
        part = part_of(enterprise, [a for a in seen if a.product in given], today)
        for exposure in part.exposures:
            page.exposures.setdefault(exposure.kind, []).append(exposure)
        for fact in part.facts:
            page.facts.setdefault(fact.section, []).append(fact)
        caps.extend(part.caps)
    if page.hidden == 0 and page.founders_firm:
        whole = user.role == FOUNDER or may(user.role, READ_ALL)
        page.caps = [cap for cap in caps if whole or not cap.person_wide]
    _lay_out(page, files, seen_of, hidden_of, founders)
    return page


def _lay_out(page: FirmPage, files: dict[str, int], seen_of: dict[str, int],
             hidden_of: dict[str, int], founders: set[str]) -> None:
    """The headings that concern the firm, in order, with what each leaves out: a kind or
    section is the firm's when it is made of the firm's files, or of a product founders
    apply for on a talent's firm (every such firm has its loans' line, even at zero)."""
    found = headings()
    names = {product.key: product.label for product in products()}
    for key, behind in found.sources.items():
        withheld = [names.get(k, k) for k in behind if k in hidden_of]
        if withheld:
            page.withheld[key] = withheld
            if not any(k in seen_of for k in behind):
                page.unseen.add(key)
    concerned = {key for key in (*found.exposures, *found.facts)
                 if any(k in files for k in found.sources.get(key, ()))
                 or (page.founders_firm
                     and (key not in found.sources or founders & set(found.sources[key])))}
    page.exposure_labels = {k: label for k, label in found.exposures.items() if k in concerned}
    page.fact_labels = {k: label for k, label in found.facts.items() if k in concerned}
    page.exposure_notes = found.notes if page.exposure_labels else []
    page.exposures = {kind: page.exposures[kind] for kind in page.exposure_labels
                      if kind in page.exposures}
    page.facts = {section: sorted(page.facts[section], key=_when)
                  for section in page.fact_labels if section in page.facts}


def _when(fact: Fact) -> tuple:
    return (fact.on or date.max, fact.application.id)


def _files(user: User, enterprise: Enterprise) -> dict[str, int]:
    """How many files of each product the firm has (submitted ones; the founder's drafts
    too for the founder), seen or not."""
    counted = Application.enterprise_id == enterprise.id
    if user.role != FOUNDER:
        counted = counted & Application.submitted_at.is_not(None)
    return {product: count for product, count in db.session.execute(
        select(Application.product, func.count()).where(counted)
        .group_by(Application.product))}


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
