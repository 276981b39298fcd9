"""A bond planned by the underwriter's officer for one of the programme's issuers, and the
underwriter's book: each bond's size, allocated and headroom, its allocations by state, the
coupons ahead, its loss layers, and the on-lent loans in arrears."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import kind_of
from talentfin.institutions import may
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import sum_fen
from talentfin.models.base import utcnow
from talentfin.policy import can
from talentfin.policy import rule
from talentfin.workflows.bond import BOND_ISSUE
from talentfin.workflows.bond import servicing
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused


class UnderwriterBook:
    """An underwriter's book: the subject of its page's rule."""


@rule(UnderwriterBook, "read")
def _read(user: User, _book, _action: str) -> tuple[bool, str]:
    if kind_of(user.role) == "underwriter":
        return True, ""
    return False, "underwriter staff only"


@rule(UnderwriterBook, "plan")
def _plan(user: User, _book, _action: str) -> tuple[bool, str]:
    """The underwriting officer plans a bond its institution underwrites."""
    if may(user.role, "bond.plan") and user.org_id is not None:
        return True, ""
    return False, _("The underwriting officer plans a bond.")


def issuers() -> list[Organisation]:
    """The programme's bond issuers."""
    return list(db.session.scalars(select(Organisation).where(Organisation.kind == "issuer")
                                   .order_by(Organisation.id)))


def plan_bond(user: User, name: str, issuer: Organisation, uscc: str) -> BondIssue:
    """A planned bond of ``issuer`` (its company found, or recorded, by its code),
    underwritten by the officer's institution. Commits."""
    allowed, reason = can(user, "plan", UnderwriterBook)
    if not allowed:
        raise Forbidden(reason)
    if issuer is None or issuer.kind != "issuer":
        raise Refused(_("Choose the bond's issuer."))
    company = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if company is None:
        company = Enterprise(name=issuer.name, uscc=uscc, registered_in_district=True)
        db.session.add(company)
        db.session.flush()
    elif company.name != issuer.name:
        raise Refused(_("The code %(uscc)s is %(company)s's, not the issuer's.", uscc=uscc,
                        company=company.name))
    bond = BondIssue(status=BOND_ISSUE.workflow.initial, enterprise_id=company.id,
                     applicant_id=user.id, partner_org_id=user.org_id,
                     partner_routed_at=utcnow(), submitted_at=utcnow(),
                     issuer_org_id=issuer.id, name=name.strip(),
                     details={})
    db.session.add(bond)
    db.session.flush()
    bond.reference = f"{BOND_ISSUE.reference_prefix}{utcnow():%Y}{bond.id:07d}"
    db.session.commit()
    return bond


@dataclass(frozen=True)
class BondLine:
    """One bond on the underwriter's page."""

    bond: BondIssue
    by_state: dict[str, tuple[int, int]]  # state -> (count, amount allocated)
    coupons_ahead: list[date]
    layers: servicing.Layers | None  # once issued


def overdue_loans(org_id: int) -> list[BondAllocation]:
    """The underwriter's on-lent loans in arrears, longest overdue first."""
    return list(db.session.scalars(
        select(BondAllocation)
        .where(BondAllocation.bond_id.in_(select(BondIssue.id)
                                          .where(BondIssue.partner_org_id == org_id)),
               BondAllocation.status == "overdue")
        .order_by(BondAllocation.overdue_since, BondAllocation.id)))


# The book lists the bonds open for allocations first, then those being worked on, then
# those serviced, then those ended; newest first within each.
BOOK_ORDER = ("allocating", "issued", "registered", "planned", "servicing", "redeemed",
              "cancelled")


def book(org_id: int, today: date) -> list[BondLine]:
    """The underwriter's bonds (``BOOK_ORDER``) with their allocations, coupons ahead and
    loss layers (a fixed number of queries, however many bonds)."""
    bonds = sorted(db.session.scalars(select(BondIssue).where(
        BondIssue.partner_org_id == org_id).order_by(BondIssue.id.desc())).all(),
        key=lambda bond: BOOK_ORDER.index(bond.status) if bond.status in BOOK_ORDER
        else len(BOOK_ORDER))
    by_state: dict[int, dict[str, tuple[int, int]]] = {bond.id: {} for bond in bonds}
    for bond_id, status, count, amount in db.session.execute(select(
            BondAllocation.bond_id, BondAllocation.status, func.count(),
            sum_fen(BondAllocation.allocated_fen))
            .where(BondAllocation.bond_id.in_(list(by_state)),
                   BondAllocation.submitted_at.is_not(None))
            .group_by(BondAllocation.bond_id, BondAllocation.status)):
        by_state[bond_id][status] = (count, amount)
    layers = servicing.layers_of([bond for bond in bonds if bond.size_fen], today)
    return [BondLine(bond, by_state[bond.id],
                     [d for d in bond.coupon_dates() if d >= today][:4], layers.get(bond.id))
            for bond in bonds]
