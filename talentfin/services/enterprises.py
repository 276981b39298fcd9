"""Enterprises and founders: registration, company profile, talent certification."""

from sqlalchemy import select
from sqlalchemy import update

from talentfin import policy
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import IdentityChange
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.services.accounts import AccountError

# What the park review, the eligibility rules and the dossiers read of a company, with the
# labels the company profile form gives these fields.
COMPANY_FIELDS = {
    "park_id": _l("Park"),
    "founded_on": _l("Founded on"),
    "registered_capital_fen": _l("Registered capital (yuan)"),
    "legal_representative": _l("Legal representative"),
    "address": _l("Registered address"),
    "industry": _l("Industry"),
    "employees": _l("Employees"),
}


def missing_company_fields(enterprise: Enterprise) -> list[str]:
    """Labels of the company profile fields still empty (park, founding date, ...)."""
    return [str(label) for name, label in COMPANY_FIELDS.items()
            if not getattr(enterprise, name)]


def parks() -> list[Organisation]:
    """Active parks an enterprise may belong to."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.kind == "park", Organisation.active.is_(True))
        .order_by(Organisation.name)
    ))


def company_taken(uscc: str) -> None:
    """Refuse a credit code already registered (AccountError)."""
    if db.session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc)) is not None:
        # No one can add a second founder account to a company in the application: say
        # who can look into it instead of promising access.
        raise AccountError(
            _("A company with this credit code is already registered. Check the code; if it "
              "is your company, contact your park or the programme's administrator.")
        )


def identity_locked(enterprise: Enterprise) -> bool:
    """Whether an application was submitted on the company's name and code: from then on
    they change only through a request its park decides."""
    return db.session.scalar(select(Application.id).where(
        Application.enterprise_id == enterprise.id, Application.submitted_at.is_not(None))
        .limit(1)) is not None


def update_company(enterprise: Enterprise, data: dict) -> None:
    """Save the company profile; the credit code stays unique, and once an application was
    submitted the name and code are not changed here (``request_identity_change``)."""
    if identity_locked(enterprise) and (
            data.get("name", enterprise.name) != enterprise.name
            or data.get("uscc", enterprise.uscc) != enterprise.uscc):
        raise AccountError(_("The company's name and credit code are not changed here once an "
                             "application was submitted on them: ask for the change below; "
                             "the park decides it."))
    clash = db.session.scalar(
        select(Enterprise.id).where(Enterprise.uscc == data["uscc"], Enterprise.id != enterprise.id)
    )
    if clash:
        raise AccountError(
            _("Another company is registered with this credit code. Check the code; if it is "
              "your company's, contact your park or the programme's administrator.")
        )
    for key, value in data.items():
        setattr(enterprise, key, value)
    db.session.commit()


def update_talent(enterprise: Enterprise, data: dict) -> TalentProfile:
    """Create or update the founder's talent certification."""
    talent = enterprise.talent or TalentProfile(enterprise_id=enterprise.id)
    for key, value in data.items():
        setattr(talent, key, value)
    db.session.add(talent)
    db.session.commit()
    return talent


def pending_identity_change(enterprise: Enterprise) -> IdentityChange | None:
    """The company's change of identity waiting for the park, if any."""
    return db.session.scalar(select(IdentityChange).where(
        IdentityChange.enterprise_id == enterprise.id, IdentityChange.status == "requested"))


def identity_history(enterprise: Enterprise) -> list[IdentityChange]:
    """The company's changes of identity asked for, latest first."""
    return list(db.session.scalars(select(IdentityChange).where(
        IdentityChange.enterprise_id == enterprise.id).order_by(IdentityChange.id.desc())))


def request_identity_change(enterprise: Enterprise, user: User, name: str, uscc: str,
                            reason: str) -> IdentityChange:
    """The founder asks the park to change the company's name or code (one request at a
    time; the code no other company's). Commits."""
    name, uscc, reason = name.strip(), uscc.strip().upper(), reason.strip()
    if pending_identity_change(enterprise) is not None:
        raise AccountError(_("A change of the company's identity already waits for the "
                             "park."))
    if (name, uscc) == (enterprise.name, enterprise.uscc):
        raise AccountError(_("Enter the new name or the new code."))
    if uscc != enterprise.uscc:
        company_taken(uscc)
    change = IdentityChange(enterprise_id=enterprise.id, old_name=enterprise.name,
                            old_uscc=enterprise.uscc, new_name=name, new_uscc=uscc,
                            reason=reason, requested_by_id=user.id, note="")
    db.session.add(change)
    db.session.commit()
    return change


def park_identity_changes(park_id: int) -> list[IdentityChange]:
    """The changes of identity of the park's companies waiting for it, oldest first."""
    return list(db.session.scalars(select(IdentityChange).join(Enterprise).where(
        Enterprise.park_id == park_id, IdentityChange.status == "requested")
        .order_by(IdentityChange.id)))


def decide_identity_change(change: IdentityChange, user: User, approve: bool,
                           note: str) -> None:
    """The company's park approves (the company takes the new identity; the applications
    keep the one they were submitted on) or refuses, with its reason. Commits."""
    allowed, reason = policy.can(user, "decide", change)
    if not allowed:
        raise AccountError(reason)
    note = note.strip()
    if not approve and not note:
        raise AccountError(_("Say why the change is refused."))
    if approve and change.new_uscc != change.enterprise.uscc:
        company_taken(change.new_uscc)
    decided = db.session.execute(
        update(IdentityChange).where(IdentityChange.id == change.id,
                                     IdentityChange.status == "requested")
        .values(status="approved" if approve else "refused", decided_by_id=user.id,
                decided_at=utcnow(), note=note)
        .execution_options(synchronize_session=False)).rowcount
    if not decided:
        db.session.rollback()
        raise AccountError(_("This change was decided a moment ago."))
    if approve:
        change.enterprise.name, change.enterprise.uscc = change.new_name, change.new_uscc
    db.session.commit()

