"""A listing's part of the firm's page: where the firm stands on the board, the financings
it raised there and the financing rewards the pool paid."""

from datetime import date

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.models import Enterprise
from talentfin.workflows.board.labels import INSTRUMENTS
from talentfin.workflows.board.labels import LISTED
from talentfin.workflows.board.labels import MARKETS
from talentfin.workflows.board.labels import TIERS
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Financing
from talentfin.workflows.board.models import Reward
from talentfin.workflows.firm import Fact
from talentfin.workflows.firm import FirmHeadings
from talentfin.workflows.firm import FirmPart

# What the product adds to the firm's page's headings.
HEADINGS = FirmHeadings(40, facts={"listing": _l("Listing"), "financing": _l("Financings")},
                        core_facts=("subsidy",))


def firm(_enterprise: Enterprise, listings: list[BoardListing], _today: date) -> FirmPart:
    """The firm's listings the reader sees."""
    part = FirmPart()
    for listing in listings:
        if listing.listed_on is not None:
            part.facts.append(_standing(listing))
    ids = {listing.id: listing for listing in listings}
    if ids:
        for financing in db.session.scalars(select(Financing).where(
                Financing.application_id.in_(ids)).order_by(Financing.on, Financing.id)):
            part.facts.append(Fact(
                ids[financing.application_id], "financing",
                INSTRUMENTS.get(financing.instrument, financing.instrument),
                on=financing.on, amount_fen=financing.amount_fen,
                detail=_l("verified by the exchange") if financing.verified_at
                else _l("not yet verified")))
        for reward in db.session.scalars(select(Reward).where(
                Reward.application_id.in_(ids)).order_by(Reward.year)):
            part.facts.append(Fact(ids[reward.application_id], "subsidy",
                                   _("Financing reward for %(year)s", year=reward.year),
                                   on=reward.paid_on, amount_fen=reward.amount_fen))
    return part


def _standing(listing: BoardListing) -> Fact:
    tier = TIERS.get(listing.tier or "", listing.tier or "")
    if listing.status in LISTED:
        return Fact(listing, "listing", _("Listed as %(code)s", code=listing.listing_code),
                    on=listing.listed_on, detail=tier)
    if listing.market:
        return Fact(listing, "listing", _("Transferred to %(market)s",
                                          market=MARKETS.get(listing.market, listing.market)),
                    on=listing.ended_on, detail=listing.listing_code or "")
    return Fact(listing, "listing", _("Delisted (was %(code)s)", code=listing.listing_code),
                on=listing.ended_on, detail=tier)
