"""The loan's part of the firm's page: its principal out, the pool's claims and interest
subsidies on it, and the outstanding caps (which bond allocations count against too)."""

from datetime import date

from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Enterprise
from talentfin.models.policy import int_parameter
from talentfin.pool.labels import claim_status_label
from talentfin.pool.models import Claim
from talentfin.pool.models import SubsidyClaim
from talentfin.pool.subsidies import paid_in_year
from talentfin.workflows.firm import CapUse
from talentfin.workflows.firm import Exposure
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import FirmHeadings
from talentfin.workflows.firm import FirmPart
from talentfin.workflows.loan.models import LoanApplication
from talentfin.workflows.loan.terms import COMMITTED_STATES
from talentfin.workflows.loan.terms import caps_used

# What the product adds to the firm's page's headings.
HEADINGS = FirmHeadings(10, exposures={"loans": _l("Talent loans outstanding")},
                        core_facts=("claim", "subsidy"))


def firm(enterprise: Enterprise, loans: list[LoanApplication], today: date) -> FirmPart:
    """The firm's loans the reader sees, and the caps on all of them."""
    part = FirmPart()
    for loan in loans:
        if loan.status in COMMITTED_STATES:
            part.exposures.append(_exposure(loan))
    ids = {loan.id: loan for loan in loans}
    if ids:
        for claim in db.session.scalars(select(Claim).where(Claim.application_id.in_(ids))
                                        .order_by(Claim.id)):
            part.facts.append(Fact(
                ids[claim.application_id], "claim", _l("Compensation claim to the pool"),
                on=business_date(claim.decided_at or claim.lodged_at),
                amount_fen=claim.payout_fen if claim.status == "paid" else
                claim.principal_loss_fen, detail=claim_status_label(claim.status)))
        paid = select(SubsidyClaim).where(SubsidyClaim.application_id.in_(ids),
                                          SubsidyClaim.status == "paid")  # received only
        for subsidy in db.session.scalars(paid.order_by(SubsidyClaim.year, SubsidyClaim.id)):
            part.facts.append(Fact(
                ids[subsidy.application_id], "subsidy",
                _("Interest subsidy for %(year)s", year=subsidy.year),
                on=business_date(subsidy.decided_at),
                amount_fen=subsidy.amount_fen))
    part.caps.extend(_caps(enterprise, today))
    return part


def _exposure(loan: LoanApplication) -> Exposure:
    if loan.disbursed_amount_fen is not None:
        return Exposure(loan, "loans", loan.outstanding, _l("principal outstanding"))
    return Exposure(loan, "loans", loan.amount_fen or loan.recommended_amount_fen or 0,
                    _l("approved, not yet paid out"))


def _caps(enterprise: Enterprise, today: date) -> list[CapUse]:
    firm_used, talent_used = caps_used(enterprise)
    caps = [CapUse(_l("Talent loans and bond allocations of the firm"), firm_used,
                   int_parameter("cap_per_firm_fen", today),
                   _l("approved or paid-out amounts of the files not yet closed"))]
    if enterprise.talent is not None:
        caps.append(CapUse(_l("The founder's loans and bond allocations across all banks "
                              "and firms"), talent_used, int_parameter("cap_per_talent_fen", today),
                           _l("every firm the same person founded"), person_wide=True))
    caps.append(CapUse(_("Interest subsidies paid in %(year)s", year=today.year),
                       paid_in_year(enterprise.id, today.year),
                       int_parameter("interest_subsidy_cap_fen", today)))
    return caps
