"""A policy's part of the firm's page: a loan guarantee's cover in force, the claims on
every policy, the premium subsidies, and the yearly cap on them."""

from datetime import date

from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Enterprise
from talentfin.models.policy import int_parameter
from talentfin.workflows.firm import CapUse
from talentfin.workflows.firm import Exposure
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import FirmHeadings
from talentfin.workflows.firm import FirmPart
from talentfin.workflows.insurance.claims import remaining_cover
from talentfin.workflows.insurance.labels import CLAIM_STATES
from talentfin.workflows.insurance.labels import IN_FORCE
from talentfin.workflows.insurance.labels import claim_status_label
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.models import PremiumPayment
from talentfin.workflows.insurance.premiums import subsidies_paid_in_year

# A policy covers from its issue until it lapses or ends (a claim open on it included).
COVERING = ("bound", *IN_FORCE, "subsidy_review", *CLAIM_STATES, "claim_agreed")


# What the product adds to the firm's page's headings.
HEADINGS = FirmHeadings(
    30, exposures={"guaranteed_cover": _l("Guaranteed cover in force")},
    note=_l("A loan and the policy guaranteeing it both count: two parties carry it."),
    core_facts=("claim", "subsidy"))


def firm(enterprise: Enterprise, policies: list[InsuranceApplication], today: date) -> FirmPart:
    """The firm's policies the reader sees, and the premium subsidy cap of this year."""
    part = FirmPart()
    for policy in policies:
        if policy.cover == "loan_guarantee" and policy.status in COVERING:
            part.exposures.append(Exposure(policy, "guaranteed_cover", remaining_cover(policy),
                                           _l("sum insured less the claims paid")))
    ids = {policy.id: policy for policy in policies}
    if ids:
        for claim in db.session.scalars(select(InsuranceClaim).where(
                InsuranceClaim.application_id.in_(ids)).order_by(InsuranceClaim.id)):
            part.facts.append(Fact(
                ids[claim.application_id], "claim", _l("Insurance claim"),
                on=claim.paid_on or claim.loss_on,
                amount_fen=claim.paid_fen if claim.paid_fen is not None else claim.claimed_fen,
                detail=claim_status_label(claim.status)))
        for payment in db.session.scalars(select(PremiumPayment).where(
                PremiumPayment.application_id.in_(ids), PremiumPayment.subsidy_status
                == "paid").order_by(PremiumPayment.paid_on, PremiumPayment.id)):
            part.facts.append(Fact(
                ids[payment.application_id], "subsidy",
                _("Premium subsidy, policy year %(year)s", year=payment.policy_year),
                on=business_date(payment.subsidy_decided_at), amount_fen=payment.subsidy_fen))
    part.caps.append(CapUse(_("Premium subsidies paid on premiums of %(year)s",
                              year=today.year),
                            subsidies_paid_in_year(enterprise.id, today.year),
                            int_parameter("premium_subsidy_cap_fen", today)))
    return part
