"""The authorization map's rules for the policy table, the audit and the security log,
accounts, institutions, organisations' webhooks, the firm's page and its changes of
identity (``talentfin.rulebook`` asks them)."""

from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import select
from sqlalchemy import true

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.institutions import supervising_staff
from talentfin.models import Application
from talentfin.models import AuditSignOff
from talentfin.models import Enterprise
from talentfin.models import IdentityChange
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models import SecurityEvent
from talentfin.models import User
from talentfin.models import WebhookSubscription
from talentfin.rulebook import ACCOUNTS
from talentfin.rulebook import FILTERS
from talentfin.rulebook import NO
from talentfin.rulebook import ORG_WEBHOOKS
from talentfin.rulebook import granted as _granted
from talentfin.rulebook import rule
from talentfin.workflows import access
from talentfin.workflows.registry import products_with_role

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


@rule(SecurityEvent, "read", "export")
def _security_log(user: User, _obj, _action: str) -> tuple[bool, str]:
    return _granted(user, "security_log.read",
                    NO("Only auditors and the administrator read the security log."))


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


@rule(IdentityChange, "decide")
def _identity_change(user: User, change, _action: str) -> tuple[bool, str]:
    """A company's change of identity: its park's reviewers decide it. The class: the
    changes waiting for the user's park."""
    if may(user.role, "identity.decide") and user.org_id is not None and (
            isinstance(change, type) or change.enterprise.park_id == user.org_id):
        return True, ""
    return False, NO("The company's park decides the change.")


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
