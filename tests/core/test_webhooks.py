"""Webhooks: the organisations' systems are told after each commit, signed the Standard
Webhooks way and verified by a receiver in the test; each organisation hears what it may see
(its queue, its transitions, its dossiers, its repayment batches, its claims decided) and
nothing of another's; a subscription's address and events are checked."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook

from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.models import WebhookDelivery
from talentfin.services import webhooks
from talentfin.services.loan import repayments
from tests import factories
from tests.loan.test_servicing import due
from tests.loan.test_servicing import on
from tests.web import fire
from tests.web import login
from tests.webhooks import _work


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
