"""The eligibility pre-screener: for each product, whether the founder's firm may apply,
or each rule that stops it, with its figures. The rules are the products' own eligibility
checks (the ones their submission guards run), read from the policy table on the day asked
about: a policy change moves the answer at once; a product's ``prescreen`` hook adds what
its application would meet before any amount is typed (the loan's caps already used up, a
bond open for allocations). The few facts a product needs beyond the company profile
(人才投's staff, assets and revenue; 人才板's shareholders) come from the founder's answers; a
rule whose fact is not given is not judged.

Three things beside the rules change what a verdict says. A founder without a talent
certification is sent to its own page. An answer that was given but is not valid is left
out: a rule that stops a product without it still stops it (an answer can only add
reasons), but no product is said open until the answer is corrected. And the firm's
applications of a product that have not ended (a listing, a loan in progress, a draft) are
named, so that a listed firm reads that it is listed, not that it may apply.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows.eligibility import programme_problems
from talentfin.workflows.labels import state_label
from talentfin.workflows.registry import products
from talentfin.workflows.spec import Product

# The facts a product's rules read beyond the profile, by the name its application has.
ANSWERS = ("staff", "rd_staff", "total_assets_fen", "revenue_fen", "shareholders")


@dataclass(frozen=True)
class UnderWay:
    """One of the firm's applications of a product that has not ended."""

    id: int
    reference: str
    status: str  # the state's name in the reader's language


@dataclass(frozen=True)
class Verdict:
    """One product's answer: may apply (no problems), or each rule that stops the firm;
    ``needs_talent`` when the talent certification is missing, ``unjudged`` when an answer
    the founder gave was left out (not valid), and the firm's applications of the product
    that have not ended."""

    product: str
    label: object
    problems: tuple[str, ...]
    needs_talent: bool = False
    unjudged: bool = False
    under_way: tuple[UnderWay, ...] = ()

    @property
    def may_apply(self) -> bool:
        """Nothing stops the firm, and nothing the founder typed was left out."""
        return not self.problems and not self.needs_talent and not self.unjudged

    @property
    def outcome(self) -> str:
        """What the page's badge says: "stopped", "under_way" (the firm has one that has
        not ended), "unjudged" (an answer was left out) or "may_apply"."""
        if self.problems or self.needs_talent:
            return "stopped"
        if self.under_way:
            return "under_way"
        return "unjudged" if self.unjudged else "may_apply"


def under_way(enterprise_id: int, wanted: list[Product]) -> dict[str, tuple[UnderWay, ...]]:
    """The firm's applications of each product in ``wanted`` that are not in one of their
    product's final states, oldest first, in one query."""
    if not wanted:
        return {}
    found: dict[str, list[UnderWay]] = {}
    rows = db.session.execute(
        select(Application.id, Application.reference, Application.product,
               Application.status)
        .where(Application.enterprise_id == enterprise_id,
               or_(*(and_(Application.product == p.key,
                          Application.status.not_in(p.workflow.terminal)) for p in wanted)))
        .order_by(Application.id))
    for row in rows:
        found.setdefault(row.product, []).append(
            UnderWay(row.id, row.reference or "", state_label(row.product, row.status)))
    return {key: tuple(items) for key, items in found.items()}


def prescreen(founder: User, on: date, answers: dict | None = None,
              left_out: tuple[str, ...] = ()) -> list[Verdict]:
    """Every product's verdict on the founder's firm on ``on``. Nothing is stored: the
    products' checks read a stand-in for an application of the firm (its enterprise and
    the answers), never a row. ``left_out`` names the answers the founder gave that are
    not valid (and are not in ``answers``)."""
    answers = answers or {}
    enterprise = founder.enterprise
    offered = [p for p in products() if p.founders_apply]  # a bond issue is the underwriter's
    current = under_way(enterprise.id, offered)
    needs_talent = enterprise.talent is None
    verdicts = []
    for product in offered:
        check = product.hooks.get("eligibility") or programme_problems
        stand_in = SimpleNamespace(enterprise=enterprise, applicant=founder,
                                   product=product.key, requested_amount_fen=None, id=None,
                                   **{name: answers.get(name) for name in ANSWERS})
        problems = check(stand_in, on)
        if needs_talent:
            # The programme's "add the certification" (which names the company profile) is
            # said by the page instead, with a link to the certification's own page.
            programme = programme_problems(stand_in, on)
            problems = [p for p in problems if p not in programme]
        if "prescreen" in product.hooks:
            problems = [*problems, *product.hooks["prescreen"](stand_in, on)]
        verdicts.append(Verdict(product.key, product.label, tuple(problems),
                                needs_talent=needs_talent, unjudged=bool(left_out),
                                under_way=current.get(product.key, ())))
    return verdicts
