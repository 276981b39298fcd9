"""What guards and effects of one firing see."""

from dataclasses import dataclass
from dataclasses import field
from datetime import date

from talentfin.clock import business_today
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows.spec import Transition


@dataclass
class FireContext:
    """The application, who fires which transition, and the validated form data."""

    application: Application
    user: User | None
    transition: Transition
    data: dict = field(default_factory=dict)
    comment: str = ""
    today: date = field(default_factory=business_today)
    via: str = ""  # the channel when not the pages: "api:<client id>"

    @property
    def actor_role(self) -> str:
        """The firing user's role, or 'system' for the scheduler."""
        return self.user.role if self.user else "system"
