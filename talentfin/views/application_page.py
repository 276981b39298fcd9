"""What the application page shows a user: actions, the claim, the timeline, the next step.

Everything is read from the product's registration: which transitions the user may fire
and with which form, who holds the claim and who may take it over, who acts next and
what they do; the product's own part of the page is its template
(``<product>/_detail.html``) fed by its ``page`` hook.
"""

from dataclasses import dataclass

from flask_babel import get_locale
from flask_login import current_user

from talentfin import policy
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.application import UploadForm
from talentfin.forms.decisions import form_for
from talentfin.i18n import _
from talentfin.i18n import either
from talentfin.i18n import list_separator
from talentfin.institutions import kind_label
from talentfin.institutions import may
from talentfin.institutions import role_label
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services import applications as service
from talentfin.services import personal_data
from talentfin.services.dossier_files import dossiers_for
from talentfin.services.resubmissions import resubmission_changes
from talentfin.workflows import access
from talentfin.workflows import engine
from talentfin.workflows.common import missing_replacements
from talentfin.workflows.registry import product_for
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Transition


@dataclass
class Action:
    """An action card: the transition and its form."""

    transition: Transition
    form: object


def actions_for(application: Application, failed_trigger: str | None = None,
                failed_form=None) -> list[Action]:
    """The actions the user may take now, each with its form (the refused one as typed)."""
    actions = []
    for transition in engine.available_actions(current_user, application):
        if transition.submits:
            continue  # the founder submits from the last step of the form
        if failed_trigger == transition.trigger:
            form = failed_form
        else:
            form = form_for(transition.form, application, fresh=True,
                            prefix=transition.trigger, formdata=None)
        actions.append(Action(transition, form))
    return actions


def held_actions(application: Application) -> list[Transition]:
    """The user's actions a colleague's claim holds back (shown with who holds it)."""
    if not access.claim_blocks(current_user, application):
        return []
    workflow = product_for(application.product).workflow
    return [t for t in workflow.triggers_from(application.status)
            if current_user.role in t.roles and not t.submits
            and (t.when is None or t.when(application, current_user))]


def _organisation_name(application: Application, role: str) -> str:
    named, org_id = access.named_organisation(application, role)
    org = db.session.get(Organisation, org_id) if named and org_id else None
    return org.display_name(str(get_locale() or "zh")) if org else ""


def _steps(application: Application,
           user: User | None = None) -> list[tuple[tuple[str, ...], object]]:
    """The steps open now, each (the roles that take it, its label): the state's
    transitions a person takes (shown, ``Transition.when``, to ``user``; None: to anyone),
    then the product's own steps beside them (its ``steps`` hook: a committee's vote), all
    of them or, for a user, those the page offers that user."""
    product = product_for(application.product)
    found = [(tuple(r for r in t.roles if r != SYSTEM), t.label)
             for t in product.workflow.triggers_from(application.status)
             if any(role != SYSTEM for role in t.roles)
             and (t.when is None or t.when(application, user))]
    if (own := product.hooks.get("steps")) is not None:
        found += [((role,), label) for role, label in own(application, user)]
    return found


def _steps_by_who(application: Application) -> list[tuple[tuple[str, ...], list]]:
    """The next steps grouped by who takes them: the state's queue role and its steps (none
    listed when it has none open now: it is still the one to act, never another role's
    step put in its name), or, in a state that is nobody's queue, each group of roles with
    the steps they share."""
    state = product_for(application.product).workflow.state(application.status)
    steps = _steps(application)
    if state.actor:
        return [((state.actor,), [label for roles, label in steps if state.actor in roles])]
    groups: dict[tuple[str, ...], list] = {}
    for roles, label in steps:
        groups.setdefault(roles, []).append(label)
    return list(groups.items())


def _who(application: Application, roles: tuple[str, ...]) -> str:
    names = []
    for role in roles:
        org = _organisation_name(application, role)
        names.append(_("%(role)s of %(org)s", role=role_label(role), org=org) if org
                     else role_label(role))
    return either(names)


def next_step(application: Application) -> str:
    """Who acts next and what they do, addressed to the reader when it is them: the steps
    of the reader's role that the page offers them (a committee member is not told the
    chair's resolution, nobody another role's step)."""
    product = product_for(application.product)
    state = product.workflow.state(application.status)
    if state.founder_holds:
        if current_user.enterprise_id != application.enterprise_id:
            return _("Next: waiting for the founder to answer.")
        if application.status == product.workflow.initial:
            return _("Next: complete the form and submit the application.")
        return _("Next: fix the fields and documents named under “Please fix”, then resubmit "
                 "the application (Edit and submit).")
    groups = _steps_by_who(application)
    role = current_user.role
    mine = []
    if any(role in roles for roles, _labels in groups):
        mine = [label for roles, label in _steps(application, current_user) if role in roles]
    if mine and access.can_view(current_user, application) \
            and not access.claim_blocks(current_user, application):
        return _("Your turn next: %(what)s.", what=either(str(label) for label in mine))
    parts = [_("%(who)s: %(what)s", who=_who(application, roles),
               what=either(str(label) for label in steps)) if steps
             else _who(application, roles) for roles, steps in groups]
    return _("Next: %(steps)s.", steps=list_separator().join(parts))


def _claim_notice(application: Application) -> str:
    """Who holds the item and how to take it over, for a colleague it holds back or one who
    may release it; others (the founder, an auditor) see only who claimed it."""
    if application.claimed_by_id in (None, current_user.id):
        return ""
    if access.claim_blocks(current_user, application) \
            or policy.allowed(current_user, "release", application):
        return access.claim_notice(application, current_user)
    return ""


def page_context(application: Application, actions: list[Action]) -> dict:
    """Everything the application page renders."""
    product = product_for(application.product)
    logs = service.history(application)
    own_page = product.hooks.get("page")
    uploadable = access.uploadable_documents(current_user, application)
    document_form = None
    if uploadable and access.can(current_user, "upload_documents", application)[0]:
        document_form = UploadForm(formdata=None, prefix="document")
        document_form.kind.choices = [(d.key, str(d.label)) for d in uploadable]
    return {
        "application": application, "product": product, "actions": actions,
        "held": (held := held_actions(application)), "logs": logs,
        "reads_all": may(current_user.role, "applications.read_all"),
        # The firm's defaults on any product (a non-performing loan), with a link where the
        # reader may open them.
        "defaults": [(item, access.can_view(current_user, item))
                     for item in service.defaults_of(application.enterprise_id)
                     if item.id != application.id],
        "held_labels": list_separator().join(str(t.label) for t in held),
        "changes": {log.id: resubmission_changes(log, application.product) for log in logs
                    if (t := product.workflow.transition(log.trigger)) and t.submits},
        "attachments": [a for a in service.current_attachments(application)
                        if access.may_read_document(current_user, application, a.kind)],
        "dossiers": [d for d in dossiers_for(application)
                     if access.may_read_dossier(current_user, application, d.stage)],
        "workflow": product.workflow,
        "can_edit": policy.allowed(current_user, "edit", application),
        "can_claim": policy.allowed(current_user, "claim", application),
        "can_release": policy.allowed(current_user, "release", application),
        "claim_notice": _claim_notice(application),
        "document_form": document_form,
        "next_step": next_step(application),
        "unreplaced": missing_replacements(application),
        "can_request_subsidy": policy.allowed(current_user, "request_subsidy", application),
        "subsidy_year": business_today().year,
        "detail_template": f"{application.product}/_detail.html",
        "own": own_page(application, current_user) if own_page else {},
        "partner_kind_label": kind_label(product.partner_kind),
        "may_reveal_identity": personal_data.may_reveal_identity(current_user, application),
        "readable_comments": {log.id for log in logs
                              if access.comment_visible(current_user, application, log)},
        "identity_revealed": False,
    }
