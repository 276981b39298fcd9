"""Founders' drafts, reviewers' claims and the queries behind the application pages.

Nothing here names a product: a draft is started for a registered product, its request
step fills the envelope's fields and the product's own columns, and what a product shows
or asks comes from its registration.
"""

import secrets
from datetime import date

from flask_babel import get_locale
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Organisation
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services.enterprises import missing_company_fields
from talentfin.workflows import engine
from talentfin.workflows.context import FireContext
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import refusal
from talentfin.workflows.partners import takes_applications
from talentfin.workflows.registry import product_for
from talentfin.workflows.registry import products

# What the request step may set on the envelope; other keys are the product's own columns.
ENVELOPE_FIELDS = ("partner_org_id", "requested_amount_fen", "purpose")


class ApplicationError(ValueError):
    """An application could not be changed; the message says why."""


class ProfileIncomplete(ApplicationError):
    """The company profile or the talent certification is missing something."""

    def __init__(self, message: str, page: str):
        super().__init__(message)
        self.page = page  # "company" or "talent": where the founder completes it


def profile_problem(user: User) -> ProfileIncomplete | None:
    """What the founder must complete before applying, or None."""
    enterprise = user.enterprise
    if enterprise is None:
        return ProfileIncomplete(_("Register your company before applying."), "company")
    missing = missing_company_fields(enterprise)
    if missing:
        message = _("Complete the company profile before applying; missing: %(fields)s.",
                    fields=", ".join(missing))
        if enterprise.talent is None:
            message += " " + _("Then add the talent certification.")
        return ProfileIncomplete(message, "company")
    if enterprise.talent is None:
        return ProfileIncomplete(_("Add the talent certification before applying."), "talent")
    return None


def opening_token() -> str:
    """A one-time token for a page that opens a draft (``start_application``)."""
    return secrets.token_urlsafe(16)


def start_application(user: User, product: str, opened_with: str | None = None) -> Application:
    """A new draft application for a product, for the founder's enterprise.

    ``opened_with`` is the token of the page the founder pressed the button on: sent again
    (a double click, back and again, two requests at once) it opens the same draft.
    """
    problem = profile_problem(user)
    if problem is not None:
        raise problem
    token = opened_with if opened_with and len(opened_with) <= 32 else None
    already = _opened_with(user, product, token)
    if already is not None:
        return already
    spec = product_for(product)
    enterprise = user.enterprise
    # The park and the tier are recorded at submission, from the profile as it is then.
    application = spec.model(status=spec.workflow.initial, enterprise_id=enterprise.id,
                             applicant_id=user.id, park_id=enterprise.park_id, details={},
                             opened_with=token)
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:  # the same page's other request committed first
        db.session.rollback()
        already = _opened_with(user, product, token)
        if already is None:  # a token that is not this founder's: open without it
            return start_application(user, product)
        return already
    application.reference = f"{spec.reference_prefix}{utcnow():%Y}{application.id:07d}"
    db.session.commit()
    return application


def _opened_with(user: User, product: str, token: str | None) -> Application | None:
    if token is None:
        return None
    return db.session.scalar(select(Application).where(
        Application.opened_with == token, Application.applicant_id == user.id,
        Application.product == product))


def save_request(application: Application, data: dict) -> None:
    """Store the request step on a draft (or an application sent back for fixes).

    ``data`` holds the envelope's fields (``ENVELOPE_FIELDS``), ``details`` (kept as
    submitted) and the product's own columns.
    """
    chosen = data.get("partner_org_id")
    if choice_open(application):
        org = db.session.get(Organisation, chosen) if chosen else None
        if not takes_applications(application.product, org):
            raise ApplicationError(refusal(application.product, org,
                                                           str(get_locale() or "zh")) if org else
                                   _("Choose the institution you apply to."))
    elif chosen != application.partner_org_id:
        raise ApplicationError(_("The institution already reviews this application; it "
                                 "cannot be changed."))
    own = set(type(application).__table__.c.keys()) - {"id"}
    for key, value in data.items():
        if key in ENVELOPE_FIELDS or key in own:
            setattr(application, key, value)
    application.details = {**(application.details or {}), **data.get("details", {})}
    application.amount_fen = application.current_amount()
    db.session.commit()


def claim(application: Application, user: User) -> bool:
    """Claim an item for oneself; False when a colleague holds it."""
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id,
               (Application.claimed_by_id.is_(None)) | (Application.claimed_by_id == user.id))
        .values(claimed_by_id=user.id, claimed_at=utcnow(), version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(application)
    return result.rowcount == 1


def release(application: Application) -> None:
    """Give a claimed item back to the queue (the holder, or a supervisor taking it over)."""
    db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.claimed_by_id.is_not(None))
        .values(claimed_by_id=None, claimed_at=None, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(application)


def current_attachments(application: Application) -> list[Attachment]:
    """The documents in force, one per kind."""
    return list(db.session.scalars(
        select(Attachment).where(Attachment.application_id == application.id,
                                 Attachment.superseded_at.is_(None))
        .order_by(Attachment.kind)
    ))


def history(application: Application) -> list[TransitionLog]:
    """The application's transition log, oldest first."""
    return list(db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == application.id)
        .order_by(TransitionLog.id)
    ))


def submission_problems(application: Application, user: User, trigger: str,
                        on: date) -> list[str]:
    """Every reason the founder's (re)submission would be refused now; none when
    ``engine.check`` lets it through.

    engine.check stops at the first failing guard; the founder should see all of them at
    once, so every guard is asked (the rules stay in the guards).
    """
    blocker = engine.check(application, trigger, user, today=on)
    if blocker is None:
        return []
    transition = product_for(application.product).workflow.transition(trigger)
    ctx = FireContext(application, user, transition, {}, "", on)
    return [blocker, *(reason for reason in engine.refusals(ctx) if reason != blocker)]


def defaults_of(enterprise_id: int) -> list[Application]:
    """The firm's applications of any product in a state that marks a default
    (``State.default``), oldest first."""
    pairs = [(p.key, s.name) for p in products() for s in p.workflow.states if s.default]
    if not pairs:
        return []
    return list(db.session.scalars(select(Application).where(
        Application.enterprise_id == enterprise_id,
        or_(*(and_(Application.product == key, Application.status == state)
              for key, state in pairs))).order_by(Application.id)))
