"""Webhooks: the organisations' systems told after each commit, signed the Standard Webhooks
way and verified by a receiver in the test; failures retried on the schedule, each attempt
kept; a slow or failing receiver never holds a decision."""

import json
import re
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy import update
from standardwebhooks import Webhook

from talentfin.models import Dossier
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import WebhookDelivery
from talentfin.models import WebhookSubscription
from talentfin.services import outbox
from talentfin.services import webhook_delivery
from talentfin.services import webhooks
from talentfin.services.loan import repayments
from talentfin.services.webhook_attempts import error_text
from tests import factories
from tests.loan.test_servicing import due
from tests.loan.test_servicing import on
from tests.web import fire
from tests.web import login
from tests.web import switch_to


class Receiver:
    """A partner's webhook endpoint: keeps what it receives, answers ``status``."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()},
                                          body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, secret: str) -> list[dict]:
        """Each received body, its signature verified as a partner's receiver would."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.received]


@pytest.fixture
def receiver():
    """A webhook receiver on a free port."""
    running = Receiver()
    yield running
    running.server.shutdown()


def _work() -> None:
    """The worker's loop until nothing is due (a task may queue the next: a delivery)."""
    for _round in range(5):
        if outbox.run_pending() == (0, 0):
            return


def _run_due(db) -> None:
    db.session.execute(update(OutboxTask).where(OutboxTask.status == "pending")
                       .values(available_at=datetime(2000, 1, 1)))
    db.session.commit()
    outbox.run_pending()


def test_the_bank_hears_its_queue_and_its_transitions_signed_after_the_commit(
        client, auth, world, db, receiver):
    subscription, secret = webhooks.subscribe(
        world.bank1, receiver.url, ["application.queued", "application.transition"],
        world.admin)
    application = factories.loan_in(world, "park_review")
    _work()
    assert receiver.received == []  # not the bank's yet: the park reviews it

    login(auth, world.park_reviewer)
    assert fire(client, application.id, "park_approve", comment="同意").status_code == 302
    assert receiver.received == []  # nothing inside the request, nothing before the commit
    _work()
    events = receiver.events(secret)
    assert sorted(e["type"] for e in events) == ["application.queued",
                                                 "application.transition"]
    assert {e["data"]["reference"] for e in events} == {application.reference}
    assert {e["data"]["to"] for e in events} == {"partner_review"}
    headers = receiver.received[0][0]
    assert headers["webhook-id"].startswith("tf_") and headers["webhook-signature"]
    # A forged or altered body does not verify with the secret.
    with pytest.raises(Exception):  # noqa: B017,PT011 (the library's verification error)
        Webhook(secret).verify(receiver.received[0][1] + b" ", receiver.received[0][0])
    # Rerunning the notification task makes no second delivery.
    count = db.session.query(WebhookDelivery).count()
    log = db.session.scalars(select(TransitionLog).where(
        TransitionLog.trigger == "park_approve")).one()
    assert webhooks.transition_events(application, log) == 0
    assert db.session.query(WebhookDelivery).count() == count


def test_another_bank_hears_nothing_of_it(world, db, receiver):
    webhooks.subscribe(world.bank2, receiver.url, ["application.transition"], world.admin)
    factories.loan_in(world, "partner_review")
    _work()
    assert receiver.received == []
    assert db.session.query(WebhookDelivery).count() == 0


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


def test_subscriptions_are_checked(world, db):
    for address in ("ftp://bank/hooks", "http://", "https:///hooks", "https://bank:99999/h",
                    "https://bank/ho oks", "https://bank/\x07", "javascript:alert(1)"):
        with pytest.raises(webhooks.SubscriptionRefused):
            webhooks.subscribe(world.bank1, address, ["application.queued"], world.admin)
    with pytest.raises(webhooks.SubscriptionRefused):
        webhooks.subscribe(world.bank1, "https://bank/hooks", ["everything"], world.admin)
    # The scheme in capitals is an address like any other (kept in lower case).
    made, _secret = webhooks.subscribe(world.bank1, "HTTP://127.0.0.1:9/H",
                                       ["application.queued"], world.admin)
    assert made.url == "http://127.0.0.1:9/H"  # a closed port: each attempt fails at once
    # The same address again (the form sent again after Back): every event would go twice.
    with pytest.raises(webhooks.SubscriptionRefused, match="已有推送到这个地址"):
        webhooks.subscribe(world.bank1, "http://127.0.0.1:9/H", ["dossier.ready"],
                           world.admin)
    # Ended, its pending deliveries are not sent (at once, not at their next retry), and
    # ending it again is refused; then the address may be subscribed anew.
    factories.loan_in(world, "partner_review")
    _work()  # made, tried, failed: to be retried
    assert db.session.query(WebhookDelivery).filter_by(status="pending").count() == 1
    webhooks.end(made, world.admin)
    assert db.session.query(WebhookDelivery).filter_by(status="cancelled").count() == 1
    with pytest.raises(webhooks.SubscriptionRefused, match="已经停用"):
        webhooks.end(made, world.admin)
    webhooks.subscribe(world.bank1, "http://127.0.0.1:9/H", ["dossier.ready"], world.admin)


def test_payload_is_the_standard_webhooks_shape(world, db, receiver):
    _subscription, secret = webhooks.subscribe(world.bank1, receiver.url,
                                               ["application.queued"], world.admin)
    factories.loan_in(world, "partner_review")
    _work()
    [event] = receiver.events(secret)
    assert set(event) == {"type", "timestamp", "data"}
    assert datetime.fromisoformat(event["timestamp"]).tzinfo is not None
    assert json.loads(receiver.received[0][1])["data"]["organisation"] == world.bank1.code


def test_the_administrator_subscribes_reads_the_attempts_and_sends_again(
        client, auth, world, db, receiver):
    login(auth, world.admin)
    empty = client.get("/admin/webhooks/").get_data(as_text=True)
    assert "No webhooks yet." in empty
    # The events are a group named by its legend; no single box is required on its own.
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Events</legend>", empty)
    boxes = re.findall(r'<input[^>]*name="events"[^>]*>', empty)
    assert boxes and not any("required" in box for box in boxes)
    assert client.post("/admin/webhooks/", data={
        "org_code": world.bank1.code, "url": receiver.url}).status_code == 422  # no event
    shown = client.post("/admin/webhooks/", data={
        "org_code": world.bank1.code, "url": receiver.url, "events": ["application.queued"]})
    assert shown.status_code == 200
    secret = re.search(r'id="signing-secret">([^<]+)<', shown.get_data(as_text=True)).group(1)
    assert secret.startswith("whsec_")
    subscription = db.session.scalars(select(WebhookSubscription)).one()
    assert secret not in subscription.sealed_secret  # kept sealed

    receiver.status = 503
    factories.loan_in(world, "partner_review")
    _work()
    page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert "HTTP 503" in page and "being sent" in page
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    # Failed for good, then sent again once the receiver works.
    delivery.status = "failed"
    db.session.commit()
    receiver.status = 200
    assert client.post(f"/admin/webhooks/deliveries/{delivery.id}/again").status_code == 302
    _work()
    page = client.get(f"/admin/webhooks/{subscription.id}").get_data(as_text=True)
    assert "HTTP 200" in page and "delivered" in page
    assert receiver.events(secret)[-1]["data"]["organisation"] == world.bank1.code

    assert client.post(f"/admin/webhooks/{subscription.id}/end").status_code == 302
    factories.loan_in(world, "partner_review")
    _work()
    assert db.session.query(WebhookDelivery).count() == 1  # nothing for an ended webhook
    assert client.post(f"/admin/webhooks/deliveries/{delivery.id}/again").status_code == 409
    switch_to(auth, world.officer1)
    hidden = client.get("/admin/users").status_code
    assert client.get("/admin/webhooks/").status_code == hidden
    assert client.get(f"/admin/webhooks/{subscription.id}").status_code == hidden


def test_a_rendered_dossier_and_a_processed_repayment_batch_are_told(
        client, world, db, receiver):
    """dossier.ready to the organisations that may read the dossier, in the commit that
    marks it ready; repayments.processed to the reporting bank, applied or refused."""
    _park_sub, park_secret = webhooks.subscribe(world.park, receiver.url, ["dossier.ready"],
                                                world.admin)
    webhooks.subscribe(world.bank2, receiver.url, ["dossier.ready", "repayments.processed"],
                       world.admin)
    application = factories.loan_in(world, "partner_review")  # the park's opinion is due
    _work()
    told = receiver.events(park_secret)
    ready = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id, Dossier.status == "ready")).all()
    assert ready and sorted(e["data"]["dossier_id"] for e in told) == sorted(
        d.id for d in ready)
    assert {e["type"] for e in told} == {"dossier.ready"}
    assert {e["data"]["sha256"] for e in told} == {d.sha256 for d in ready}
    assert all(e["data"]["organisation"] == world.park.code for e in told)
    receiver.received.clear()

    _bank_sub, bank_secret = webhooks.subscribe(world.bank1, receiver.url,
                                                ["repayments.processed"], world.admin)
    loan = factories.loan_in(world, "covered")
    _work()
    receiver.received.clear()
    row = f"{loan.reference},{due(loan, 1)},{on(loan, 1)},100000,3000"
    header = "reference,due_on,paid_on,principal_yuan,interest_yuan\n"
    applied = repayments.import_repayments((header + row).encode(), world.officer1)
    refused = repayments.import_repayments((header + row + "\n" + row).encode(),
                                           world.officer1)
    assert applied.applied == 1 and refused.problems
    assert receiver.received == []  # sent by the worker, after the commit
    _work()
    told = {e["data"]["batch"]: e["data"] for e in receiver.events(bank_secret)}
    assert told[applied.batch]["outcome"] == "applied" and told[applied.batch]["applied"] == 1
    assert told[refused.batch]["outcome"] == "refused"
    assert told[refused.batch]["refused_lines"] == [p.line for p in refused.problems]
    assert told[refused.batch]["references"] == [loan.reference]
    assert len(receiver.received) == 2  # bank 2 heard nothing of bank 1's


def test_a_claim_decided_is_told_to_every_organisation_that_sees_it(world, db, receiver):
    """claim.decided: to the bank, the park and the pool (whose committee decided), not to
    another bank; a plain step of the claim is not one."""
    secrets_by_org = {}
    for org in (world.bank1, world.park, world.pool, world.bank2):
        _subscription, secret = webhooks.subscribe(org, receiver.url, ["claim.decided"],
                                                   world.admin)
        secrets_by_org[org.code] = secret
    application = factories.loan_in(world, "committee_review")  # lodged, then assessed
    _work()
    assert receiver.received == []
    factories.advance(world, application, "approve_compensation")
    _work()
    heard = {}
    for headers, body in receiver.received:
        organisation = json.loads(body)["data"]["organisation"]
        heard[organisation] = Webhook(secrets_by_org[organisation]).verify(body, headers)
    assert set(heard) == {world.bank1.code, world.park.code, world.pool.code}
    assert {e["type"] for e in heard.values()} == {"claim.decided"}
    assert {e["data"]["trigger"] for e in heard.values()} == {"approve_compensation"}
    assert {e["data"]["to"] for e in heard.values()} == {"compensated"}


def test_the_organisations_approver_reads_its_deliveries_and_sends_one_again(
        client, auth, world, db, receiver):
    """The bank's approver sees the bank's webhooks (a link in the navigation), their
    attempts, and sends a failed one again; another bank's approver and the bank's officer
    get what any page they may not open gives."""
    ours, secret = webhooks.subscribe(world.bank1, receiver.url, ["application.queued"],
                                      world.admin)
    theirs, _their_secret = webhooks.subscribe(world.bank2, receiver.url,
                                               ["application.queued"], world.admin)
    receiver.status = 500
    factories.loan_in(world, "partner_review")
    _work()
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    delivery.status = "failed"
    db.session.commit()

    login(auth, world.approver1)
    start = client.get("/queue/").get_data(as_text=True)
    assert 'href="/admin/webhooks/organisation"' in start
    listed = client.get("/admin/webhooks/organisation").get_data(as_text=True)
    assert receiver.url in listed and f"/admin/webhooks/{ours.id}" in listed
    assert f"/admin/webhooks/{theirs.id}" not in listed
    page = client.get(f"/admin/webhooks/{ours.id}").get_data(as_text=True)
    assert "HTTP 500" in page and "failed" in page
    assert "Recommend to the bank" in page and "park_approve" not in page  # the step's name
    assert 'href="/admin/webhooks/organisation"' in page  # back to their own list
    receiver.status = 204
    assert client.post(f"/admin/webhooks/deliveries/{delivery.id}/again").status_code == 302
    _work()
    assert "delivered" in client.get(f"/admin/webhooks/{ours.id}").get_data(as_text=True)
    assert receiver.events(secret)[-1]["type"] == "application.queued"
    # Not another organisation's, and no subscribing: that stays the administrator's.
    missing = client.get("/admin/webhooks/999999").status_code
    assert client.get(f"/admin/webhooks/{theirs.id}").status_code == missing == 404
    assert client.get("/admin/webhooks/").status_code == 404

    switch_to(auth, world.officer1)
    assert client.get("/admin/webhooks/organisation").status_code == 404
    assert client.get(f"/admin/webhooks/{ours.id}").status_code == 404
    assert client.post(f"/admin/webhooks/deliveries/{delivery.id}/again").status_code == 404
    switch_to(auth, world.approver2)
    assert client.post(f"/admin/webhooks/deliveries/{delivery.id}/again").status_code == 404
