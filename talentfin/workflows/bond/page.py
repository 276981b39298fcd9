"""What 人才债's parts of the application page show: for an allocation, its bond with the
headroom and the firm's limit; for the bond, its terms, coupons and allocations."""

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import User
from talentfin.workflows.access import can_view
from talentfin.workflows.bond import labels
from talentfin.workflows.bond.allocation import firm_limit_fen
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue


def page(application: BondAllocation, user: User) -> dict:
    """The bond asked for, what is left of it, and the firm's limit on it."""
    bond = application.bond
    limit = None
    if bond is not None and bond.size_fen and application.enterprise.talent is not None:
        limit = firm_limit_fen(application, business_today())
    return {"labels": labels, "bond": bond, "firm_limit": limit}


def issue_page(bond: BondIssue, user: User) -> dict:
    """The bond's coupons ahead and its allocations (those its viewer may see)."""
    today = business_today()
    allocations = [a for a in db.session.scalars(select(BondAllocation).where(
        BondAllocation.bond_id == bond.id, BondAllocation.submitted_at.is_not(None))
        .order_by(BondAllocation.id)) if can_view(user, a)]
    return {"labels": labels, "today": today,
            "coupons_ahead": [day for day in bond.coupon_dates() if day >= today],
            "allocations": allocations}
