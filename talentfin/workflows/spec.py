"""The shape of a product: its workflow as data, with the metadata the core reads.

A product (``Product``) is registered once (``talentfin.workflows.registry``); the core
reads only these fields: who acts in each state and whose queue it is (``State.actor``),
its SLA, whether the founder holds the file, which organisation each role works for and
from when it sees the file (``Party``), the documents, the labels. It never names a
product, a state or a role.
"""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from talentfin.institutions import FOUNDER

SYSTEM = "system"  # the scheduler; fires time-based transitions
APPROVE, REFUSE = "approve", "refuse"  # a partner's answer (``Transition.outcome``)

Check = Callable[..., str | None]  # (FireContext) -> reason to refuse, or None
Effect = Callable[..., None]  # (FireContext) -> None; changes the session only


@dataclass(frozen=True)
class Transition:
    """One trigger from some states to one state, and who may fire it.

    ``guards`` are functions returning a reason when the transition must not happen;
    ``effects`` change the application inside the firing's transaction. ``dossier`` names
    the PDF a deciding transition produces; ``form`` names the form a user fills in (the
    forms layer keeps a registry by name).
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    label: object = None  # the button's text (a lazy translated string)
    guards: tuple[Check, ...] = ()
    effects: tuple[Effect, ...] = ()
    # Taken in a firing before its guards run (not when a page only checks them): the row
    # locks a guard's figure depends on, so that the figure the guard checks is the one that
    # commits (the outstanding caps: of two approvals for one person's firms, the second
    # waits for the first and counts it).
    locks: tuple[Effect, ...] = ()
    form: str | None = None
    dossier: str | None = None
    decides: bool = False
    style: str = "primary"  # the button's look: primary, success, danger, secondary
    # The comment is the institution's internal note (officer to approver): founders do
    # not see it in the timeline.
    internal: bool = False
    # A decision someone waits for: the state shows in the actor's review queue. Reports a
    # partner may make at any time (repayments, arrears) are not queued.
    queued: bool = True
    # The founder's (re)submission: fired from the last step of the form, not the page.
    submits: bool = False
    # A scheduled transition: the name of the daily job that tries it (its guards decide).
    job: str | None = None
    # Offered only when this holds of the application and the user (None: whoever acts),
    # ``when(application, user)``: one of several decisions from one state, each for its own
    # case (an approver approves an acceptance, or a counter-offer), or one person's (the
    # committee's chair records the resolution).
    when: Callable[..., bool] | None = None
    # The partners' webhook event this decision is besides "application.transition"
    # ("claim.decided": a compensation or an insurance claim decided).
    event: str | None = None
    # The partner's answer to the application (APPROVE or REFUSE): the programme's funnel
    # counts a file decided, and approved, by the first such step fired on it.
    outcome: str | None = None


@dataclass(frozen=True)
class Sla:
    """A queue state's service level: who hears of an item waiting too long.

    Without ``limit_key`` the thresholds are the configuration's (remind after 3, escalate
    after 5 working days); with one, the policy table's limit (reminders start two working
    days before it, escalations past it).
    """

    escalate_to: str  # role told when an item is overdue (of the same organisation if any)
    limit_key: str | None = None
    # The limit counts calendar days, not working days (a legal clock, such as an insurer's
    # 30 days to decide a claim).
    calendar: bool = False


@dataclass(frozen=True)
class State:
    """A state with what the core needs to know about it."""

    name: str
    label: object
    # The role whose queue the file enters here: its staff are notified, reminded, and
    # the timeline names it as the next to act. None: nobody waits on it.
    actor: str | None = None
    sla: Sla | None = None
    founder_holds: bool = False  # the founder has the file (SLA clocks pause, edits allowed)
    terminal: bool = False
    # The firm defaulted on this file (a non-performing loan and what follows): every page of
    # the firm's applications, of every product, shows it.
    default: bool = False
    # A committee's, whose members act each in their own name (they vote): nobody claims it,
    # and nobody's claim holds it.
    collective: bool = False


@dataclass(frozen=True)
class Party:
    """How an application names the organisation of one kind on its route.

    ``org_column`` is the application's column holding that organisation's id (None: the
    programme has one organisation of the kind, e.g. the pool), on the envelope or on the
    product's own table; ``since`` is the envelope's column that is set once the file
    reached that organisation (its staff see it from then on; the queue's indexes read
    it). Where that moment is recorded on the product's own table (a loan's payout),
    ``since`` is the envelope's copy of it and ``follows`` names the product's column
    (``talentfin.workflows.reach`` keeps the copy).
    """

    org_column: str | None
    since: str
    follows: str | None = None
    # The effect that records that moment (a loan's payout), where it is one: the party
    # then has files only in the states reachable from its transitions (its status list
    # and "all I can see" offer no other). None: every state a submitted file may be in.
    reached_by: Effect | None = None


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document of a product: who uploads it and when.

    The founder's documents are uploaded while the founder holds the file; ``required``
    ones must be there to submit. Other parties' documents (a bank's claim papers), and the
    founder's papers of a later stage (a premium invoice), name their roles and the states
    in which they are uploaded.
    """

    key: str
    label: object
    required: bool = False
    roles: tuple[str, ...] = (FOUNDER,)
    states: tuple[str, ...] = ()  # for other parties' documents: when they upload them
    # Kinds of organisation whose staff may read it (with whoever reads every application,
    # the auditor); empty: everyone who sees the application. A fund's due diligence
    # report is the fund's.
    readers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DueNotice:
    """A notice about a document a product schedules (a portfolio firm's report, a listed
    firm's annual report), from its ``documents_due(today)`` hook: the daily job tells
    ``to`` (``founder`` or a role on the route) once per ``stage`` (soon, late, escalated)."""

    application: object
    document: str  # the DocumentKind's key
    period: str
    due_on: object  # a date
    to: str
    kind: str  # reminder or escalation
    stage: str


@dataclass(frozen=True)
class DossierKind:
    """A PDF a deciding stage produces: its title and its template; ``readers`` as a
    document's (a committee's resolution naming its members' votes is the fund's)."""

    title: object
    template: str
    readers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workflow:
    """A product's states and transitions."""

    product: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    def __post_init__(self):
        object.__setattr__(self, "_states", {s.name: s for s in self.states})
        object.__setattr__(self, "_triggers", {t.trigger: t for t in self.transitions})
        sources: dict[str, list[Transition]] = {}
        for t in self.transitions:
            for state in t.sources:
                sources.setdefault(state, []).append(t)
        object.__setattr__(self, "_from", sources)

    @property
    def state_names(self) -> tuple[str, ...]:
        """Every state's name, in definition order."""
        return tuple(s.name for s in self.states)

    @property
    def terminal(self) -> tuple[str, ...]:
        """States the application never leaves."""
        return tuple(s.name for s in self.states if s.terminal)

    @property
    def founder_holds(self) -> tuple[str, ...]:
        """States in which the founder holds the file."""
        return tuple(s.name for s in self.states if s.founder_holds)

    @property
    def submitted_states(self) -> tuple[str, ...]:
        """Every state but the founder's draft that nothing returns to: the initial state
        the founder holds until submitting, which no transition enters, holds only what was
        never submitted. A product whose files start elsewhere (a bond issue, filed by its
        underwriter already submitted) keeps every state."""
        first = self.state(self.initial)
        draft = first is not None and first.founder_holds \
            and all(t.dest != self.initial for t in self.transitions)
        return tuple(name for name in self.state_names if not (draft and name == self.initial))

    def reachable_from(self, starts) -> tuple[str, ...]:
        """The states a file in one of ``starts`` may be in from then on (those included),
        in definition order."""
        seen, todo = set(starts), list(starts)
        while todo:
            for t in self.triggers_from(todo.pop()):
                if t.dest not in seen:
                    seen.add(t.dest)
                    todo.append(t.dest)
        return tuple(name for name in self.state_names if name in seen)

    def reached_states(self, party: Party) -> tuple[str, ...]:
        """The states in which a party may have files: those reachable from the
        transitions whose effects record that it was reached, or every state a submitted
        file may be in."""
        if party.reached_by is None:
            return self.submitted_states
        return self.reachable_from(
            [t.dest for t in self.transitions if party.reached_by in t.effects])

    def state(self, name: str | None) -> State | None:
        """The state of this name, if any."""
        return self._states.get(name or "")

    def transition(self, trigger: str) -> Transition | None:
        """The transition with this trigger name, if any."""
        return self._triggers.get(trigger)

    def triggers_from(self, state: str) -> list[Transition]:
        """Transitions that may fire from a state."""
        return list(self._from.get(state, ()))


@dataclass(frozen=True)
class Product:
    """Everything the core knows of one product; registered once in the registry.

    ``hooks`` are the product's own functions the core calls: ``summary(application)``
    (its part of a dossier's frozen summary), ``snapshot(application)`` (its
    founder-editable fields, for the resubmission diff) and ``start(application)`` (fills a
    new draft). ``extensions`` carries specs for modules beside the core (the pool's cover)
    under their own names; the core never reads them.
    """

    key: str
    label: object
    model: type  # the product's Application subclass (polymorphic identity = key)
    workflow: Workflow
    parties: dict[str, Party]  # organisation kind -> how the application names it
    partner_kind: str  # the kind of institution the founder applies to
    documents: tuple[DocumentKind, ...]
    dossiers: dict[str, DossierKind]
    fields: dict[str, object] = field(default_factory=dict)  # what an info request may name
    snapshot_labels: dict[str, object] = field(default_factory=dict)
    reference_prefix: str = "APP"
    request_form: str | None = None  # the founder's request step (a form name)
    policy_keys: tuple = ()  # its numbers in the policy table (models.policy.PolicyKey)
    # Daily jobs that try its scheduled transitions (``Transition.job``): name -> cron
    # fields (products sharing a job, like the expiry of requests, share the name).
    jobs: dict[str, dict] = field(default_factory=dict)
    hooks: dict[str, Callable] = field(default_factory=dict)
    extensions: dict[str, object] = field(default_factory=dict)
    # Its demo (a module with WALKS, PATHS, ORGANISATIONS, STAFF, request(), step() ...),
    # walked through the real engine by ``talentfin.demo``.
    demo: object = None
    # Its benchmark profile (talentfin.workflows.<key>.bench), read by talentfin.bench.
    bench: object = None
    # Founders apply for it (False: its files are opened by a partner's staff, as a bond
    # by its underwriter; it is not offered on the founder's page).
    founders_apply: bool = True
    # Events of its own an organisation's system may subscribe to, and scopes of its own
    # for API clients: code -> label (the core's are the queue, transitions, dossiers and
    # decided claims; read and decide).
    webhook_events: dict[str, object] = field(default_factory=dict)
    api_scopes: dict[str, object] = field(default_factory=dict)

    def document(self, key: str | None) -> DocumentKind | None:
        """The document kind of this key, if the product has it."""
        return next((d for d in self.documents if d.key == key), None)

    @property
    def founder_documents(self) -> tuple[DocumentKind, ...]:
        """The application's own documents (the founder uploads them with the form)."""
        return tuple(d for d in self.documents if FOUNDER in d.roles and not d.states)

    @property
    def required_documents(self) -> tuple[str, ...]:
        """Keys of the documents a submission needs."""
        return tuple(d.key for d in self.documents if d.required)
