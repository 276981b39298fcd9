"""人才板's part of its dossiers' frozen summary and of the resubmission snapshot."""

from talentfin.clock import business_today
from talentfin.workflows.board.financing import band
from talentfin.workflows.board.financing import raised
from talentfin.workflows.board.financing import rewards_of
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.dossiers import iso


def summary(app: BoardListing) -> dict:
    """The tier asked, the listing, the reward asked (and paid), the end of the listing."""
    reward = None
    if app.reward_year:
        # The bands in force on the day of the decision (not those of the listing day).
        earned = band(raised(app.enterprise_id, app.reward_year), business_today())
        paid = next((r for r in rewards_of(app) if r.year == app.reward_year), None)
        reward = {"year": app.reward_year, "raised_fen": earned.raised_fen,
                  "reward_fen": paid.amount_fen if paid else earned.reward_fen,
                  "paid": paid is not None, "entry_id": paid.entry_id if paid else None}
    return {
        "request": {"requested_tier": app.requested_tier, "shareholders": app.shareholders},
        "listing": {"code": app.listing_code, "tier": app.tier,
                    "listed_on": iso(app.listed_on)},
        "reward": reward,
        "end": {"reason": app.delisting_reason, "on": iso(app.ended_on),
                "market": app.market},
    }


def snapshot(app: BoardListing) -> dict:
    """The application's founder-editable fields (beside the common ones)."""
    return {"requested_tier": app.requested_tier, "shareholders": app.shareholders}
