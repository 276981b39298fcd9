"""The names of a product's states, actions, fields and documents, in the reader's language.

Each product names its own (the definition's ``State.label``, ``Transition.label``, its
documents and fields); these look them up. An unknown key reads as itself.
"""

from talentfin.i18n import _
from talentfin.i18n import enumeration
from talentfin.workflows.registry import product_for
from talentfin.workflows.registry import products
from talentfin.workflows.spec import Product


def _product(key: str | None) -> Product | None:
    try:
        return product_for(key or "")
    except LookupError:
        return None


def product_label(product: str | None) -> str:
    """A product's name."""
    found = _product(product)
    return str(found.label) if found else (product or "")


def state_label(product: str | None, state: str | None) -> str:
    """A state's name."""
    found = _product(product)
    named = found.workflow.state(state) if found else None
    return str(named.label) if named else (state or "")


def trigger_label(product: str | None, trigger: str | None) -> str:
    """An action's name (its button's text)."""
    found = _product(product)
    named = found.workflow.transition(trigger or "") if found else None
    return str(named.label) if named and named.label else (trigger or "")


def field_label(product: str | None, name: str | None) -> str:
    """A field a reviewer may ask the founder to fix."""
    found = _product(product)
    label = found.fields.get(name or "") if found else None
    return str(label) if label else (name or "")


def document_label(product: str | None, kind: str | None) -> str:
    """A document kind's name."""
    found = _product(product)
    document = found.document(kind) if found else None
    return str(document.label) if document else (kind or "")


def state_choices(among: tuple) -> dict[str, str]:
    """The states of the products ``among`` for a filter's list: a name two different
    states share ("Repaying": a loan's and a bond allocation's) names its products."""
    names = all_states(among)
    labels = list(names.values())
    return {key: label if labels.count(label) < 2 else _(
        "%(state)s (%(products)s)", state=label,
        products=enumeration(str(p.label) for p in among if p.workflow.state(key)))
        for key, label in names.items()}


def all_states(among: tuple | None = None) -> dict[str, str]:
    """Every registered product's states (or those of the products ``among``) and their
    names (the first name a state has)."""
    names: dict[str, str] = {}
    for product in products() if among is None else among:
        for state in product.workflow.states:
            names.setdefault(state.name, str(state.label))
    return names
