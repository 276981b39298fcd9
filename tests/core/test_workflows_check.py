"""`flask workflows check`: every registered product passes, broken definitions are named."""

from dataclasses import replace

import pytest

from talentfin.forms.decisions import FORMS
from talentfin.i18n import _l
from talentfin.workflows import common
from talentfin.workflows import registry
from talentfin.workflows.checker import defects
from talentfin.workflows.checker import product_defects
from talentfin.workflows.loan import LOAN
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow
from tests.trial.product import TRIAL

SOUND = Workflow(
    product="toy",
    initial="draft",
    states=(State("draft", _l("Draft"), founder_holds=True),
            State("review", _l("Review"), actor="park_reviewer", sla=Sla("pool_admin")),
            State("done", _l("Done"), terminal=True),
            State("rejected", _l("Rejected"), terminal=True)),
    transitions=(
        T("submit", ("draft",), "review", ("founder",), _l("Submit"),
          guards=(common.attachments_complete,), effects=(common.mark_submitted,)),
        T("approve", ("review",), "done", ("park_reviewer",), _l("Approve"), form="decision",
          dossier="park_opinion", decides=True),
        T("reject", ("review",), "rejected", ("park_reviewer",), _l("Reject"),
          guards=(common.comment_given,), dossier="park_opinion", decides=True),
    ),
)


def _with(*extra: T, **changes) -> Workflow:
    return replace(SOUND, transitions=SOUND.transitions + extra, **changes)


def _replacing(trigger: str, **changes) -> Workflow:
    return replace(SOUND, transitions=tuple(
        replace(t, **changes) if t.trigger == trigger else t for t in SOUND.transitions))


def _with_state(*extra: State, **changes) -> Workflow:
    return replace(SOUND, states=SOUND.states + extra, **changes)


def test_the_shipped_the_trial_and_the_toy_definitions_are_sound(trial):
    assert product_defects(LOAN, frozenset(FORMS)) == []
    assert product_defects(TRIAL, frozenset(FORMS)) == []
    assert defects(SOUND, frozenset(FORMS)) == []


BROKEN = {
    "unreachable state": (
        _with_state(State("limbo", _l("Limbo"), terminal=True)),
        "state 'limbo' is not reachable from 'draft'"),
    "transition without role": (
        _replacing("approve", roles=()), "transition 'approve' has no role"),
    "terminal state with an outgoing transition": (
        _with(T("reopen", ("done",), "review", ("park_reviewer",), _l("Reopen"))),
        "transition 'reopen' leaves terminal state(s) ['done']"),
    "deciding transition without dossier": (
        _replacing("reject", dossier=None), "transition 'reject' decides but names no dossier"),
    "unknown role": (
        _replacing("submit", roles=("founder", "janitor")),
        "transition 'submit' names unknown role 'janitor'"),
    "a guard that is no function": (
        _replacing("submit", guards=("attachments_complete",)),
        "transition 'submit' names 'attachments_complete', which is not a function"),
    "unknown form": (
        _replacing("approve", form="questionnaire"),
        "transition 'approve' names unknown form 'questionnaire'"),
    "unknown state": (
        _replacing("approve", dest="celebrated"),
        "transition 'approve' names unknown state 'celebrated'"),
    "duplicate trigger": (
        _with(T("approve", ("review",), "rejected", ("park_reviewer",), _l("Again"))),
        "trigger 'approve' is defined more than once"),
    "dead end": (
        _with(T("shelve", ("review",), "shelved", ("park_reviewer",), _l("Shelve")),
              states=(*SOUND.states, State("shelved", _l("Shelved")))),
        "state 'shelved' is not terminal but has no way out"),
    "initial state missing": (
        replace(SOUND, initial="start"), "initial state 'start' is not a state"),
    "a queue of an unknown role": (
        replace(SOUND, states=(*SOUND.states[:1], State("review", _l("Review"),
                                                        actor="janitor"),
                               *SOUND.states[2:])),
        "state 'review' names unknown role 'janitor'"),
    "an SLA without a queue": (
        replace(SOUND, states=(*SOUND.states[:1], State("review", _l("Review"),
                                                        sla=Sla("pool_admin")),
                               *SOUND.states[2:])),
        "state 'review' has an SLA but nobody's queue"),
    "a scheduled transition the system may not fire": (
        _replacing("reject", job="nightly"),
        "transition 'reject' is scheduled but the system may not fire it"),
    "a transition without a label": (
        _replacing("approve", label=None), "transition 'approve' has no label"),
    "an outcome that is no partner's answer": (
        _replacing("approve", outcome="maybe"),
        "transition 'approve' has outcome 'maybe', neither 'approve' nor 'refuse'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_defect_is_named(case):
    workflow, expected = BROKEN[case]
    assert expected in defects(workflow, frozenset(FORMS))


def test_a_product_whose_roles_have_no_party_is_named():
    wrong = replace(LOAN, parties={k: v for k, v in LOAN.parties.items() if k != "bank"})
    assert ("role 'bank_officer' works for a 'bank', which the product names no party for"
            in product_defects(wrong, frozenset(FORMS)))


def test_a_party_naming_a_column_that_is_not_there_or_copying_off_the_envelope_is_named():
    pool = LOAN.parties["pool"]
    unknown = replace(LOAN, parties={**LOAN.parties, "pool": replace(pool, follows="paid_on")})
    assert "party 'pool' names unknown column 'paid_on'" in product_defects(unknown)
    # When a party was reached is the envelope's, which the queue's indexes read (a column
    # of the product's own table is copied there), with or without a copy named.
    for inward in (replace(pool, since="filed_on"), replace(pool, since="filed_on",
                                                            follows=None)):
        wrong = replace(LOAN, parties={**LOAN.parties, "pool": inward})
        assert ("party 'pool' is reached by 'filed_on', which is not the envelope's (keep a "
                "copy on it: Party.follows)" in product_defects(wrong))


def _record_nothing(_ctx) -> None:
    """An effect no transition of the loan has."""


def test_a_party_reached_by_an_effect_no_transition_has_is_named():
    pool = LOAN.parties["pool"]
    assert not product_defects(LOAN)
    wrong = replace(LOAN, parties={**LOAN.parties,
                                   "pool": replace(pool, reached_by=_record_nothing)})
    assert "party 'pool' is reached by an effect no transition has" in product_defects(wrong)


def test_a_party_is_shown_the_states_reachable_from_where_it_is_reached():
    # The pool sees a loan from its payout: none of the states before it (the bank's
    # review), all after it (a repaid loan's claim included), and every state for a party
    # reached on submission but the draft.
    seen = LOAN.workflow.reached_states(LOAN.parties["pool"])
    assert seen[0] == "disbursed" and "claim_review" in seen and "closed" in seen
    assert not {"draft", "park_review", "partner_review"} & set(seen)
    assert LOAN.workflow.reached_states(LOAN.parties["park"]) == \
        tuple(state for state in LOAN.workflow.state_names if state != "draft")


def test_a_dossier_the_product_does_not_declare_is_named():
    wrong = replace(LOAN, dossiers={k: v for k, v in LOAN.dossiers.items()
                                    if k != "bank_decision"})
    assert ("transition 'bank_approve' names unknown dossier 'bank_decision'"
            in product_defects(wrong, frozenset(FORMS)))


def test_the_command_passes_on_every_registered_product(runner, trial):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 0, result.output
    assert "loan: ok" in result.output and "trial: ok" in result.output


@pytest.fixture
def broken_product(app):
    """A product 'toy' registered with a workflow that has two defects."""
    toy = replace(TRIAL, key="toy", workflow=replace(
        _with(T("reopen", ("done",), "review", (), _l("Reopen"))), product="toy"))
    registry.register(toy)
    yield toy
    registry.unregister("toy")


def test_the_command_fails_on_a_broken_definition(runner, broken_product):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code != 0
    assert "loan: ok" in result.output
    assert "toy: " in result.output and "defect(s)" in result.output
    assert "transition 'reopen' has no role" in result.output
    assert "transition 'reopen' leaves terminal state(s) ['done']" in result.output
