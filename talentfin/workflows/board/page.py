"""What 人才板's part of the application page shows: the listing, its financings with the
year's sum and the reward it earns, the annual reports owed, the rewards paid."""

from talentfin.clock import business_today
from talentfin.models import User
from talentfin.workflows.board import labels
from talentfin.workflows.board.disclosure import disclosures_of
from talentfin.workflows.board.financing import band
from talentfin.workflows.board.financing import financings_of
from talentfin.workflows.board.financing import raised
from talentfin.workflows.board.financing import rewards_of
from talentfin.workflows.board.models import BoardListing


def page(application: BoardListing, user: User) -> dict:
    """Everything the listing's cards show."""
    today = business_today()
    this_year = band(raised(application.enterprise_id, today.year), today) \
        if application.listed_on else None
    return {"labels": labels, "today": today, "financings": financings_of(application),
            "this_year": this_year, "disclosures": disclosures_of(application),
            "rewards": rewards_of(application),
            "may_record": application.status in labels.LISTED and (
                user.id == application.applicant_id or user.role == labels.OFFICER),
            "may_verify": user.role == labels.OFFICER}
