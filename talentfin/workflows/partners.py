"""The institution a founder applies to: which ones take applications, and the choice.

A founder chooses among the product's partner institutions in good standing (active, not
suspended by the pool, partnership not ended) until the park routes the file to one; from
then on the choice is fixed. The product words the refusal (``hooks["partner_refusal"]``).
"""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.workflows.registry import product_for


def takes_applications(product: str, org: Organisation | None) -> bool:
    """Whether founders may apply to this institution for this product."""
    return (org is not None and org.kind == product_for(product).partner_kind and org.active
            and org.standing == "active")


def partners(product: str) -> list[Organisation]:
    """The product's partner institutions in good standing, by name."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.kind == product_for(product).partner_kind,
                                   Organisation.active.is_(True),
                                   Organisation.standing == "active")
        .order_by(Organisation.name)
    ))


def choice_open(application: Application) -> bool:
    """The founder may still choose the institution (the park has not routed the file)."""
    return application.partner_routed_at is None


def refusal(product: str, org: Organisation, locale: str) -> str:
    """Why founders can no longer apply to ``org``, in the product's words."""
    return product_for(product).hooks["partner_refusal"](org, locale)


def partner_problem(application: Application, locale: str = "zh") -> str | None:
    """Why the institution a not yet routed application names no longer takes it, or None."""
    org = application.partner
    if org is None or not choice_open(application) \
            or takes_applications(application.product, org):
        return None
    return refusal(application.product, org, locale)
