"""An insurer's terms: the covers it offers and a year's premium rate for each. Its staff
read them; its approvers change them (a rate a quote is accepted at, a cover withdrawn)."""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import ROLES
from talentfin.institutions import kind_of
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.policy import int_parameter
from talentfin.money import format_rate_bp
from talentfin.policy import FILTERS
from talentfin.policy import rule
from talentfin.workflows.insurance.labels import COVERS
from talentfin.workflows.insurance.models import InsuranceOffer

INSURER_KIND = "insurer"


class OfferError(ValueError):
    """Terms that cannot be set; the message says why."""


@rule(InsuranceOffer, "read")
def _read(user: User, offer, _action: str) -> tuple[bool, str]:
    """An insurer's staff read their own institution's terms."""
    if kind_of(user.role) == INSURER_KIND and (
            isinstance(offer, type) or offer.org_id == user.org_id):
        return True, ""
    return False, _("Only the insurer's staff see its terms.")


@rule(InsuranceOffer, "manage")
def _manage(user: User, offer, action: str) -> tuple[bool, str]:
    """An insurer's approvers change its terms."""
    allowed, reason = _read(user, offer, action)
    if not allowed:
        return allowed, reason
    if not ROLES[user.role].supervises:
        return False, _("Only the insurer's approvers change its terms.")
    return True, ""


FILTERS[InsuranceOffer] = lambda user: InsuranceOffer.org_id == (user.org_id or 0)


def offers_of(org: Organisation) -> dict[str, InsuranceOffer]:
    """The institution's terms by cover (covers it never offered are missing)."""
    rows = db.session.scalars(select(InsuranceOffer).where(InsuranceOffer.org_id == org.id))
    return {offer.cover: offer for offer in rows}


def ceiling_bp(cover: str | None) -> int | None:
    """The highest yearly premium rate the programme allows for a cover, if it sets one:
    a loan guarantee's (Shenzhen 2018: at most 3 % a year, in the policy table). The
    programme's documents give no ceiling for the other covers."""
    if cover == "loan_guarantee":
        return int_parameter("guarantee_premium_cap_bp")
    return None


def set_offer(org: Organisation, cover: str, rate_bp: int, active: bool,
              user: User) -> InsuranceOffer:
    """Offer a cover at a rate (or stop offering it); quotes already made keep theirs."""
    if cover not in COVERS:
        raise OfferError(_("Unknown cover."))
    if rate_bp is None or rate_bp <= 0 or rate_bp > 10_000:
        raise OfferError(_("Enter a premium rate between 0.01 and 100 (per cent a year)."))
    ceiling = ceiling_bp(cover)
    if ceiling is not None and rate_bp > ceiling:
        raise OfferError(_("A loan-guarantee premium may be at most %(ceiling)s a year.",
                           ceiling=format_rate_bp(ceiling)))
    offer = offers_of(org).get(cover)
    if offer is None:
        offer = InsuranceOffer(org_id=org.id, cover=cover)
        db.session.add(offer)
    offer.premium_rate_bp, offer.active, offer.updated_by_id = rate_bp, active, user.id
    db.session.commit()
    return offer
