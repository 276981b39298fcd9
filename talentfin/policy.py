"""Authorization: who may see and do what, for every object type. One map, one question.

``can(user, action, obj)`` returns ``(allowed, reason)`` for an object (an application, a
document, a dossier, a ledger entry, a claim, a policy proposal, a subsidy request, a
sign-off, an account, an institution) or for a kind of them (the class itself, to list or
create); ``visible(user, model)`` is the SQL condition selecting the rows of ``model``
the user may read, derived from the same rules. Views, services and (later) the JSON API
ask here; the engine asks ``workflows.access``, whose rules this map holds for
applications. Rules check permissions (``talentfin.institutions``) and the object's own
ties (the firm, the organisation), never a role by name.
"""

from collections.abc import Callable

from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import not_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.institutions import supervising_staff
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import AuditSignOff
from talentfin.models import Dossier
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.models import WebhookSubscription
from talentfin.pool.models import Claim
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import PoolStatement
from talentfin.pool.models import SubsidyClaim
from talentfin.pool.subsidies import may_ask
from talentfin.workflows import access
from talentfin.workflows.registry import products_with_role


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


def _granted(user: User, permission: str, reason: str) -> tuple[bool, str]:
    return (True, "") if may(user.role, permission) else (False, reason)


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


# --- the policy table, the audit, accounts and institutions ---------------------------------

@rule(PolicyParameter, "read")
def _policy_read(user: User, _row, _action: str) -> tuple[bool, str]:
    return _granted(user, "policy.read", NO("You cannot see the policy table."))


@rule(PolicyParameter, "propose")
def _policy_propose(user: User, _row, _action: str) -> tuple[bool, str]:
    return _granted(user, "policy.propose",
                    NO("Only the pool administrator proposes policy changes."))


@rule(PolicyParameter, "decide")
def _policy_decide(user: User, proposal, _action: str) -> tuple[bool, str]:
    allowed_, reason = _granted(user, "policy.decide",
                                NO("Only the pool committee decides policy changes."))
    if allowed_ and not isinstance(proposal, type) and proposal.created_by_id == user.id:
        return False, NO("You proposed this change; another person must decide it.")
    return allowed_, reason


FILTERS[PolicyParameter] = lambda user: true() if may(user.role, "policy.read") else false()


@rule(AuditSignOff, "read")
def _audit_read(user: User, _obj, _action: str) -> tuple[bool, str]:
    return _granted(user, "pool.read", NO("Only the pool and auditors see the audit page."))


@rule(AuditSignOff, "sign")
def _audit_sign(user: User, _obj, _action: str) -> tuple[bool, str]:
    return _granted(user, "audit.sign", NO("Only an auditor signs off."))


FILTERS[AuditSignOff] = lambda user: true() if may(user.role, "pool.read") else false()


@rule(User, "manage")
@rule(Organisation, "manage")
@rule(ACCOUNTS, "manage")
def _manage(user: User, _obj, _action: str) -> tuple[bool, str]:
    return _granted(user, "accounts.manage", NO("Only the administrator manages accounts."))


def _supervises_in_an_organisation(user: User) -> bool:
    return supervising_staff(user.role) and user.org_id is not None


@rule(ORG_WEBHOOKS, "read")
def _org_webhooks(user: User, _area, _action: str) -> tuple[bool, str]:
    """An organisation's supervising staff (its approvers, its committees) read its
    webhooks' deliveries."""
    if _supervises_in_an_organisation(user):
        return True, ""
    return False, NO("Only an organisation's approvers read its webhooks.")


@rule(WebhookSubscription, "read")
@rule(WebhookSubscription, "resend")
def _webhook(user: User, subscription, _action: str) -> tuple[bool, str]:
    """The administrator, and the subscribing organisation's supervising staff, read a
    webhook's deliveries and send one again."""
    if may(user.role, "accounts.manage") or (
            _supervises_in_an_organisation(user) and user.org_id == subscription.org_id):
        return True, ""
    return False, NO("Only the administrator and the organisation's approvers read its "
                     "webhooks.")


@rule(Enterprise, "edit")
def _company(user: User, enterprise, _action: str) -> tuple[bool, str]:
    if user.role == FOUNDER and user.enterprise_id == enterprise.id:
        return True, ""
    return False, NO("Only the firm's founder keeps its profile.")


def can_list_firms(role: str) -> bool:
    """Whether a role lists firms: staff who see files (on some product's route, or all)."""
    return role != FOUNDER and (may(role, "applications.read_all")
                                or bool(products_with_role(role)))


@rule(Enterprise, "view_firm")
def _firm(user: User, enterprise, _action: str) -> tuple[bool, str]:
    """The firm's page: its founder; staff who see one of its files (each figure is then
    made of the files they see). The class: the list of firms, for staff who see files."""
    if isinstance(enterprise, type):
        if can_list_firms(user.role):
            return True, ""
        return False, NO("Only the programme's staff list firms.")
    if user.role == FOUNDER:
        if user.enterprise_id == enterprise.id:
            return True, ""
        return False, NO("You see only your own firm.")
    if db.session.scalar(select(Application.id).where(
            Application.enterprise_id == enterprise.id, access.visibility_clause(user))
            .limit(1)) is not None:
        return True, ""
    return False, NO("None of this firm's files is yours to see.")


FILTERS[Enterprise] = lambda user: exists().where(
    Application.enterprise_id == Enterprise.id, access.visibility_clause(user))


@rule(User, "change_password")
def _own_password(user: User, account, _action: str) -> tuple[bool, str]:
    if account.id == user.id:
        return True, ""
    return False, NO("You change only your own password.")


FILTERS[User] = lambda user: true() if may(user.role, "accounts.manage") else User.id == user.id
