"""What the deliveries pages say of a delivery's attempts: a failed attempt's error in the
reader's language (the stored text is the network library's, in English), and when the next
attempt of a delivery being sent is due."""

from datetime import datetime

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import OutboxTask
from talentfin.models import WebhookDelivery
from talentfin.services.webhook_delivery import TASK

# Known network errors, by what their text (Python's and the OS's, any platform) holds.
KNOWN_ERRORS = (
    (("refused", "errno 111", "winerror 10061"), _l("The receiver refused the connection.")),
    (("timed out", "timeout"), _l("The receiver did not answer in time.")),
    (("name or service not known", "nodename nor servname", "name resolution",
      "no address associated", "getaddrinfo"), _l("The receiver's host name was not found.")),
    (("certificate", "ssl", "tls"), _l("The receiver's secure connection (TLS) could not be "
                                      "verified.")),
    (("network is unreachable", "no route to host"),
     _l("The receiver's network cannot be reached.")),
    (("reset by peer", "broken pipe", "remote end closed", "connection aborted"),
     _l("The receiver closed the connection.")),
)


def error_text(error: str) -> str:
    """A failed attempt's error in the reader's language; an unknown one keeps the
    library's words in brackets, for the receiver's administrator."""
    if not error:
        return ""
    lowered = error.lower()
    for marks, text in KNOWN_ERRORS:
        if any(mark in lowered for mark in marks):
            return str(text)
    return _("The receiver could not be reached (%(error)s).", error=error)


def next_attempts(deliveries: list[WebhookDelivery]) -> dict[int, datetime]:
    """When each delivery being sent is tried next (its pending task's time), by id."""
    waiting = {d.id for d in deliveries if d.status == "pending"}
    if not waiting:
        return {}
    tasks = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == TASK, OutboxTask.status == "pending")).all()
    due: dict[int, datetime] = {}
    for task in tasks:
        delivery_id = (task.payload or {}).get("delivery_id")
        if delivery_id in waiting:
            due[delivery_id] = min(task.available_at, due.get(delivery_id, task.available_at))
    return due
