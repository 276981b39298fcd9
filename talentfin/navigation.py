"""The navigation bar's links, by what a role may do (never by the role's name).

The core's links are here; a product's or the pool's pages add theirs with ``add``. An
entry's test takes the role only.
"""

from collections.abc import Callable
from dataclasses import dataclass

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.institutions import supervising_staff


@dataclass(frozen=True)
class Entry:
    """A link of the bar: its endpoint, its text and the roles that see it."""

    endpoint: str
    label: object
    shows_for: Callable[[str], bool]
    position: int = 50  # the bar lists links by position


def permission(name: str) -> Callable[[str], bool]:
    """Roles that hold a permission."""
    return lambda role: may(role, name)


ENTRIES: list[Entry] = [
    Entry("applications.mine", _l("My applications"), lambda role: role == FOUNDER, 10),
    Entry("profile.company", _l("Company profile"), lambda role: role == FOUNDER, 11),
    Entry("admin.users", _l("Accounts"), permission("accounts.manage"), 20),
    Entry("admin.organisations", _l("Institutions"), permission("accounts.manage"), 21),
    Entry("admin.clients", _l("API clients"), permission("accounts.manage"), 22),
    Entry("webhooks.index", _l("Webhooks"), permission("accounts.manage"), 23),
    Entry("webhooks.organisation", _l("Our webhooks"), supervising_staff, 60),
    Entry("queue.index", _l("Review queue"), permission("queue"), 30),
    Entry("diagrams.index", _l("Routes"), lambda role: True, 90),
]


def add(*entries: Entry) -> None:
    """Add links (a module's pages), once."""
    for entry in entries:
        if entry not in ENTRIES:
            ENTRIES.append(entry)


def links(role: str | None) -> tuple[tuple[str, str], ...]:
    """(endpoint, text) of the links a role sees, in order (none when logged out)."""
    if role is None:
        return ()
    shown = sorted((e for e in ENTRIES if e.shows_for(role)), key=lambda e: e.position)
    return tuple((e.endpoint, str(e.label)) for e in shown)
