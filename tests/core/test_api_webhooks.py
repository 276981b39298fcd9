"""Webhooks around decisions taken through the partner API: a receiver that answers slowly
never holds a decision (deliveries go out from the outbox, in the worker, after the
decision's commit), and a decision whose transaction is rolled back is told to no one."""

import threading

import pytest
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from talentfin.extensions import db
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import WebhookDelivery
from talentfin.services import api_clients
from talentfin.services import outbox
from talentfin.services import webhooks
from tests import factories
from tests.web import api_decide
from tests.web import api_token
from tests.web import fresh
from tests.webhooks import Receiver
from tests.webhooks import _work

TERMS = {"amount": "900,000", "rate": "3.65", "term_months": "24", "security": "guarantee",
         "comment": "经营稳定，建议授信。"}


class SlowReceiver(Receiver):
    """A receiver that, once a message arrives, holds its answer until the test lets go."""

    def __init__(self):
        super().__init__()
        self.arrived, self.let_go, self.answered = (threading.Event(), threading.Event(),
                                                    threading.Event())
        handler = self.server.RequestHandlerClass
        receiver = self
        answer = handler.do_POST

        def slow(handler_self):
            receiver.arrived.set()
            receiver.let_go.wait(timeout=30)
            answer(handler_self)
            receiver.answered.set()

        handler.do_POST = slow


@pytest.fixture
def slow_receiver():
    running = SlowReceiver()
    yield running
    running.let_go.set()
    running.server.shutdown()


@pytest.fixture
def bank(client, world):
    """Bank 1's system: a token that reads and decides."""
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    return api_token(client, row.client_id, secret)


def test_a_slow_receiver_never_holds_a_decision(app, client, world, bank, slow_receiver):
    first = factories.loan_in(world, "partner_review")
    second = factories.loan_in(world, "partner_review")
    _work()  # their history told to no one yet: the bank subscribes now
    _subscription, secret = webhooks.subscribe(
        world.bank1, slow_receiver.url, ["application.transition"], world.admin)
    done = api_decide(client, bank, world.officer1.email, first.id, "recommend", TERMS)
    assert done.status_code == 200, done.get_json()
    # The decision answered without a message sent, nor a delivery made: the worker makes
    # them after the commit.
    assert not slow_receiver.arrived.is_set()
    assert db.session.scalar(select(WebhookDelivery.id)) is None
    assert db.session.scalar(select(OutboxTask.id).where(
        OutboxTask.kind == "notify_transition", OutboxTask.status == "pending")) is not None

    def worker():
        with app.app_context():
            _work()

    sending = threading.Thread(target=worker)
    sending.start()
    try:
        assert slow_receiver.arrived.wait(timeout=60), "the worker sent nothing"
        # The receiver holds its answer; the bank's next decision is taken meanwhile.
        again = api_decide(client, bank, world.officer1.email, second.id, "recommend",
                           TERMS)
        assert again.status_code == 200, again.get_json()
        assert not slow_receiver.answered.is_set()
        assert fresh(second.id).status == "bank_approval"
    finally:
        slow_receiver.let_go.set()
        sending.join(timeout=120)
    _work()
    events = slow_receiver.events(secret)
    told = sorted((e["data"]["reference"], e["data"]["to"]) for e in events)
    assert told == sorted([(first.reference, "bank_approval"),
                           (second.reference, "bank_approval")])


def test_a_decision_rolled_back_is_told_to_no_one(app, client, world, bank, receiver):
    loan = factories.loan_in(world, "partner_review")
    _work()
    webhooks.subscribe(world.bank1, receiver.url,
                       ["application.transition", "application.queued"], world.admin)
    webhooks.subscribe(world.park, receiver.url, ["application.transition"], world.admin)
    before = (fresh(loan.id).status, fresh(loan.id).version)

    def commit_fails(session):
        """The database refuses the commit of the recommendation (a disk, a failover)."""
        if any(isinstance(row, OutboxTask) and row.kind == "notify_transition"
               for row in session.new):  # the decision's log flushed, its task to commit
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(db.session, "before_commit", commit_fails)
    try:
        refused = api_decide(client, bank, world.officer1.email, loan.id, "recommend", TERMS)
    finally:
        event.remove(db.session, "before_commit", commit_fails)
    # The partner's system is told the database could not take it, and when to retry.
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["type"].endswith("/problems/503")
    assert (fresh(loan.id).status, fresh(loan.id).version) == before
    _work()
    # No transition, no notification task, no delivery, nothing received.
    assert db.session.scalar(select(TransitionLog.id).where(
        TransitionLog.application_id == loan.id, TransitionLog.trigger == "recommend")) is None
    assert db.session.scalar(select(WebhookDelivery.id)) is None
    assert receiver.received == []
    # Taken again, and committed, it is told once.
    done = api_decide(client, bank, world.officer1.email, loan.id, "recommend", TERMS)
    assert done.status_code == 200, done.get_json()
    _work()
    # The step to the bank and to the park, the file in the bank's approval queue.
    assert sorted(headers["webhook-id"][:5] for headers, _body in receiver.received) == [
        "tf_q_", "tf_t_", "tf_t_"]
    assert outbox.run_pending() == (0, 0)


