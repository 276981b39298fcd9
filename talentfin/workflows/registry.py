"""The registered products, each with its workflow compiled into one shared Machine.

``talentfin.programme`` registers the programme's products when the app is made; a test
may register a product of its own and remove it afterwards. The engine looks products up
here by the application's ``product`` column and never imports a product package.
"""

from transitions.extensions import LockedMachine

from talentfin.workflows.reach import follow
from talentfin.workflows.spec import Product
from talentfin.workflows.spec import Workflow

_PRODUCTS: dict[str, Product] = {}
_MACHINES: dict[str, LockedMachine] = {}
_ROUTE_ROLES: dict[str, frozenset[str]] = {}
_generation = [0]


def register(product: Product) -> None:
    """Add (or replace) a product; its Machine is compiled on first use."""
    if _PRODUCTS.get(product.key) is product:
        return
    _PRODUCTS[product.key] = product
    follow(product)
    _forget(product.key)


def unregister(key: str) -> None:
    """Remove a product (tests that registered one of their own)."""
    if _PRODUCTS.pop(key, None) is not None:
        _forget(key)


def _forget(key: str) -> None:
    _MACHINES.pop(key, None)
    _ROUTE_ROLES.pop(key, None)
    _generation[0] += 1


def generation() -> int:
    """Changes whenever the registered products change (for caches built from them)."""
    return _generation[0]


def products() -> tuple[Product, ...]:
    """Every registered product, in registration order."""
    return tuple(_PRODUCTS.values())


def product_for(key: str) -> Product:
    """The registered product of this key (LookupError when there is none)."""
    try:
        return _PRODUCTS[key]
    except KeyError as exc:
        raise LookupError(f"no product {key!r} is registered") from exc


def workflow_for(key: str) -> Workflow:
    """The workflow of a registered product."""
    return product_for(key).workflow


def compile_machine(workflow: Workflow) -> LockedMachine:
    """Build a Machine without models; applications are moved one firing at a time.

    LockedMachine because the web server fires from several threads; the lock covers the
    in-memory state change only, the database transaction is the caller's.
    """
    return LockedMachine(
        model=None,
        states=list(workflow.state_names),
        initial=workflow.initial,
        transitions=[
            {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
            for t in workflow.transitions
        ],
        auto_transitions=False,
        send_event=True,
        model_attribute="status",
        ignore_invalid_triggers=False,
    )


def machine_for(key: str) -> LockedMachine:
    """The shared Machine of a product, compiled once per process."""
    machine = _MACHINES.get(key)
    if machine is None:
        machine = _MACHINES[key] = compile_machine(workflow_for(key))
    return machine


def roles_on_route(key: str) -> frozenset[str]:
    """Every role that fires some transition of the product's workflow, uploads one of its
    documents (a bond's issuer files its board's resolution), or is told when an item waits
    too long (``Sla.escalate_to``: whoever is told of it may open it)."""
    roles = _ROUTE_ROLES.get(key)
    if roles is None:
        product = product_for(key)
        roles = _ROUTE_ROLES[key] = frozenset(
            {role for t in product.workflow.transitions for role in t.roles}
            | {role for d in product.documents for role in d.roles}
            | {s.sla.escalate_to for s in product.workflow.states if s.sla})
    return roles


def webhook_events() -> dict[str, object]:
    """The products' own webhook events (code -> label), in the order they registered."""
    return {code: label for p in _PRODUCTS.values() for code, label in p.webhook_events.items()}


def api_scopes() -> dict[str, object]:
    """The products' own API scopes (code -> label), in the order they registered."""
    return {code: label for p in _PRODUCTS.values() for code, label in p.api_scopes.items()}


def products_with_role(role: str) -> tuple[Product, ...]:
    """The products on whose route a role acts."""
    return tuple(p for p in _PRODUCTS.values() if role in roles_on_route(p.key))
