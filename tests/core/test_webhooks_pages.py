"""The webhook pages: the administrator subscribes an organisation's system, reads the
attempts and sends a failed delivery again; an organisation's approver reads its own
webhooks' deliveries and sends one again; nobody else opens them."""

import re

from sqlalchemy import select

from talentfin.models import WebhookDelivery
from talentfin.models import WebhookSubscription
from talentfin.services import webhooks
from tests import factories
from tests.web import login
from tests.web import switch_to
from tests.webhooks import _work


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
