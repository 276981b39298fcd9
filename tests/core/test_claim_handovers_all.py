"""A claim (认领) belongs to one stage: every hand-over of every product's route releases it.

For each registered product, each state a member of staff may claim (the state's queue role,
or, in a state that is nobody's queue, a role of staff that acts on it; never a committee's
collective item), and each transition out of it: the file is walked there by the engine, a
member of staff claims it, the transition is fired (by the one who claimed it when their
role may fire it; otherwise by the founder, the scheduler or another organisation, whom a
claim never holds back), and afterwards nobody holds the file. Where a colleague of another
role in the same organisation fires it, the claim holds them back and says so; the
organisation's approver takes it over first (``tests/loan/test_claim_handovers.py`` shows
the same on the loan's pages).
"""

import pytest

from talentfin import programme  # noqa: F401 (registers the products whose routes are walked)
from talentfin.institutions import FOUNDER
from talentfin.services import applications as application_service
from talentfin.workflows import access
from talentfin.workflows import registry
from talentfin.workflows.spec import SYSTEM
from tests.core.claim_routes import ROUTES
from tests.core.claim_routes import route
from tests.web import fresh

PEOPLE = (FOUNDER, SYSTEM)


def _staff(roles) -> list[str]:
    return [role for role in roles if role not in PEOPLE]


def _claimable(workflow, state) -> bool:
    """Whether a member of staff may claim a file in this state."""
    if state.collective or state.actor == FOUNDER:
        return False
    return state.actor is not None or any(
        _staff(t.roles) for t in workflow.triggers_from(state.name))


def _states(workflow, path: list[str]) -> list[str]:
    """The state before each step of a walk, and after its last."""
    states = [workflow.initial]
    for trigger in path:
        states.append(workflow.transition(trigger).dest)
    return states


def _way(workflow, paths: dict, state: str, trigger: str) -> tuple[str, str, list[str]]:
    """(a state some demo walk ends in, the walk's target, the steps from that state on to
    ``state``), so that ``trigger`` comes next. A demo walk that fires ``trigger`` from
    ``state`` is followed (its data fits: a counter-offer's proposal, the repayments before
    an allocation is repaid); else a walk ending in ``state``; else one step on from such a
    walk (a recovery finished, a loan repaid)."""
    found = []
    for target, path in paths.items():
        states = _states(workflow, path)
        for i, step in enumerate(path):
            if step == trigger and states[i] == state:
                # The longest start of the walk that is itself a demo walk.
                j = max(j for j in range(i + 1) if paths.get(states[j]) == path[:j])
                found.append((i - j, states[j], target, path[j:i]))
    if found:
        return min(found)[1:]
    if state in paths:
        return state, state, []
    return next((source, source, [t.trigger]) for t in workflow.transitions
                if t.dest == state for source in t.sources if source in paths)


def _handovers() -> list:
    cases = []
    for product in registry.products():
        workflow = product.workflow
        for state in workflow.states:
            if not _claimable(workflow, state):
                continue
            for transition in workflow.triggers_from(state.name):
                cases.append(pytest.param(
                    product.key, state.name, transition.trigger,
                    id=f"{product.key}:{state.name}:{transition.trigger}"))
    return cases


HANDOVERS = _handovers()


def test_every_registered_product_has_its_route_walked(app):
    assert {product.key for product in registry.products()} == set(ROUTES)
    assert {case.values[0] for case in HANDOVERS} == set(ROUTES)


def _actor(r, workflow, application, trigger: str, target: str, owner: str | None = None):
    """(actor, comment, data) of a step: fired by whoever of ``owner``'s role when that role
    may fire it, else by the step's own actor (the demo's; the founder; the scheduler; or
    whoever holds its first role of staff when the demo names nobody)."""
    transition = workflow.transition(trigger)
    actor, comment, data = r.decision(application, trigger, target)
    people = r.people(application)
    if owner in transition.roles:
        actor = people[owner]
    elif actor is None and FOUNDER in transition.roles:
        actor = application.applicant
    elif actor is None and SYSTEM not in transition.roles:
        actor = people[_staff(transition.roles)[0]]
    return actor, comment, data


def _owner(workflow, state: str, actor) -> str:
    """Who claims a file in ``state``: its queue role, or, in nobody's queue, the step's
    actor's role when it is one of staff that acts there, else the first such role."""
    acting = _staff(role for t in workflow.triggers_from(state) for role in t.roles)
    if workflow.state(state).actor is not None:
        return workflow.state(state).actor
    return actor.role if actor is not None and actor.role in acting else acting[0]


@pytest.mark.parametrize(("key", "state", "trigger"), HANDOVERS)
def test_every_hand_over_of_every_route_releases_the_claim(world, key, state, trigger):
    product = registry.product_for(key)
    workflow = product.workflow
    r = route(key, world)
    walked, target, steps = _way(workflow, product.demo.PATHS, state, trigger)
    application = r.start(walked, target, trigger)
    for step in steps:
        r.history(application, step)
        r.fire(application, step, *_actor(r, workflow, application, step, target))
    r.history(application, trigger)
    assert fresh(application.id).status == state

    application = fresh(application.id)
    actor, comment, data = _actor(r, workflow, application, trigger, target)
    owner = _owner(workflow, state, actor)
    actor, comment, data = _actor(r, workflow, application, trigger, target, owner)
    claimant = r.people(application)[owner]
    allowed, why = access.can(claimant, "claim", application)
    assert allowed, why
    assert application_service.claim(application, claimant)
    application = fresh(application.id)
    assert application.claimed_by_id == claimant.id

    if actor is not None and access.claim_blocks(actor, application):
        # A colleague of another role: held back, told who holds it, and may take it over.
        assert access.can(actor, f"fire:{trigger}", application) == (
            False, access.claim_notice(application))
        assert access.can(actor, "release", application)[0]
        application_service.release(application)
        application = fresh(application.id)

    r.fire(application, trigger, actor, comment, data)
    after = fresh(application.id)
    assert after.status == workflow.transition(trigger).dest
    assert (after.claimed_by_id, after.claimed_at) == (None, None)
