"""A webhook delivery's attempts: each POST signed the Standard Webhooks way, kept, and a
failed one retried on the Standard Webhooks schedule, about a day in all; then the delivery
is failed until an administrator sends it again. Runs in the outbox worker, never in a
request, so a slow receiver slows no decision."""

import json
import time
import urllib.error
import urllib.request
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask import current_app
from standardwebhooks import Webhook

from talentfin.extensions import db
from talentfin.models import OutboxTask
from talentfin.models import WebhookAttempt
from talentfin.models import WebhookDelivery
from talentfin.models.base import utcnow
from talentfin.services.sealing import unseal

# Seconds before each retry after a failed attempt (Standard Webhooks' schedule: 5 s,
# 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; about 27 hours in all).
RETRIES = (5, 300, 1800, 7200, 18000, 36000, 36000)
TASK = "deliver_webhook"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A receiver answers itself: a redirection is a failed attempt, not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def deliver(payload: dict) -> None:
    """Outbox handler: one attempt of a delivery; a failure schedules the next attempt
    itself (the Standard Webhooks schedule), so the handler does not raise."""
    delivery = db.session.get(WebhookDelivery, payload["delivery_id"])
    if delivery is None or delivery.status == "delivered":
        return
    subscription = delivery.subscription
    if not subscription.active:
        delivery.status = "cancelled"
        db.session.commit()
        return
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    now = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json", "User-Agent": "talentfin-webhooks/1",
        "webhook-id": delivery.message_id, "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(unseal(subscription.sealed_secret)).sign(
            delivery.message_id, now, body)}
    status_code, error = None, ""
    started = time.monotonic()
    try:
        # The address is http(s), checked when the subscription was made.
        request = urllib.request.Request(subscription.url,  # noqa: S310
                                         data=body.encode("utf-8"), headers=headers,
                                         method="POST")
        with _OPENER.open(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) \
                as response:
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:500]
    delivery.attempts += 1
    db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=status_code,
                                  error=error, duration_ms=int(
                                      (time.monotonic() - started) * 1000)))
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    elif delivery.attempts <= len(RETRIES):
        db.session.add(OutboxTask(kind=TASK, payload={"delivery_id": delivery.id},
                                  available_at=utcnow() + timedelta(
                                      seconds=RETRIES[delivery.attempts - 1])))
    else:
        delivery.status = "failed"
    db.session.commit()


def send_again(delivery: WebhookDelivery) -> None:
    """An administrator's "send again": a new attempt now, whatever came before. Commits."""
    delivery.status = "pending"
    db.session.add(OutboxTask(kind=TASK, payload={"delivery_id": delivery.id}))
    db.session.commit()
