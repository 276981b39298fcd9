"""The authorization map's mechanism: rules registered per object kind and action, and the
one question ``can(user, action, obj)`` asked of them.

The rules themselves live in ``talentfin.policy`` (applications, documents, dossiers, the
pool), ``talentfin.policy_accounts`` (the policy table, the audit, accounts, institutions,
webhooks, firms) and the products' own services (their books and desks).
"""

from collections.abc import Callable

from talentfin.i18n import _
from talentfin.institutions import may
from talentfin.models import User


class Area(str):
    """A part of the site that is no one object (the pool's pages, the queue, accounts)."""


POOL = Area("pool")
QUEUE = Area("queue")
OWN = Area("own applications")
ACCOUNTS = Area("accounts")
# An organisation's own webhooks, as its supervising staff read them.
ORG_WEBHOOKS = Area("organisation webhooks")
# The programme dashboard: every product's figures and the files behind them.
PROGRAMME = Area("programme")

Rule = Callable[[User, object, str], tuple[bool, str]]
RULES: dict[tuple[object, str], Rule] = {}
FILTERS: dict[type, Callable] = {}
NO = _  # a rule's refusal, translated when the rule runs


def rule(kind, *actions: str):
    """Register a rule for ``actions`` on objects of ``kind`` (a model class, or an Area)."""
    def add(function: Rule) -> Rule:
        for action in actions:
            RULES[(kind, action)] = function
        return function
    return add


def _lookup(action: str, obj) -> Rule | None:
    if isinstance(obj, Area):
        return RULES.get((obj, action))
    kind = obj if isinstance(obj, type) else type(obj)
    wanted = "fire:*" if action.startswith("fire:") else action
    for base in kind.__mro__:
        found = RULES.get((base, wanted))
        if found is not None:
            return found
    return None


def can(user: User | None, action: str, obj) -> tuple[bool, str]:
    """Whether the user may do ``action`` on ``obj``, and why not."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False, _("Please log in to see this page.")
    found = _lookup(action, obj)
    if found is None:
        return False, _("Unknown action.")
    return found(user, obj, action)


def allowed(user: User | None, action: str, obj) -> bool:
    """``can`` without the reason."""
    return can(user, action, obj)[0]


def visible(user: User, model: type):
    """SQL: the rows of ``model`` the user may read (the list form of the ``read`` rules)."""
    return FILTERS[model](user)


def granted(user: User, permission: str, reason: str) -> tuple[bool, str]:
    return (True, "") if may(user.role, permission) else (False, reason)
