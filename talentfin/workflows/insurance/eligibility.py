"""Who may ask for a quote: the programme's rules (a certified talent with a valid
certificate, a firm in the district with its park chosen); the cover's own needs are the
quote's (``insurance.quote``)."""

from datetime import date

from talentfin.models import Application
from talentfin.workflows.context import FireContext
from talentfin.workflows.eligibility import programme_problems


def eligibility_problems(application: Application, on: date) -> list[str]:
    """Every rule the firm and its founder fail, as messages."""
    return programme_problems(application, on)


def eligible(ctx: FireContext) -> str | None:
    """The programme's eligibility rules."""
    problems = eligibility_problems(ctx.application, ctx.today)
    return " ".join(problems) if problems else None
