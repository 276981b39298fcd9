"""Structural checks of a product's definition (``flask workflows check``)."""

from talentfin.institutions import FOUNDER
from talentfin.institutions import ROLES
from talentfin.institutions import kind_of
from talentfin.institutions import may
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Product
from talentfin.workflows.spec import Workflow


def defects(workflow: Workflow, known_forms: frozenset[str] | None = None) -> list[str]:
    """Every structural defect of a workflow, as readable lines (empty when sound).

    ``known_forms`` are the form names the forms layer provides (unchecked when None).
    """
    found = []
    states = set(workflow.state_names)
    if workflow.initial not in states:
        found.append(f"initial state {workflow.initial!r} is not a state")
    names = list(workflow.state_names)
    for name in {n for n in names if names.count(n) > 1}:
        found.append(f"state {name!r} is defined more than once")
    triggers = [t.trigger for t in workflow.transitions]
    for name in {t for t in triggers if triggers.count(t) > 1}:
        found.append(f"trigger {name!r} is defined more than once")
    for t in workflow.transitions:
        found += _transition_defects(workflow, t, known_forms)
    for state in sorted(states - _reachable(workflow)):
        found.append(f"state {state!r} is not reachable from {workflow.initial!r}")
    for state in workflow.states:
        if not state.terminal and not workflow.triggers_from(state.name):
            found.append(f"state {state.name!r} is not terminal but has no way out")
        for role in (state.actor, state.sla.escalate_to if state.sla else None):
            if role is not None and role not in ROLES:
                found.append(f"state {state.name!r} names unknown role {role!r}")
        if state.sla and not state.actor:
            found.append(f"state {state.name!r} has an SLA but nobody's queue")
    return found


def _transition_defects(workflow: Workflow, t, known_forms) -> list[str]:
    found = []
    where = f"transition {t.trigger!r}"
    for state in (*t.sources, t.dest):
        if workflow.state(state) is None:
            found.append(f"{where} names unknown state {state!r}")
    if not t.roles:
        found.append(f"{where} has no role")
    for role in t.roles:
        if role != SYSTEM and role not in ROLES:
            found.append(f"{where} names unknown role {role!r}")
    for function in (*t.locks, *t.guards, *t.effects):
        if not callable(function):
            found.append(f"{where} names {function!r}, which is not a function")
    if t.form and known_forms is not None and t.form not in known_forms:
        found.append(f"{where} names unknown form {t.form!r}")
    if t.decides and not t.dossier:
        found.append(f"{where} decides but names no dossier")
    if t.label is None:
        found.append(f"{where} has no label")
    if t.outcome not in (None, APPROVE, REFUSE):
        found.append(f"{where} has outcome {t.outcome!r}, neither {APPROVE!r} nor {REFUSE!r}")
    if t.job and SYSTEM not in t.roles:
        found.append(f"{where} is scheduled but the system may not fire it")
    terminal_sources = {s for s in t.sources if workflow.state(s) and workflow.state(s).terminal}
    if terminal_sources:
        found.append(f"{where} leaves terminal state(s) {sorted(terminal_sources)}")
    return found


def product_defects(product: Product, known_forms: frozenset[str] | None = None) -> list[str]:
    """The workflow's defects and those of the product around it (parties, dossiers...)."""
    found = defects(product.workflow, known_forms)
    if product.workflow.product != product.key:
        found.append(f"the workflow is for {product.workflow.product!r}, not {product.key!r}")
    if getattr(product.model, "__mapper__", None) is None \
            or product.model.__mapper__.polymorphic_identity != product.key:
        found.append(f"model {product.model.__name__} is not mapped as product {product.key!r}")
    roles = {r for t in product.workflow.transitions for r in t.roles}
    for role in sorted(roles - {SYSTEM, FOUNDER}):
        kind = kind_of(role)
        if kind is None and not may(role, "applications.read_all"):
            found.append(f"role {role!r} belongs to no kind of organisation")
        elif kind is not None and kind not in product.parties:
            found.append(f"role {role!r} works for a {kind!r}, which the product names no "
                         f"party for")
    found += _party_defects(product)
    for t in product.workflow.transitions:
        if t.dossier and t.dossier not in product.dossiers:
            found.append(f"transition {t.trigger!r} names unknown dossier {t.dossier!r}")
    for document in product.documents:
        for role in document.roles:
            if role not in ROLES:
                found.append(f"document {document.key!r} names unknown role {role!r}")
    if product.request_form and known_forms is not None \
            and product.request_form not in known_forms:
        found.append(f"request form {product.request_form!r} is unknown")
    return found


def _party_defects(product: Product) -> list[str]:
    """A party's columns must exist, and when it was reached (``since``, a copy of the
    product's own column where it ``follows`` one) is the envelope's: the queues find
    a party's files by the envelope's indexes, never by a join per request."""
    found = []
    columns = set(product.model.__mapper__.columns.keys()) \
        if getattr(product.model, "__mapper__", None) is not None else set()
    envelope = set(product.model.__mapper__.base_mapper.columns.keys()) if columns else set()
    for kind, party in sorted(product.parties.items()):
        for name in (party.org_column, party.since, party.follows):
            if name is not None and columns and name not in columns:
                found.append(f"party {kind!r} names unknown column {name!r}")
        if envelope and party.since in columns and party.since not in envelope:
            found.append(f"party {kind!r} is reached by {party.since!r}, which is not the "
                         "envelope's (keep a copy on it: Party.follows)")
        if party.reached_by is not None and not product.workflow.reached_states(party):
            found.append(f"party {kind!r} is reached by an effect no transition has")
    return found


def _reachable(workflow: Workflow) -> set[str]:
    return set(workflow.reachable_from([workflow.initial]))
