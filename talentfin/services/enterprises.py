"""Enterprises and founders: registration, company profile, talent certification."""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import User
from talentfin.services.accounts import AccountError
from talentfin.services.accounts import create_user

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


def register_founder(*, name: str, email: str, password: str, company_name: str,
                     uscc: str) -> User:
    """Create the enterprise (if new) and its founder's account together (the command line
    and the tests; the site registers through ``services.registration``)."""
    uscc = uscc.strip().upper()
    company_taken(uscc)
    enterprise = Enterprise(name=company_name.strip(), uscc=uscc)
    db.session.add(enterprise)
    db.session.flush()
    try:
        return create_user(email, password, name, "founder", enterprise_id=enterprise.id)
    except AccountError:
        db.session.rollback()
        raise


def update_company(enterprise: Enterprise, data: dict) -> None:
    """Save the company profile; the credit code stays unique."""
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
