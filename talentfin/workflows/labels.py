"""The names of a product's states, actions, fields and documents, in the reader's language.

Each product names its own (the definition's ``State.label``, ``Transition.label``, its
documents and fields); these look them up. An unknown key reads as itself.
"""

from functools import lru_cache

from flask_babel import get_locale

from talentfin.i18n import _
from talentfin.i18n import enumeration
from talentfin.workflows.registry import generation
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
    """A state's name (looked up once per language: a queue page names a state per row)."""
    return _state_label(product, state, str(get_locale() or ""), generation())


@lru_cache(maxsize=2048)
def _state_label(product: str | None, state: str | None, _locale: str,
                 _generation: int) -> str:
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
    keys = tuple(product.key for product in among)
    return dict(_state_choices(keys, str(get_locale() or ""), generation()))


@lru_cache(maxsize=256)
def _state_choices(keys: tuple[str, ...], locale: str,
                   generation_: int) -> tuple[tuple[str, str], ...]:
    among = tuple(map(product_for, keys))
    names = dict(_named_states(keys, locale, generation_))
    labels = list(names.values())
    return tuple((key, label if labels.count(label) < 2 else _(
        "%(state)s (%(products)s)", state=label,
        products=enumeration(str(p.label) for p in among if p.workflow.state(key))))
        for key, label in names.items())


def state_names() -> frozenset[str]:
    """Every registered product's states, by name (to check a state asked for)."""
    return _state_names(generation())


# The names are those of the definitions and the catalogs, which do not change while the
# process runs: they are looked up once per language (and per set of registered products),
# not on every page that offers the states (a filter's list is dozens of lookups).
@lru_cache(maxsize=256)
def _named_states(keys: tuple[str, ...] | None, _locale: str,
                  _generation: int) -> tuple[tuple[str, str], ...]:
    names: dict[str, str] = {}
    for product in products() if keys is None else tuple(map(product_for, keys)):
        for state in product.workflow.states:
            names.setdefault(state.name, str(state.label))
    return tuple(names.items())


@lru_cache(maxsize=8)
def _state_names(_generation: int) -> frozenset[str]:
    return frozenset(state.name for product in products() for state in product.workflow.states)
