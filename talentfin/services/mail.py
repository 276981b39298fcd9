"""Outgoing e-mail through the configured SMTP server (``MAIL_*`` settings).

Only the outbox worker sends, after the transaction that decided to send has committed;
a request never waits for a mail server.
"""

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate
from email.utils import make_msgid

from flask import current_app


class MailDisabled(RuntimeError):
    """Sending was asked for while ``MAIL_ENABLED`` is off."""


def mail_enabled() -> bool:
    """Whether this installation sends e-mail at all."""
    return bool(current_app.config.get("MAIL_ENABLED"))


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from the configured sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="talentfin")
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str,
              connection: smtplib.SMTP | None = None) -> None:
    """Send one message (over ``connection`` if given); raises on any SMTP failure."""
    if not mail_enabled():
        raise MailDisabled("MAIL_ENABLED is off")
    message = build_message(to, subject, body)
    if connection is not None:
        connection.send_message(message)
        return
    with smtp_connection() as smtp:
        smtp.send_message(message)


@contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """An open, authenticated connection to the configured server, closed afterwards."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = config["MAIL_TIMEOUT_SECONDS"]
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        yield smtp
