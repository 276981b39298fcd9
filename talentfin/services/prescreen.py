"""The eligibility pre-screener: for each product, whether the founder's firm may apply,
or each rule that stops it, with its figures. The rules are the products' own eligibility
checks (the ones their submission guards run), read from the policy table on the day asked
about: a policy change moves the answer at once; a product's ``prescreen`` hook adds what
its application would meet before any amount is typed (the loan's caps already used up, a
bond open for allocations). The few facts a product needs beyond the company profile
(人才投's staff, assets and revenue; 人才板's shareholders) come from the founder's answers; a
rule whose fact is not given is not judged.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from talentfin.models import User
from talentfin.workflows.eligibility import programme_problems
from talentfin.workflows.registry import products

# The facts a product's rules read beyond the profile, by the name its application has.
ANSWERS = ("staff", "rd_staff", "total_assets_fen", "revenue_fen", "shareholders")


@dataclass(frozen=True)
class Verdict:
    """One product's answer: may apply (no problems), or each rule that stops the firm."""

    product: str
    label: object
    problems: tuple[str, ...]

    @property
    def may_apply(self) -> bool:
        """Nothing stops the firm."""
        return not self.problems


def prescreen(founder: User, on: date, answers: dict | None = None) -> list[Verdict]:
    """Every product's verdict on the founder's firm on ``on``. Nothing is stored: the
    products' checks read a stand-in for an application of the firm (its enterprise and
    the answers), never a row."""
    answers = answers or {}
    verdicts = []
    for product in products():
        if not product.founders_apply:
            continue  # a bond issue is opened by the underwriter; founders ask allocations
        check = product.hooks.get("eligibility") or programme_problems
        stand_in = SimpleNamespace(enterprise=founder.enterprise, applicant=founder,
                                   product=product.key, requested_amount_fen=None, id=None,
                                   **{name: answers.get(name) for name in ANSWERS})
        problems = check(stand_in, on)
        if "prescreen" in product.hooks:
            problems = [*problems, *product.hooks["prescreen"](stand_in, on)]
        verdicts.append(Verdict(product.key, product.label, tuple(problems)))
    return verdicts
