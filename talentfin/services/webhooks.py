"""Webhooks: an organisation's system told at once when something happens to the files it
sees, signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``: HMAC-SHA256, by the ``standardwebhooks`` package).

Events are made by the outbox worker after the transition's commit (never before, never
inside the request: a slow receiver slows no decision), once per event and subscription
(the delivery's message id is derived from them, so a rerun adds none). Sending them is
``talentfin.services.webhook_delivery``.
"""

import base64
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC
from datetime import datetime

from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import kind_of
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models import WebhookDelivery
from talentfin.models import WebhookSubscription
from talentfin.models.base import utcnow
from talentfin.services import security_log
from talentfin.services.sealing import seal
from talentfin.services.webhook_delivery import TASK
from talentfin.workflows import registry
from talentfin.workflows.access import can_view
from talentfin.workflows.access import may_read_dossier
from talentfin.workflows.access import named_organisation
from talentfin.workflows.registry import product_for

# The core's events (a product may add its own: ``Product.webhook_events``).
CORE_EVENTS = {
    "application.queued": _l("application.queued: a file reached the queue"),
    "application.transition": _l("application.transition: any step of a file the "
                                 "organisation sees"),
    "dossier.ready": _l("dossier.ready: a dossier the organisation may read is rendered"),
    "claim.decided": _l("claim.decided: a compensation or an insurance claim the "
                        "organisation sees is decided"),
}


def known_events() -> dict[str, object]:
    """Every event an organisation may subscribe to (code -> label): the core's, then the
    products' own, in that order."""
    return {**CORE_EVENTS, **registry.webhook_events()}


class SubscriptionRefused(ValueError):
    """A subscription refused; the message says why."""


def subscribe(org: Organisation, url: str, events: list[str],
              admin: User) -> tuple[WebhookSubscription, str]:
    """Subscribe ``url`` of ``org`` to ``events``; returns it and its signing secret (shown
    once; kept sealed for the worker). Commits."""
    url = _receiver_address(url)
    known = known_events()
    if not events or set(events) - set(known):
        raise SubscriptionRefused(_("Choose at least one event."))
    if db.session.scalar(select(WebhookSubscription.id).where(
            WebhookSubscription.org_id == org.id, WebhookSubscription.url == url,
            WebhookSubscription.active.is_(True))):
        # A second one would send every event twice (a form sent again after Back, say).
        raise SubscriptionRefused(_("This organisation already has a webhook to this "
                                    "address; end it first to subscribe it anew."))
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")
    subscription = WebhookSubscription(
        org_id=org.id, url=url, events=" ".join(e for e in known if e in events),
        sealed_secret=seal(secret), created_by_id=admin.id)
    db.session.add(subscription)
    db.session.flush()
    security_log.record("webhook_subscribed", actor=admin, detail=f"{org.code}: {url}")
    db.session.commit()
    return subscription, secret


def _receiver_address(url: str) -> str:
    """The address as stored (scheme in lower case), or the refusal: an http(s) URL with a
    host, no space or control character, at most 500 characters."""
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        host, scheme = parts.hostname, parts.scheme.lower()
        parts.port  # noqa: B018 (read to check: a port out of range raises)
    except ValueError:  # a malformed port or address
        host, scheme = None, ""
    if not host or scheme not in ("https", "http") or len(url) > 500 \
            or any(c.isspace() or ord(c) < 32 for c in url):
        raise SubscriptionRefused(_("Give the receiver's address as https://… (or http://…)."))
    return urllib.parse.urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def end(subscription: WebhookSubscription, admin: User) -> None:
    """Stop sending to a subscription: its pending deliveries are marked not sent at once.
    Commits."""
    if not subscription.active:
        raise SubscriptionRefused(_("This webhook is ended already."))
    subscription.active = False
    db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id,
        WebhookDelivery.status == "pending").values(status="cancelled"))
    security_log.record("webhook_ended", actor=admin,
                        detail=f"{subscription.org.code}: {subscription.url}")
    db.session.commit()


def _sees(org_id: int, application: Application, also=None) -> bool:
    """Whether some of the organisation's staff see the application (the pages' rule) and,
    when ``also(user)`` is given, pass it too (may read a dossier, say)."""
    staff = db.session.scalars(select(User).where(User.org_id == org_id,
                                                  User.active.is_(True)).limit(50))
    return any(can_view(user, application) and (also is None or also(user))
               for user in staff)


def _actor(application: Application, state: str) -> str | None:
    """The role whose queue the state is, if it is one."""
    meta = product_for(application.product).workflow.state(state)
    return meta.actor if meta else None


def transition_events(application: Application, log: TransitionLog) -> int:
    """Deliveries of a transition's events to the subscriptions of the organisations that
    see the file (queued: of the one whose queue it entered); none twice. Commits."""
    org_ids = {i for i in (application.park_id, application.partner_org_id) if i}
    actor = _actor(application, log.to_state)
    named, queue_org = named_organisation(application, actor) if actor else (True, None)
    queue_kind = None if named else kind_of(actor)  # a kind with one organisation (the pool)
    subscriptions = db.session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.active.is_(True))).all()
    transition = product_for(application.product).workflow.transition(log.trigger)
    claim = transition is not None and transition.event == "claim.decided"
    made = 0
    sees: dict[int, bool] = {}  # by organisation: several subscriptions share one answer
    for subscription in subscriptions:
        org = subscription.org
        queued = org.id == queue_org or (queue_kind is not None and org.kind == queue_kind)
        concerned = org.id in org_ids or queued
        # A file's steps go to its park and institution (and the queue it entered); a
        # claim's decision to every organisation whose staff see the file (the pool's too).
        wanted = [event for event in subscription.event_list()
                  if (event == "application.transition" and concerned)
                  or (event == "application.queued" and queued)
                  or (event == "claim.decided" and claim)]
        if not wanted:
            continue
        if org.id not in sees:
            sees[org.id] = _sees(org.id, application)
        if not sees[org.id]:
            continue
        for event in wanted:
            made += _add(subscription, event, log, application)
    db.session.commit()
    return made


# The webhook-id's letter per event made of a transition (a dossier's is "d", a repayment
# batch's "r").
ID_LETTERS = {"application.queued": "q", "application.transition": "t", "claim.decided": "c"}


def _add(subscription: WebhookSubscription, event: str, log: TransitionLog,
         application: Application) -> int:
    return _queue(subscription, event, f"tf_{ID_LETTERS[event]}_{log.id}_{subscription.id}",
                  log.created_at, {"application_id": application.id,
                                   "reference": application.reference,
                                   "product": application.product, "trigger": log.trigger,
                                   "from": log.from_state, "to": log.to_state})


def _queue(subscription: WebhookSubscription, event: str, message_id: str, at: datetime,
           data: dict) -> int:
    """A delivery of ``event`` to the subscription and its outbox task (in the caller's
    transaction), unless one with this message id exists; how many were made."""
    if db.session.scalar(select(WebhookDelivery.id).where(
            WebhookDelivery.message_id == message_id)):
        return 0
    payload = {"type": event, "timestamp": at.replace(tzinfo=UTC).isoformat(),
               "data": {**data, "organisation": subscription.org.code}}
    delivery = WebhookDelivery(subscription_id=subscription.id, event=event,
                               message_id=message_id, payload=payload)
    db.session.add(delivery)
    db.session.flush()
    db.session.add(OutboxTask(kind=TASK, payload={"delivery_id": delivery.id}))
    return 1


def _subscribed(event: str, org_ids) -> list[WebhookSubscription]:
    """The active subscriptions of these organisations to ``event``."""
    return [subscription for subscription in db.session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.active.is_(True),
                                          WebhookSubscription.org_id.in_(org_ids)))
            if event in subscription.event_list()]


def dossier_events(dossier, sha256: str) -> int:
    """"dossier.ready" to the organisations whose staff may read the rendered dossier; in
    the caller's transaction (the one that marks it ready), so both commit together. A
    notice to a bank (of no application) is not one."""
    if dossier.application_id is None:
        return 0
    application = db.session.get(Application, dossier.application_id)
    org_ids = {i for i in (application.park_id, application.partner_org_id) if i}
    made = 0
    reads: dict[int, bool] = {}  # by organisation: several subscriptions share one answer
    for subscription in _subscribed("dossier.ready", org_ids):
        if subscription.org_id not in reads:
            reads[subscription.org_id] = _sees(
                subscription.org_id, application,
                lambda user: may_read_dossier(user, application, dossier.stage))
        if not reads[subscription.org_id]:
            continue
        made += _queue(subscription, "dossier.ready", f"tf_d_{dossier.id}_{subscription.id}",
                       utcnow(), {
                           "application_id": application.id,
                           "reference": application.reference,
                           "product": application.product, "dossier_id": dossier.id,
                           "stage": dossier.stage, "version": dossier.version,
                           "sha256": sha256,
                           "download": f"/api/v1/applications/{application.id}/dossiers/"
                                       f"{dossier.id}"})
    return made


def organisation_event(org_id: int, event: str, key: str, data: dict) -> int:
    """A product's own ``event`` to the organisation's subscriptions (message id
    ``tf_<key>_<subscription>``, so the same key never sends twice); in the caller's
    transaction."""
    made = 0
    for subscription in _subscribed(event, {org_id}):
        made += _queue(subscription, event, f"tf_{key}_{subscription.id}", utcnow(), data)
    return made
