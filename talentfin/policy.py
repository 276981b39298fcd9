"""Authorization: who may see and do what, per object. Views and the engine both ask here.

``can(user, action, application)`` returns ``(allowed, reason)``. A user sees an
application only if the role is on the application's route and the user's organisation is
the one the application is routed to; founders see their own enterprise's applications.
"""

from sqlalchemy import false

from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows.registry import workflow_for

READ_ALL_ROLES = ("auditor",)
POOL_ROLES = ("pool_admin", "pool_committee")


def route_roles(product: str) -> set[str]:
    """Every role that fires some transition of the product's workflow."""
    return {role for t in workflow_for(product).transitions for role in t.roles}


def visibility_clause(user: User):
    """A SQL condition selecting the applications this user may see."""
    role = user.role
    if role == "founder":
        return Application.enterprise_id == user.enterprise_id if user.enterprise_id else false()
    if role in READ_ALL_ROLES:
        return Application.submitted_at.is_not(None)
    if role == "park_reviewer":
        return (Application.park_id == user.org_id) & Application.submitted_at.is_not(None)
    if role in ("bank_officer", "bank_approver"):
        return (Application.product == "loan") & (Application.partner_org_id == user.org_id) & (
            Application.partner_routed_at.is_not(None)
        )
    if role in POOL_ROLES:
        return (Application.product == "loan") & Application.disbursed_on.is_not(None)
    return false()


def can_view(user: User, application: Application) -> bool:
    """Whether the user may see this application, its files and its dossiers."""
    if user is None or not user.is_authenticated:
        return False
    role = user.role
    if role == "founder":
        return user.enterprise_id is not None and application.enterprise_id == user.enterprise_id
    if role in READ_ALL_ROLES:
        return application.submitted_at is not None
    if role not in route_roles(application.product):
        return False
    if role == "park_reviewer":
        return application.park_id == user.org_id and application.submitted_at is not None
    if role in ("bank_officer", "bank_approver"):
        return (application.partner_org_id == user.org_id
                and application.partner_routed_at is not None)
    if role in POOL_ROLES:
        return application.disbursed_on is not None
    return False


def can(user: User, action: str, application: Application) -> tuple[bool, str]:
    """Whether the user may do an action on an application, and why not."""
    if not can_view(user, application):
        return False, _("You cannot see this application.")
    if action == "view":
        return True, ""
    if action in ("edit", "upload"):
        workflow = workflow_for(application.product)
        if user.role != "founder":
            return False, _("Only the founder edits an application.")
        if application.status not in workflow.founder_holds:
            return False, _("The application cannot be changed in its present state.")
        return True, ""
    if action == "upload_claim_documents":
        if user.role not in ("bank_officer", "bank_approver"):
            return False, _("Only the bank uploads claim documents.")
        if application.status not in ("npl",):
            return False, _("Claim documents are uploaded while the loan is non-performing.")
        return True, ""
    if action in ("claim", "release"):
        return _can_claim(user, application)
    if action.startswith("fire:"):
        return _can_fire(user, action.removeprefix("fire:"), application)
    return False, _("Unknown action.")


def _can_fire(user: User, trigger: str, application: Application) -> tuple[bool, str]:
    transition = workflow_for(application.product).transition(trigger)
    if transition is None:
        return False, _("Unknown action.")
    if user.role not in transition.roles:
        return False, _("Your role may not do this.")
    if application.status not in transition.sources:
        return False, _("This cannot be done while the application is in its present state.")
    if (application.claimed_by_id not in (None, user.id)) and user.role != "founder":
        return False, _("A colleague has claimed this application.")
    return True, ""


def _can_claim(user: User, application: Application) -> tuple[bool, str]:
    workflow = workflow_for(application.product)
    actionable = any(user.role in t.roles for t in workflow.triggers_from(application.status))
    if user.role == "founder" or not actionable:
        return False, _("There is nothing for you to do on this application now.")
    return True, ""



__all__ = ["can", "can_view", "route_roles", "visibility_clause"]
