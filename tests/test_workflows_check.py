"""`flask workflows check`: the shipped definitions pass, broken ones are named and fail."""

import sys
import types
from dataclasses import replace

import pytest

from talentfin.workflows import registry
from talentfin.workflows.checker import defects
from talentfin.workflows.definitions.loan import WORKFLOW as LOAN
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

SOUND = Workflow(
    product="toy",
    initial="draft",
    states=("draft", "review", "done", "rejected"),
    terminal=("done", "rejected"),
    transitions=(
        T("submit", ("draft",), "review", ("founder",), guards=("attachments_complete",),
          effects=("mark_submitted",)),
        T("approve", ("review",), "done", ("park_reviewer",), form="decision",
          dossier="park_opinion", decides=True),
        T("reject", ("review",), "rejected", ("park_reviewer",), guards=("comment_given",),
          dossier="park_opinion", decides=True),
    ),
)


def _with(*extra: T, **changes) -> Workflow:
    return replace(SOUND, transitions=SOUND.transitions + extra, **changes)


def _replacing(trigger: str, **changes) -> Workflow:
    return replace(SOUND, transitions=tuple(
        replace(t, **changes) if t.trigger == trigger else t for t in SOUND.transitions))


def test_the_shipped_and_the_toy_definitions_are_sound():
    assert defects(LOAN) == []
    assert defects(SOUND) == []


BROKEN = {
    "unreachable state": (
        _with(states=(*SOUND.states, "limbo"), terminal=(*SOUND.terminal, "limbo")),
        "state 'limbo' is not reachable from 'draft'"),
    "transition without role": (
        _replacing("approve", roles=()), "transition 'approve' has no role"),
    "terminal state with an outgoing transition": (
        _with(T("reopen", ("done",), "review", ("park_reviewer",))),
        "transition 'reopen' leaves terminal state(s) ['done']"),
    "deciding transition without dossier": (
        _replacing("reject", dossier=None), "transition 'reject' decides but names no dossier"),
    "unknown role": (
        _replacing("submit", roles=("founder", "janitor")),
        "transition 'submit' names unknown role 'janitor'"),
    "unknown guard": (
        _replacing("submit", guards=("attachments_complete", "looks_fine")),
        "transition 'submit' names unknown guard 'looks_fine'"),
    "unknown effect": (
        _replacing("submit", effects=("send_flowers",)),
        "transition 'submit' names unknown effect 'send_flowers'"),
    "unknown form": (
        _replacing("approve", form="questionnaire"),
        "transition 'approve' names unknown form 'questionnaire'"),
    "unknown state": (
        _replacing("approve", dest="celebrated"),
        "transition 'approve' names unknown state 'celebrated'"),
    "duplicate trigger": (
        _with(T("approve", ("review",), "rejected", ("park_reviewer",))),
        "trigger 'approve' is defined more than once"),
    "dead end": (
        _with(T("shelve", ("review",), "shelved", ("park_reviewer",)),
              states=(*SOUND.states, "shelved")),
        "state 'shelved' is not terminal but has no way out"),
    "initial state missing": (
        replace(SOUND, initial="start"), "initial state 'start' is not a state"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_defect_is_named(case):
    workflow, expected = BROKEN[case]
    assert expected in defects(workflow)


def test_the_command_passes_on_the_shipped_definitions(runner):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 0, result.output
    assert "loan: ok" in result.output


@pytest.fixture
def broken_product(monkeypatch):
    """A product 'toy' whose definition module holds a workflow with two defects."""
    module = types.ModuleType("tests_toy_workflow")
    module.WORKFLOW = _with(T("reopen", ("done",), "review", ()))
    monkeypatch.setitem(sys.modules, "tests_toy_workflow", module)
    monkeypatch.setitem(registry.PRODUCT_MODULES, "toy", "tests_toy_workflow")
    return module


def test_the_command_fails_on_a_broken_definition(runner, broken_product):
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code != 0
    assert "loan: ok" in result.output
    assert "toy: 2 defect(s)" in result.output
    assert "transition 'reopen' has no role" in result.output
    assert "transition 'reopen' leaves terminal state(s) ['done']" in result.output


def test_the_command_fails_when_workflow_for_returns_a_broken_definition(runner, monkeypatch):
    real = registry.workflow_for
    broken = _replacing("reject", dossier=None)
    monkeypatch.setattr(registry, "workflow_for",
                        lambda product: broken if product == "loan" else real(product))
    result = runner.invoke(args=["workflows", "check"])
    assert result.exit_code == 1
    assert "loan: 1 defect(s)" in result.output
    assert "decides but names no dossier" in result.output
