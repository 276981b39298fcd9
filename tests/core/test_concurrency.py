"""Concurrent firings of one transition: exactly one wins, the others get Conflict.

Each thread works in its own app context, so in its own database session and connection,
and loads the application and the user by id as a request would. A barrier makes the
threads fire together. Runs on SQLite (file DB) and on PostgreSQL.
"""


from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.workflows import engine
from tests import factories
from tests.threads import fire_together
from tests.web import fire
from tests.web import fresh
from tests.web import login

THREADS = 10


def _fire_together(app, application_id: int, trigger: str, user_ids: list[int]) -> list:
    """Fire ``trigger`` from one thread per user id at once; each result or exception."""
    return fire_together(app, [(application_id, trigger, user_id) for user_id in user_ids])


def _approvers(world, count: int) -> list[int]:
    """Distinct approvers of bank 1, none of whom recommended the loan."""
    extra = [factories.user(f"approver-c{i}@t.cn", "bank_approver", world.bank1).id
             for i in range(count - 2)]
    return [world.approver1.id, world.approver1b.id, *extra]


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    db.session.expire_all()
    return db.session.scalar(query)


def test_ten_approvers_at_once_exactly_one_wins(app, world):
    application_id = factories.loan_in(world, "bank_approval").id
    approvers = _approvers(world, THREADS)
    db.session.remove()  # the threads must not share this session's view
    results = _fire_together(app, application_id, "bank_approve", approvers)

    winners = [r for r in results if isinstance(r, engine.Fired)]
    losers = [r for r in results if not isinstance(r, engine.Fired)]
    assert len(winners) == 1, results
    assert all(isinstance(r, engine.Conflict) for r in losers), losers
    assert all(r.status_code == 409 and r.message for r in losers)

    application = fresh(application_id)
    assert application.status == "approved"
    assert _count(TransitionLog, application_id=application_id, trigger="bank_approve") == 1
    row = db.session.scalar(select(TransitionLog).where(
        TransitionLog.application_id == application_id, TransitionLog.trigger == "bank_approve"))
    assert (row.from_state, row.to_state) == ("bank_approval", "approved")
    assert row.actor_id in approvers
    assert application.decided_by_id == row.actor_id
    assert row.comment == f"t{results.index(winners[0])}"  # the winner's own comment
    assert _count(Dossier, application_id=application_id, stage="bank_decision") == 1


def test_the_same_approver_twice_at_once_approves_once(app, world):
    application_id = factories.loan_in(world, "bank_approval").id
    approver_id = world.approver1.id
    db.session.remove()
    results = _fire_together(app, application_id, "bank_approve", [approver_id] * 4)
    assert sum(isinstance(r, engine.Fired) for r in results) == 1, results
    assert sum(isinstance(r, engine.Conflict) for r in results) == 3, results
    assert _count(TransitionLog, application_id=application_id, trigger="bank_approve") == 1


def test_approve_and_reject_race_one_decision(app, world):
    application_id = factories.loan_in(world, "bank_approval").id
    approver_ids = {"bank_approve": world.approver1.id, "bank_reject": world.approver1b.id}
    db.session.remove()
    results = fire_together(app, [(application_id, trigger, user_id)
                                  for trigger, user_id in approver_ids.items()], comment="决定")
    outcomes = dict(zip(approver_ids, results, strict=True))
    fired = [t for t, r in outcomes.items() if isinstance(r, engine.Fired)]
    assert len(fired) == 1, outcomes
    assert all(isinstance(r, engine.Conflict) for t, r in outcomes.items() if t not in fired)
    assert fresh(application_id).status == {"bank_approve": "approved",
                                            "bank_reject": "rejected"}[fired[0]]
    decisions = _count(TransitionLog, application_id=application_id, trigger="bank_approve")
    decisions += _count(TransitionLog, application_id=application_id, trigger="bank_reject")
    assert decisions == 1


def test_a_stale_page_gets_409_through_http(client, auth, world, app):
    application = factories.loan_in(world, "bank_approval")
    login(auth, world.approver1)
    assert fire(client, application.id, "bank_approve", comment="同意").status_code == 302
    auth.logout()
    login(auth, world.approver1b)  # had the page open before the colleague decided
    response = fire(client, application.id, "bank_approve", comment="同意")
    assert response.status_code == 409
    assert _count(TransitionLog, application_id=application.id, trigger="bank_approve") == 1
