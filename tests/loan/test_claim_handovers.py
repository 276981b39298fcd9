"""A claim (认领) belongs to one stage and one organisation: every transition releases it.

Every transition a person fires on the loan's route is fired here with the application
claimed first by the one who fires it; afterwards nobody holds it, and whoever's queue it
entered finds their action on the page, not hidden by a claim. A claim held by a colleague
says who holds it and how to take it over.
"""

import pytest

from talentfin.clock import business_today
from talentfin.workflows import engine
from talentfin.workflows.loan import demo as loan_demo
from talentfin.workflows.loan.definition import WORKFLOW
from talentfin.workflows.spec import SYSTEM
from tests import factories
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import text

# Triggers whose guards need a history the factories do not build (tested elsewhere).
NEEDS_HISTORY = {"report_repaid", "close_uncompensated", "close"}
HANDOVERS = sorted(
    (state, t.trigger) for t in WORKFLOW.transitions for state in t.sources
    if state in loan_demo.PATHS and t.trigger not in NEEDS_HISTORY
    and any(role not in ("founder", SYSTEM) for role in t.roles)
)


def _person(world, role: str, application):
    """Someone of ``role`` on this application's route (never the officer who recommended
    when an approver is wanted)."""
    people = {"park_reviewer": world.park_reviewer, "bank_officer": world.officer1,
              "bank_approver": world.approver1, "pool_admin": world.pool_admin,
              "pool_committee": world.committee}
    person = people[role]
    if role == "bank_approver" and application.recommended_by_id == person.id:
        return world.approver1b
    return person


def _data(trigger: str, application, world) -> tuple[str, dict]:
    people = factories.SimpleNamespace(
        park=world.park_reviewer, officer=world.officer1, approver=world.approver1,
        pool=world.pool_admin, committee=world.committee)
    if trigger in loan_demo.SERVICING_TRIGGERS:
        _actor, comment, data = loan_demo.step(trigger, application, people, business_today())
    else:
        actors = {"park": world.park_reviewer, "officer": world.officer1,
                  "approver": world.approver1, "pool": world.pool_admin}
        try:
            _actor, comment, data = factories._step(trigger, actors, application,
                                                    business_today())
        except KeyError:  # a decision with a comment only
            comment, data = "", {}
    return comment or "理由", data


@pytest.mark.parametrize(("state", "trigger"), HANDOVERS)
def test_every_transition_releases_the_claim(client, auth, world, state, trigger):
    factories.fund_pool(world)
    application = factories.loan_in(world, state)
    transition = WORKFLOW.transition(trigger)
    owner = WORKFLOW.state(state).actor
    role = owner if owner in transition.roles else next(
        r for r in transition.roles if r not in ("founder", SYSTEM))
    actor = _person(world, role, application)
    # Claimed first by the one whose queue it is (or, in nobody's queue, by the actor).
    owner = owner or role
    claimant = actor if owner in transition.roles else _person(world, owner, application)
    login(auth, claimant)
    assert client.post(f"/applications/{application.id}/claim").status_code == 302
    assert fresh(application.id).claimed_by_id == claimant.id
    if claimant.id != actor.id and claimant.org_id == actor.org_id:
        # The colleague's claim holds the supervisor back until they release it.
        switch_to(auth, actor)
        assert 'id="take-over"' in text(client.get(f"/applications/{application.id}"))
        assert client.post(f"/applications/{application.id}/release").status_code == 302
    if trigger == "lodge_claim":
        factories.upload_claim_documents(application, world.officer1)
    comment, data = _data(trigger, fresh(application.id), world)
    engine.fire(fresh(application.id), trigger, actor, comment=comment, data=data)
    after = fresh(application.id)
    assert after.status == transition.dest
    assert (after.claimed_by_id, after.claimed_at) == (None, None)

    # Whoever's queue it entered finds their action, and no claim in the way.
    queue_role = WORKFLOW.state(after.status).actor
    if queue_role and queue_role != "founder":
        switch_to(auth, _person(world, queue_role, after))
        page = text(client.get(f"/applications/{application.id}"))
        assert 'id="claim-notice"' not in page
        waiting = [t for t in WORKFLOW.triggers_from(after.status) if queue_role in t.roles]
        assert any(f'id="action-{t.trigger}"' in page for t in waiting), (
            f"{queue_role} has no action on {after.status}")
        assert 'id="claim"' in page  # and may claim it for the next stage


def test_a_colleagues_claim_says_who_and_how_to_take_it_over(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    colleague = factories.user("officer1b@t.cn", "bank_officer", world.bank1)
    login(auth, world.officer1)
    client.post(f"/applications/{application.id}/claim")

    switch_to(auth, colleague)
    page = text(client.get(f"/applications/{application.id}"))
    assert "officer1 has claimed this application." in page
    assert "ask Bank approver to release it" in page
    assert "On hold until then:" in page and "Recommend terms" in page
    assert 'id="action-recommend"' not in page and 'id="take-over"' not in page

    switch_to(auth, world.approver1)  # the holder's organisation's approver takes it over
    page = text(client.get(f"/applications/{application.id}"))
    assert 'id="take-over"' in page
    response = client.post(f"/applications/{application.id}/release", follow_redirects=True)
    assert "officer1&#39;s claim is released" in text(response)
    assert fresh(application.id).claimed_by_id is None


def test_another_organisations_claim_holds_nobody_back(client, auth, world):
    """A claim is one organisation's: a bank officer's claim on a disbursed loan (from
    before every step released it) does not stop the pool from filing it."""
    factories.fund_pool(world)
    application = factories.loan_in(world, "disbursed")
    factories.set_columns(application, claimed_by_id=world.officer1.id)
    login(auth, world.pool_admin)
    page = text(client.get(f"/applications/{application.id}"))
    assert 'id="action-file_with_pool"' in page
    assert 'id="claimed-by"' in page and 'id="claim-notice"' not in page  # who, no more
    engine.fire(fresh(application.id), "file_with_pool", world.pool_admin, comment="备案")
    assert fresh(application.id).claimed_by_id is None


def test_the_holder_can_always_release(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    client.post(f"/applications/{application.id}/claim")
    page = text(client.get(f"/applications/{application.id}"))
    assert 'id="release"' in page
    assert client.post(f"/applications/{application.id}/release").status_code == 302
    assert fresh(application.id).claimed_by_id is None


def test_deactivating_an_account_gives_its_claims_back(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    client.post(f"/applications/{application.id}/claim")
    switch_to(auth, world.admin)
    client.post(f"/admin/users/{world.officer1.id}/active", data={"active": "0"})
    assert fresh(application.id).claimed_by_id is None


def test_one_claims_only_what_waits_in_ones_own_queue(client, auth, world):
    """An officer does not claim what waits for the approver, nor a colleague's role's item."""
    application = factories.loan_in(world, "bank_approval")
    login(auth, world.officer1)
    page = text(client.get(f"/applications/{application.id}"))
    assert 'id="claim"' not in page
    response = client.post(f"/applications/{application.id}/claim")
    assert response.status_code == 403
    assert "There is nothing for you to do on this application now." in text(response)
    assert fresh(application.id).claimed_by_id is None

    approver = _person(world, "bank_approver", application)
    switch_to(auth, approver)
    assert 'id="claim"' in text(client.get(f"/applications/{application.id}"))
    assert client.post(f"/applications/{application.id}/claim").status_code == 302
    assert fresh(application.id).claimed_by_id == approver.id
