"""Fire a workflow transition for a user: check, move, log, schedule dossiers, commit.

Everything a firing writes (the new state, the effects' fields, the log row, the pending
dossier and its outbox task) commits in one transaction or not at all. The UPDATE of the
application is conditional on its version column, so of concurrent firings exactly one
wins and the others get :class:`Conflict`. Every firing releases the application's claim:
a claim belongs to the stage it was taken in.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from talentfin import audit
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.models.policy import cached
from talentfin.workflows import access
from talentfin.workflows.context import FireContext
from talentfin.workflows.dossiers import schedule_dossier
from talentfin.workflows.dossiers import take_snapshot
from talentfin.workflows.errors import Conflict
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused
from talentfin.workflows.errors import TransitionError
from talentfin.workflows.registry import machine_for
from talentfin.workflows.registry import workflow_for
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Transition

__all__ = ["Conflict", "Forbidden", "Refused", "TransitionError", "available_actions", "fire"]


@dataclass
class Fired:
    """The outcome of a successful firing."""

    application: Application
    log: TransitionLog
    transition: Transition


def available_actions(user: User, application: Application) -> list[Transition]:
    """Transitions this user may fire now (guards are checked only on firing)."""
    workflow = workflow_for(application.product)
    return [
        t for t in workflow.triggers_from(application.status)
        if access.can(user, f"fire:{t.trigger}", application)[0]
    ]


def fire(application: Application, trigger: str, user: User | None, *, comment: str = "",
         data: dict | None = None, today: date | None = None, commit: bool = True,
         via: str = "") -> Fired:
    """Fire ``trigger`` on ``application`` for ``user`` (None: the scheduler) and commit.

    With ``commit=False`` the caller owns the transaction (several firings that must land
    together, such as one bank report file); any failure still rolls everything back.
    ``via`` names the channel when it is not the pages (``api:<client id>``); the log keeps it.
    """
    transition = workflow_for(application.product).transition(trigger)
    if transition is None:
        raise Forbidden(_("Unknown action."))
    authorize(application, transition, user)
    ctx = FireContext(application, user, transition, dict(data or {}), comment.strip(),
                      today or business_today(), via)
    try:
        if transition.guards or transition.effects or transition.dossier or transition.locks:
            _preload(application)
        for lock in transition.locks:
            lock(ctx)
        with cached():
            refusal = _first_guard_refusal(ctx)
            if refusal:
                raise Refused(*refusal)
            log = _move(ctx)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except (StaleDataError, IntegrityError) as exc:
        db.session.rollback()
        if isinstance(exc, IntegrityError) and not _lost_the_chain_link(exc):
            raise
        raise Conflict(
            _("The application changed a moment ago (another tab, a colleague or a second "
              "click); reload it to see its state.")
        ) from exc
    except Exception:
        db.session.rollback()
        raise
    return Fired(application, log, transition)


def _lost_the_chain_link(exc: IntegrityError) -> bool:
    """Whether another firing on the application took the same link of its audit chain
    first (the unique (application, seq) of the log: the INSERT may reach the database
    before the version-checked UPDATE that would have said so)."""
    text = str(exc.orig)
    return "uq_transition_logs_application_seq" in text or (
        "transition_logs.application_id, transition_logs.seq" in text)


def first_refusal(ctx: FireContext) -> str | None:
    """The first guard's reason to refuse, or None when every guard lets it through."""
    refusal = _first_guard_refusal(ctx)
    return refusal[0] if refusal else None


def _first_guard_refusal(ctx: FireContext) -> tuple[str, str] | None:
    """(reason, the guard's name as its stable code) of the first guard that refuses."""
    for guard in ctx.transition.guards:
        reason = guard(ctx)
        if reason:
            return reason, getattr(guard, "__name__", "refused")
    return None


def refusals(ctx: FireContext) -> list[str]:
    """Every guard's reason to refuse (each once), for a page that lists them all."""
    found: list[str] = []
    for guard in ctx.transition.guards:
        reason = guard(ctx)
        if reason and reason not in found:
            found.append(reason)
    return found


def check(application: Application, trigger: str, user: User | None, *,
          data: dict | None = None, today: date | None = None) -> str | None:
    """Why firing would fail now (authorization or a guard), or None; changes nothing."""
    transition = workflow_for(application.product).transition(trigger)
    if transition is None:
        return _("Unknown action.")
    try:
        authorize(application, transition, user)
    except TransitionError as exc:
        return exc.message
    return first_refusal(FireContext(application, user, transition, dict(data or {}), "",
                                     today or business_today()))


def authorize(application: Application, transition: Transition, user: User | None) -> None:
    """Raise Forbidden, or Conflict for an action whose state has passed, unless allowed."""
    if user is None:
        if SYSTEM not in transition.roles:
            raise Forbidden(_("Only a person may do this."))
        if application.status not in transition.sources:
            raise Conflict(_("The application has moved on in the meantime."))
        return
    allowed, reason = access.can(user, f"fire:{transition.trigger}", application)
    if not allowed:
        # A stale page offers an action whose state has passed, or a colleague claimed it
        # meanwhile: that is a conflict.
        if access.can_view(user, application) and user.role in transition.roles:
            raise Conflict(reason)
        raise Forbidden(reason)


# Built once (constructing a statement costs more than running this one).
_FIRM_AND_TALENT = (select(Enterprise).options(joinedload(Enterprise.talent))
                    .where(Enterprise.id == bindparam("enterprise_id")))


def _preload(application: Application) -> None:
    """Load the firm and its talent certification in one query (guards, effects and
    dossiers read both); lazy loading them would take two. A bare move of state reads
    neither."""
    if "enterprise" not in inspect(application).unloaded:
        return
    enterprise = db.session.scalars(
        _FIRM_AND_TALENT, {"enterprise_id": application.enterprise_id}
    ).unique().one()
    set_committed_value(application, "enterprise", enterprise)


def _move(ctx: FireContext) -> TransitionLog:
    """Change the state through the shared Machine, apply effects, write the log row."""
    application = ctx.application
    source = application.status
    claimed_by_id = application.claimed_by_id  # the claim ends here; notify the holder
    # The shared Machine checks the source state and moves the model. Triggering the event
    # directly needs no add_model/remove_model (they bind and unbind a method per trigger
    # and state on the instance, about 1 ms a firing); the model only has to carry
    # ``status``, the Machine's model_attribute. An event from a wrong state raises
    # MachineError, which authorize() has already ruled out.
    machine_for(application.product).events[ctx.transition.trigger].trigger(application)
    for effect in ctx.transition.effects:
        effect(ctx)
    application.amount_fen = application.current_amount()
    application.claimed_by_id = None
    application.claimed_at = None
    application.status_changed_at = utcnow()
    log = TransitionLog(
        application_id=application.id,
        trigger=ctx.transition.trigger,
        from_state=source,
        to_state=application.status,
        actor_id=ctx.user.id if ctx.user else None,
        comment=ctx.comment,
        # The policy table is append-only and dated: the date names the version in force.
        payload=_jsonable({**ctx.data, "policy_on": ctx.today,
                           **({"via": ctx.via} if ctx.via else {})}),
        created_at=utcnow(),
    )
    # The log row links into the application's own chain, whose head is on the application
    # row: the head moves in the version-checked UPDATE below, so a concurrent firing on the
    # same application loses with Conflict, and firings on others share no row at all.
    log.seq, log.prev_hash, log.row_hash = audit.next_link(
        application.log_seq, application.log_hash, log.chain_payload())
    application.log_seq, application.log_hash = log.seq, log.row_hash
    snapshot = None
    if ctx.transition.dossier:
        snapshot = take_snapshot(application, log, ctx.user)
    db.session.add(log)
    db.session.flush()  # the conditional UPDATE runs here if no snapshot was taken
    if snapshot is not None:
        schedule_dossier(application, ctx.transition.dossier, log, ctx.user, snapshot)
    # After the dossier's flush, so that this row and the dossier's render task go in one
    # INSERT when the session flushes at commit.
    db.session.add(OutboxTask(kind="notify_transition",
                              payload={"log_id": log.id, "claimed_by_id": claimed_by_id}))
    return log


def _jsonable(data: dict) -> dict:
    """Form data as JSON: dates as ISO strings, everything else as is."""
    out = {}
    for key, value in data.items():
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif isinstance(value, dict | list | str | int | float | bool) or value is None:
            out[key] = value
        else:
            out[key] = str(value)
    return out
