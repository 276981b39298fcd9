"""Structural checks of workflow definitions (``flask workflows check``)."""

from collections import deque

from talentfin.models import ROLES
from talentfin.workflows.effects import EFFECTS
from talentfin.workflows.guards import GUARDS
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Workflow

KNOWN_FORMS = ("decision", "info_request", "recommendation", "contract", "disbursement",
               "repayment", "overdue", "classification", "claim", "recovery")


def defects(workflow: Workflow) -> list[str]:
    """Every structural defect of a definition, as readable lines (empty when sound)."""
    found = []
    states = set(workflow.states)
    if workflow.initial not in states:
        found.append(f"initial state {workflow.initial!r} is not a state")
    triggers = [t.trigger for t in workflow.transitions]
    for name in {t for t in triggers if triggers.count(t) > 1}:
        found.append(f"trigger {name!r} is defined more than once")
    for t in workflow.transitions:
        where = f"transition {t.trigger!r}"
        for state in (*t.sources, t.dest):
            if state not in states:
                found.append(f"{where} names unknown state {state!r}")
        if not t.roles:
            found.append(f"{where} has no role")
        for role in t.roles:
            if role != SYSTEM and role not in ROLES:
                found.append(f"{where} names unknown role {role!r}")
        for guard in t.guards:
            if guard not in GUARDS:
                found.append(f"{where} names unknown guard {guard!r}")
        for effect in t.effects:
            if effect not in EFFECTS:
                found.append(f"{where} names unknown effect {effect!r}")
        if t.form and t.form not in KNOWN_FORMS:
            found.append(f"{where} names unknown form {t.form!r}")
        if t.decides and not t.dossier:
            found.append(f"{where} decides but names no dossier")
        terminal_sources = set(t.sources) & set(workflow.terminal)
        if terminal_sources:
            found.append(f"{where} leaves terminal state(s) {sorted(terminal_sources)}")
    for state in sorted(states - _reachable(workflow)):
        found.append(f"state {state!r} is not reachable from {workflow.initial!r}")
    for state in sorted(states - set(workflow.terminal)):
        if not workflow.triggers_from(state):
            found.append(f"state {state!r} is not terminal but has no way out")
    for state in workflow.terminal:
        if state not in states:
            found.append(f"terminal state {state!r} is not a state")
    return found


def _reachable(workflow: Workflow) -> set[str]:
    seen = {workflow.initial}
    todo = deque([workflow.initial])
    while todo:
        state = todo.popleft()
        for t in workflow.triggers_from(state):
            if t.dest not in seen:
                seen.add(t.dest)
                todo.append(t.dest)
    return seen
