"""Founders' drafts, reviewers' claims and the queries behind the pages."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.labels import attachment_label
from talentfin.labels import change_label
from talentfin.labels import change_value
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Organisation
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services import parameters
from talentfin.services.enterprises import missing_company_fields
from talentfin.workflows import engine
from talentfin.workflows.context import FireContext
from talentfin.workflows.guards import GUARDS
from talentfin.workflows.registry import workflow_for

# Documents that belong to the founder's application; the bank's claim documents
# (loan contract, litigation papers ...) are uploaded by the bank, never by the founder.
# Info-request states: the founder holds the file until resubmitting.
INFO_REQUEST_STATES = ("info_requested", "bank_info_requested")


class ApplicationError(ValueError):
    """An application could not be changed; the message says why."""


class ProfileIncomplete(ApplicationError):
    """The company profile or the talent certification is missing something."""

    def __init__(self, message: str, page: str):
        super().__init__(message)
        self.page = page  # "company" or "talent": where the founder completes it


def takes_applications(bank: Organisation) -> bool:
    """Whether founders may apply to this bank (an active partner in good standing)."""
    return bank.kind == "bank" and bank.active and bank.standing == "active"


def partner_banks() -> list[Organisation]:
    """Partner banks in good standing (not suspended, partnership not ended)."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.kind == "bank", Organisation.active.is_(True),
                                   Organisation.standing == "active")
        .order_by(Organisation.name)
    ))


def bank_choice_open(application: Application) -> bool:
    """The founder may still choose the bank (the park has not sent the file to one)."""
    return application.partner_routed_at is None


def bank_problem(application: Application, locale: str = "zh") -> str | None:
    """Why the bank a not yet routed application names no longer takes it, or None."""
    bank = application.partner
    if bank is None or not bank_choice_open(application) or takes_applications(bank):
        return None
    return _("%(bank)s no longer takes talent-loan applications; choose another bank.",
             bank=bank.display_name(locale))


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


def start_loan_application(user: User) -> Application:
    """A new draft talent-loan application for the founder's enterprise."""
    problem = profile_problem(user)
    if problem is not None:
        raise problem
    enterprise = user.enterprise
    # The park and the tier are recorded at submission, from the profile as it is then.
    application = Application(product="loan", status="draft", enterprise_id=enterprise.id,
                              applicant_id=user.id, park_id=enterprise.park_id, details={})
    db.session.add(application)
    db.session.flush()
    application.reference = f"RCD{utcnow():%Y}{application.id:07d}"
    db.session.commit()
    return application


def save_loan_request(application: Application, data: dict) -> None:
    """Store step 2 of the loan form on a draft (or an application sent back for fixes)."""
    if bank_choice_open(application):
        bank = db.session.get(Organisation, data["partner_org_id"])
        if bank is None or not takes_applications(bank):
            raise ApplicationError(_("This bank no longer takes talent-loan applications; "
                                     "choose another bank."))
    elif data["partner_org_id"] != application.partner_org_id:
        raise ApplicationError(_("The bank already reviews this application; it cannot "
                                 "be changed."))
    application.partner_org_id = data["partner_org_id"]
    application.requested_amount_fen = data["requested_amount_fen"]
    application.requested_term_months = data["requested_term_months"]
    application.purpose = data["purpose"]
    details = dict(application.details or {})
    for key in ("annual_revenue_fen", "net_profit_fen", "employees"):
        details[key] = data.get(key)
    application.details = details
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


def release(application: Application, user: User) -> None:
    """Give a claimed item back to the queue."""
    db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.claimed_by_id == user.id)
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


def _info_requested_at(application: Application):
    """When the open request for information was made (its transition log row)."""
    return db.session.scalar(
        select(func.max(TransitionLog.created_at)).where(
            TransitionLog.application_id == application.id,
            TransitionLog.to_state.in_(INFO_REQUEST_STATES))
    )


def missing_replacements(application: Application) -> list[str]:
    """Kinds of the documents the open request for information names that have no upload
    newer than the request, in the order the reviewer named them (empty: all replaced)."""
    asked = list((application.info_request or {}).get("documents") or [])
    if not asked:
        return []
    requested_at = _info_requested_at(application)
    replaced = set(db.session.scalars(
        select(Attachment.kind).where(
            Attachment.application_id == application.id, Attachment.kind.in_(asked),
            Attachment.superseded_at.is_(None), Attachment.uploaded_at > requested_at)
    )) if requested_at is not None else set()
    return [kind for kind in asked if kind not in replaced]


def replacement_problem(application: Application) -> str | None:
    """The refusal of a resubmission whose requested documents were not replaced, or None."""
    missing = missing_replacements(application)
    if not missing:
        return None
    return _("Upload a new version of each document you were asked to replace: %(names)s. "
             "The files uploaded before the request do not count.",
             names=", ".join(attachment_label(kind) for kind in missing))


def tier_limit(application: Application, on: date) -> tuple[str, int] | None:
    """The tier whose limit the next submission is checked against, and that limit (fen)."""
    talent = application.enterprise.talent
    tier = application.talent_tier
    if bank_choice_open(application) or tier is None:
        # A submission to the park records the tier the profile has then.
        tier = talent.tier if talent is not None else tier
    if tier is None:
        return None
    return tier, parameters.tier_limit_fen(tier, on)


def submission_problems(application: Application, user: User, trigger: str,
                        on: date) -> list[str]:
    """Every reason the founder's (re)submission would be refused now; none when
    ``engine.check`` lets it through.

    engine.check stops at the first failing guard; the founder should see all of them at
    once, so the same guards are asked one by one (the rules stay in the guards).
    """
    blocker = engine.check(application, trigger, user, today=on)
    if blocker is None:
        return []
    transition = workflow_for(application.product).transition(trigger)
    ctx = FireContext(application, user, transition, {}, "", on)
    problems = [blocker]
    for reason in (GUARDS[name](ctx) for name in transition.guards):
        if reason and reason not in problems:
            problems.append(reason)
    return problems


@dataclass
class Change:
    """One difference between the previous and the present submission, as people read it.

    A changed field has its old and new value; a document has a description of what
    happened to it ("re-uploaded new.pdf (replaced old.pdf)").
    """

    label: str
    old: str = ""
    new: str = ""
    description: str | None = None


def _flatten(snapshot: dict | None, prefix: str = "") -> dict:
    flat = {}
    for key, value in (snapshot or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _field_changes(previous: dict, current: dict) -> list[Change]:
    old, new = _flatten(previous), _flatten(current)
    return [Change(change_label(key), change_value(key, old.get(key)),
                   change_value(key, new.get(key)))
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def _document_change(kind: str, old: dict | None, new: dict | None) -> Change:
    label = attachment_label(kind)
    if old is None:
        return Change(label, description=_("uploaded %(new)s", new=new["name"]))
    if new is None:
        return Change(label, description=_("removed (was %(old)s)", old=old["name"]))
    return Change(label, description=_("re-uploaded %(new)s (replaced %(old)s)",
                                       new=new["name"], old=old["name"]))


def _document_changes(previous: dict, current: dict) -> list[Change]:
    old, new = previous or {}, current or {}
    return [_document_change(kind, old.get(kind), new.get(kind))
            for kind in sorted(set(old) | set(new)) if old.get(kind) != new.get(kind)]


def resubmission_changes(log: TransitionLog) -> list[Change]:
    """What changed between the previous submission and this resubmission."""
    previous = (log.payload or {}).get("previous_snapshot")
    if not previous:
        return []
    current = log.payload.get("snapshot")
    if current is None:
        current = db.session.get(Application, log.application_id).submitted_snapshot or {}
    previous, current = dict(previous), dict(current)
    documents = _document_changes(previous.pop("attachments", None),
                                  current.pop("attachments", None))
    return _field_changes(previous, current) + documents
