"""Enterprises and founders: registration, company profile, talent certification."""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import User
from talentfin.services.accounts import AccountError
from talentfin.services.accounts import create_user


def parks() -> list[Organisation]:
    """Active parks an enterprise may belong to."""
    return list(db.session.scalars(
        select(Organisation).where(Organisation.kind == "park", Organisation.active.is_(True))
        .order_by(Organisation.name)
    ))


def register_founder(*, name: str, email: str, password: str, company_name: str,
                     uscc: str) -> User:
    """Create the enterprise (if new) and its founder's account together."""
    uscc = uscc.strip().upper()
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is not None:
        raise AccountError(
            _("This company is already registered; ask its founder to give you access.")
        )
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
        raise AccountError(_("Another company is registered with this credit code."))
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
