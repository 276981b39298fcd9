"""What 人才债's parts of the application page show: for an allocation, its bond with the
headroom and the firm's limit, and once paid out its repayments and any default's layers;
for the bond, its terms, coupons, allocations and loss layers."""

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import User
from talentfin.pool.labels import ENTRY_KINDS
from talentfin.workflows.access import can_view
from talentfin.workflows.bond import labels
from talentfin.workflows.bond import servicing
from talentfin.workflows.bond.allocation import firm_limit_fen
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.loan.labels import CLASSIFICATIONS


def page(application: BondAllocation, user: User) -> dict:
    """The bond asked for, what is left of it, and the firm's limit on it."""
    bond = application.bond
    limit = None
    if bond is not None and bond.size_fen and application.enterprise.talent is not None:
        limit = firm_limit_fen(application, business_today())
    paid_out = application.disbursed_on is not None
    return {"labels": labels, "bond": bond, "firm_limit": limit,
            "repayments": servicing.repayments_of(application) if paid_out else [],
            "spread_received": servicing.spread_received(application) if paid_out else 0,
            "draws": servicing.draws_of(application) if application.loss_fen else {},
            "layers": [(kind, ENTRY_KINDS[kind]) for kind, _account in servicing.LAYERS],
            "classification": str(CLASSIFICATIONS.get(application.classification or "", ""))}


def issue_page(bond: BondIssue, user: User) -> dict:
    """The bond's coupons ahead and its allocations (those its viewer may see)."""
    today = business_today()
    allocations = [a for a in db.session.scalars(select(BondAllocation).where(
        BondAllocation.bond_id == bond.id, BondAllocation.submitted_at.is_not(None))
        .order_by(BondAllocation.id)) if can_view(user, a)]
    return {"labels": labels, "today": today,
            "coupons_ahead": [day for day in bond.coupon_dates() if day >= today],
            "allocations": allocations,
            "layers": servicing.layers(bond, today) if bond.size_fen else None}
