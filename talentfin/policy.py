"""Authorization: who may see and do what, for every object type. One map, one question.

``can(user, action, obj)`` returns ``(allowed, reason)`` for an object (an application, a
document, a dossier, a ledger entry, a claim, a policy proposal, a subsidy request, a
sign-off, an account, an institution) or for a kind of them (the class itself, to list or
create); ``visible(user, model)`` is the SQL condition selecting the rows of ``model``
the user may read, derived from the same rules. Views, services and the JSON API ask
here; the engine asks ``workflows.access``, whose rules this map holds for applications.
Rules check permissions (``talentfin.institutions``) and the object's own ties (the firm,
the organisation), never a role by name. The mechanism is ``talentfin.rulebook``; this
module holds the rules for applications, their documents and dossiers and the pool, and
gathers ``talentfin.policy_accounts``'s.
"""

from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import not_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true

from talentfin import policy_accounts
from talentfin.institutions import FOUNDER
from talentfin.institutions import kind_of
from talentfin.institutions import may
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.pool.models import Claim
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import PoolStatement
from talentfin.pool.models import SubsidyClaim
from talentfin.pool.subsidies import may_ask
from talentfin.rulebook import ACCOUNTS
from talentfin.rulebook import FILTERS
from talentfin.rulebook import NO
from talentfin.rulebook import ORG_WEBHOOKS
from talentfin.rulebook import OWN
from talentfin.rulebook import POOL
from talentfin.rulebook import PROGRAMME
from talentfin.rulebook import QUEUE
from talentfin.rulebook import RULES
from talentfin.rulebook import Area
from talentfin.rulebook import allowed
from talentfin.rulebook import can
from talentfin.rulebook import granted as _granted
from talentfin.rulebook import rule
from talentfin.rulebook import visible
from talentfin.workflows import access

__all__ = ["ACCOUNTS", "FILTERS", "NO", "ORG_WEBHOOKS", "OWN", "POOL", "PROGRAMME", "QUEUE",
           "RULES", "Area", "allowed", "can", "can_list_firms", "rule", "visible"]
can_list_firms = policy_accounts.can_list_firms


# --- applications, their documents and dossiers -------------------------------------------

@rule(Application, "view", "edit", "upload", "upload_documents", "claim", "release", "fire:*")
def _application(user: User, application, action: str) -> tuple[bool, str]:
    if isinstance(application, type):
        return False, NO("Unknown action.")
    return access.can(user, action, application)


@rule(Application, "request_subsidy")
def _request_subsidy(user: User, application, _action: str) -> tuple[bool, str]:
    if user.enterprise_id is None or user.enterprise_id != application.enterprise_id:
        return False, NO("Only the founder of the firm asks for its subsidy.")
    if not may_ask(application):
        return False, NO("An interest subsidy is asked for on a loan being repaid.")
    return True, ""


@rule(Application, "reveal_identity")
def _reveal_identity(user: User, application, _action: str) -> tuple[bool, str]:
    """The whole ID numbers of the founder and the insured person: the staff of the park and
    of the partner institution who decide the application (everyone else sees them masked)."""
    if (not isinstance(application, type) and kind_of(user.role) is not None
            and user.org_id is not None
            and user.org_id in (application.park_id, application.partner_org_id)
            and access.can_view(user, application)):
        return True, ""
    return False, NO("Only the staff of the park and of the institution deciding this "
                     "application see whole ID numbers.")


@rule(OWN, "read")
@rule(Application, "create")
def _founders(user: User, _obj, _action: str) -> tuple[bool, str]:
    if user.role == FOUNDER:
        return True, ""
    return False, NO("Only a founder applies.")


@rule(QUEUE, "read")
def _queue(user: User, _area, _action: str) -> tuple[bool, str]:
    return _granted(user, "queue", NO("You have no review queue."))


@rule(PROGRAMME, "read")
def _programme(user: User, _area, _action: str) -> tuple[bool, str]:
    return _granted(user, "programme.read",
                    NO("Only the administrator and auditors see the programme's figures."))


@rule(Attachment, "download")
def _attachment(user: User, attachment, _action: str) -> tuple[bool, str]:
    allowed, reason = access.can(user, "view", attachment.application)
    if allowed and not access.may_read_document(user, attachment.application, attachment.kind):
        return False, NO("This document is for the institution that made it.")
    return allowed, reason


@rule(Dossier, "download")
def _dossier(user: User, dossier, _action: str) -> tuple[bool, str]:
    if dossier.application_id is not None:
        allowed, reason = access.can(user, "view", dossier.application)
        if allowed and not access.may_read_dossier(user, dossier.application, dossier.stage):
            return False, NO("This dossier is for the institution that made it.")
        return allowed, reason
    # An organisation's notice: the pool's readers, and the organisation's own staff.
    if may(user.role, "pool.read") or (user.org_id is not None
                                       and user.org_id == dossier.bank_id):
        return True, ""
    return False, NO("You cannot see this notice.")


FILTERS[Application] = access.visibility_clause


def _dossiers_visible(user: User):
    readable = select(Application.id).where(access.visibility_clause(user))
    notices = (Dossier.bank_id.is_not(None) if may(user.role, "pool.read")
               else Dossier.bank_id == user.org_id if user.org_id is not None else false())
    hidden = [and_(Dossier.stage == stage, Dossier.application_id.in_(
        select(Application.id).where(Application.product == product)))
        for product, stage in access.hidden_dossiers(user)]
    own = Dossier.application_id.in_(readable)
    return or_(and_(own, not_(or_(*hidden))) if hidden else own, notices)


FILTERS[Dossier] = _dossiers_visible


# --- the pool -------------------------------------------------------------------------------

@rule(POOL, "read")
@rule(LedgerEntry, "read")
@rule(PoolStatement, "download")
def _pool_read(user: User, _obj, _action: str) -> tuple[bool, str]:
    return _granted(user, "pool.read",
                    NO("Only the pool administrator, the committee and auditors see the pool."))


@rule(Claim, "read")
def _claim(user: User, claim, _action: str) -> tuple[bool, str]:
    if may(user.role, "pool.read"):
        return True, ""
    return access.can(user, "view", claim.application)


@rule(Organisation, "reinstate")
def _reinstate(user: User, _org, _action: str) -> tuple[bool, str]:
    return _granted(user, "pool.reinstate", NO("Only the pool committee reinstates a bank."))


@rule(Organisation, "read_notices")
def _notices(user: User, org, _action: str) -> tuple[bool, str]:
    if may(user.role, "pool.read") or (user.org_id is not None and user.org_id == org.id):
        return True, ""
    return False, NO("You cannot see this institution's notices.")


@rule(SubsidyClaim, "read")
def _subsidy_read(user: User, claim, _action: str) -> tuple[bool, str]:
    if may(user.role, "pool.subsidies") or may(user.role, "pool.read"):
        return True, ""
    if user.enterprise_id is not None and user.enterprise_id == claim.enterprise_id:
        return True, ""
    return False, NO("You cannot see this subsidy request.")


@rule(SubsidyClaim, "decide", "list")
def _subsidy_decide(user: User, _claim, _action: str) -> tuple[bool, str]:
    return _granted(user, "pool.subsidies",
                    NO("Only the pool administrator decides subsidy requests."))


FILTERS[LedgerEntry] = lambda user: true() if may(user.role, "pool.read") else false()
FILTERS[Claim] = lambda user: true() if may(user.role, "pool.read") else exists().where(
    Application.id == Claim.application_id, access.visibility_clause(user))
FILTERS[SubsidyClaim] = lambda user: (
    true() if may(user.role, "pool.subsidies") or may(user.role, "pool.read")
    else SubsidyClaim.enterprise_id == user.enterprise_id if user.enterprise_id is not None
    else false())
