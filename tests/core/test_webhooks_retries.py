"""Webhook deliveries that fail: a failing or unreachable receiver is retried on the
schedule and each attempt kept (an attempt failed, never an error of the worker); the
network's errors are said in the reader's language."""

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy import update

from talentfin.models import OutboxTask
from talentfin.models import WebhookDelivery
from talentfin.services import outbox
from talentfin.services import webhook_delivery
from talentfin.services import webhooks
from talentfin.services.webhook_attempts import error_text
from tests import factories
from tests.web import login
from tests.webhooks import _work


def _run_due(db) -> None:
    db.session.execute(update(OutboxTask).where(OutboxTask.status == "pending")
                       .values(available_at=datetime(2000, 1, 1)))
    db.session.commit()
    outbox.run_pending()


def test_a_failing_receiver_is_retried_on_the_schedule_and_each_attempt_kept(
        world, db, receiver):
    receiver.status = 500
    subscription, secret = webhooks.subscribe(world.bank1, receiver.url,
                                              ["application.queued"], world.admin)
    factories.loan_in(world, "partner_review")
    _work()
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert [(a.status_code, a.error) for a in delivery.tries] == [(500, "HTTP 500")]
    retry = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == webhook_delivery.TASK, OutboxTask.status == "pending")).one()
    waited = (retry.available_at - delivery.tries[0].at).total_seconds()
    assert 4 <= waited <= 6  # the first retry after 5 seconds
    # It keeps failing: after the last retry (about a day) the delivery is failed.
    for _attempt in webhook_delivery.RETRIES:
        _run_due(db)
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery.id)
    assert delivery.status == "failed" and delivery.attempts == len(webhook_delivery.RETRIES) + 1
    assert sum(webhook_delivery.RETRIES) / 3600 > 24
    # The administrator sends it again once the receiver is mended: delivered, verified.
    receiver.status = 200
    webhook_delivery.send_again(delivery)
    _work()
    db.session.expire_all()
    delivery = db.session.get(WebhookDelivery, delivery.id)
    assert delivery.status == "delivered" and delivery.tries[-1].status_code == 200
    assert receiver.events(secret)[-1]["type"] == "application.queued"


def test_a_receiver_that_cannot_be_reached_is_an_attempt_failed_not_an_error(
        app, world, db, client, auth):
    subscription, _secret = webhooks.subscribe(world.bank1, "http://127.0.0.1:9/nobody",
                                               ["application.queued"], world.admin)
    factories.loan_in(world, "partner_review")
    _work()
    assert db.session.scalar(select(OutboxTask.id).where(OutboxTask.status == "failed")) \
        is None  # the task itself succeeded: it scheduled a retry
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert delivery.tries[0].status_code is None and delivery.tries[0].error
    # The page says it in the reader's language, and when the next attempt is due.
    retry = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == webhook_delivery.TASK, OutboxTask.status == "pending")).one()
    login(auth, world.admin)
    client.post("/language", data={"lang": "zh"})
    page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert "接收方拒绝了连接。" in page and "Connection refused" not in page
    with app.test_request_context():
        due_at = app.jinja_env.filters["dt"](retry.available_at)
    assert f"下次尝试：{due_at}" in page
    client.post("/language", data={"lang": "en"})
    page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert "The receiver refused the connection." in page and "Next attempt: " in page


def test_known_network_errors_are_said_in_the_readers_language(app):
    with app.test_request_context(), force_locale("en"):
        assert error_text("[Errno 111] Connection refused") == \
            "The receiver refused the connection."
        assert error_text("timed out") == "The receiver did not answer in time."
        assert error_text("[Errno -2] Name or service not known") == \
            "The receiver's host name was not found."
        assert error_text("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed") == \
            "The receiver's secure connection (TLS) could not be verified."
        assert error_text("something new") == \
            "The receiver could not be reached (something new)."
