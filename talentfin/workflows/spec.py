"""The shape of a workflow definition: plain data the registry compiles into a Machine."""

from dataclasses import dataclass
from dataclasses import field

SYSTEM = "system"  # the scheduler; fires time-based transitions


@dataclass(frozen=True)
class Transition:
    """One trigger from some states to one state, and who may fire it.

    ``guards`` name functions in ``talentfin.workflows.guards``; each returns a reason when
    the transition must not happen. ``effects`` name functions in ``effects`` that set the
    application's fields from the form data inside the same transaction. ``dossier`` names
    the PDF a deciding transition produces; ``form`` names the form a user fills in.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    form: str | None = None
    dossier: str | None = None
    decides: bool = False
    style: str = "primary"  # the button's look: primary, success, danger, secondary
    # The comment is the institution's internal note (officer to approver): founders do
    # not see it in the timeline.
    internal: bool = False
    # A decision someone waits for: the state shows in the actor's review queue. Reports a
    # bank may make at any time on a running loan (repayments, arrears) are not queued.
    queued: bool = True


@dataclass(frozen=True)
class Workflow:
    """A product's states and transitions."""

    product: str
    initial: str
    states: tuple[str, ...]
    terminal: tuple[str, ...]
    transitions: tuple[Transition, ...]
    # Open states a founder may withdraw from, and the states where the founder holds
    # the file (SLA clocks pause there).
    founder_holds: tuple[str, ...] = field(default=())

    def transition(self, trigger: str) -> Transition | None:
        """The transition with this trigger name, if any."""
        for candidate in self.transitions:
            if candidate.trigger == trigger:
                return candidate
        return None

    def triggers_from(self, state: str) -> list[Transition]:
        """Transitions that may fire from a state."""
        return [t for t in self.transitions if state in t.sources]
