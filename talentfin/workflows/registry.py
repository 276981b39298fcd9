"""Workflow definitions compiled into one cached transitions Machine per product."""

import importlib
from functools import cache

from transitions.extensions import LockedMachine

from talentfin.workflows.spec import Workflow

PRODUCT_MODULES = {
    "loan": "talentfin.workflows.definitions.loan",
}


def workflow_for(product: str) -> Workflow:
    """The definition of a product's workflow."""
    try:
        module_name = PRODUCT_MODULES[product]
    except KeyError as exc:
        raise LookupError(f"no workflow for product {product!r}") from exc
    return importlib.import_module(module_name).WORKFLOW


def compile_machine(workflow: Workflow) -> LockedMachine:
    """Build a Machine without models; applications are added for one firing at a time.

    LockedMachine because the web server fires from several threads; the lock covers the
    in-memory state change only, the database transaction is the caller's.
    """
    return LockedMachine(
        model=None,
        states=list(workflow.states),
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


@cache
def machine_for(product: str) -> LockedMachine:
    """The shared Machine of a product, compiled once per process."""
    return compile_machine(workflow_for(product))
