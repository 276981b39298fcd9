"""A founder's registration, confirmed by a link mailed to the address.

The page answers the same whether or not the address already has an account (the mail
says which), and both cost the same work, so neither the answer nor its time tells anyone
which addresses are registered; registrations are limited per address and hour. The
account is created when the link is followed, once, within 24 hours.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask import url_for
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Enterprise
from talentfin.models import OutboxTask
from talentfin.models import PendingRegistration
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services import rates
from talentfin.services import security_log
from talentfin.services.accounts import AccountError
from talentfin.services.accounts import normalise_email
from talentfin.services.enterprises import company_taken

LINK_HOURS = 24


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def request_registration(*, name: str, email: str, password: str, company_name: str,
                         uscc: str, address: str) -> None:
    """Record the registration and queue its mail (the link, or "you have an account").

    Refused (AccountError) only for what does not depend on the address: too many
    registrations from this network address, or a company already registered (its credit
    code is public)."""
    config = current_app.config
    if not rates.allow("register", address, config["REGISTER_MAX_PER_ADDRESS"], 3600):
        raise AccountError(_("Too many registrations from this network in the last hour. "
                             "Please try again later."))
    uscc = uscc.strip().upper()
    company_taken(uscc)
    email = normalise_email(email)
    token = secrets.token_urlsafe(32)
    pending = PendingRegistration(
        token_hash=_digest(token), email=email, name=name.strip(),
        password_hash=generate_password_hash(password, method=config["PASSWORD_HASH_METHOD"]),
        company_name=company_name.strip(), uscc=uscc,
        expires_at=utcnow() + timedelta(hours=LINK_HOURS))
    if db.session.scalar(select(User.id).where(User.email == email)) is None:
        db.session.add(pending)
        subject = _("Finish your talentfin registration")
        body = _("Hello %(name)s,\n\nfollow this link within %(hours)s hours to finish the "
                 "registration of %(company)s:\n\n%(link)s\n\nIf you did not register, ignore "
                 "this message.", name=pending.name, hours=LINK_HOURS,
                 company=pending.company_name, link=_link(token))
    else:
        subject = _("You already have a talentfin account")
        body = _("Hello,\n\nsomeone asked to register a new account with this address, which "
                 "already has one. Log in at %(login)s; if you forgot the password, ask your "
                 "park or the programme's administrator to reset it.\n\nIf it was not you, "
                 "ignore this message.", login=_link(None))
    db.session.add(OutboxTask(kind="send_mail",
                              payload={"to": email, "subject": subject, "body": body}))
    security_log.record("registration_requested", email=email)
    db.session.commit()


def _link(token: str | None) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    path = url_for("auth.confirm", token=token) if token else url_for("auth.login")
    return base + path


def pending_registration(token: str) -> PendingRegistration:
    """The registration a link names, while it may still be confirmed (AccountError)."""
    pending = db.session.scalar(select(PendingRegistration).where(
        PendingRegistration.token_hash == _digest(token or "")))
    if pending is None or pending.used_at is not None or pending.expires_at < utcnow():
        raise AccountError(_("This link is not valid any more (it was used, or more than "
                             "%(hours)s hours have passed). Register again.", hours=LINK_HOURS))
    return pending


def confirm_registration(token: str) -> User:
    """Create the company and the founder's account of a pending registration (once)."""
    pending = pending_registration(token)
    if db.session.scalar(select(User.id).where(User.email == pending.email)) is not None:
        raise AccountError(_("This address has an account already: log in."))
    company_taken(pending.uscc)
    used = db.session.execute(
        update(PendingRegistration)
        .where(PendingRegistration.id == pending.id, PendingRegistration.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not used:  # the link followed twice at once: the other one registers
        db.session.rollback()
        raise AccountError(_("This link is not valid any more (it was used, or more than "
                             "%(hours)s hours have passed). Register again.", hours=LINK_HOURS))
    enterprise = Enterprise(name=pending.company_name, uscc=pending.uscc)
    db.session.add(enterprise)
    db.session.flush()
    user = User(email=pending.email, name=pending.name, role="founder",
                enterprise_id=enterprise.id, password_hash=pending.password_hash)
    db.session.add(user)
    db.session.flush()
    security_log.record("registration_confirmed", user=user, actor=user)
    db.session.commit()
    return user


def prune_registrations() -> int:
    """Remove the registrations whose link expired or was used a week ago; how many."""
    removed = db.session.execute(delete(PendingRegistration).where(
        PendingRegistration.expires_at < utcnow() - timedelta(days=7))).rowcount
    db.session.commit()
    return removed
