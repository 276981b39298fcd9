"""Who may see and do what on an application: the rules ``talentfin.policy`` maps for it.

A user sees an application only if their role is on the product's route and their
organisation is the one the application names for that role's kind (``Product.parties``),
from the moment the file reached it; founders see their own firm's applications; a role
with ``applications.read_all`` (the auditor) sees every submitted one. The engine asks here
before every firing; the same rule, as SQL, filters every list (``visibility_clause``).
"""

from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.i18n import _
from talentfin.i18n import list_separator
from talentfin.institutions import FOUNDER
from talentfin.institutions import ROLES
from talentfin.institutions import kind_of
from talentfin.institutions import may
from talentfin.institutions import role_label
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows.registry import product_for
from talentfin.workflows.registry import products
from talentfin.workflows.registry import products_with_role
from talentfin.workflows.registry import roles_on_route
from talentfin.workflows.spec import Party

READ_ALL = "applications.read_all"


def _party(product: str, role: str) -> Party | None:
    return product_for(product).parties.get(kind_of(role) or "")


def named_organisation(application: Application, role: str) -> tuple[bool, int | None]:
    """The organisation whose staff of ``role`` work this application: (named, id).

    ``named`` is False when the role's kind has one organisation in the programme (the
    pool): every active colleague of the role is meant, whatever their organisation.
    """
    party = _party(application.product, role)
    if party is None or party.org_column is None:
        return False, None
    return True, getattr(application, party.org_column)


def can_view(user: User | None, application: Application) -> bool:
    """Whether the user may see this application, its files and its dossiers."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == FOUNDER:
        return user.enterprise_id is not None and application.enterprise_id == user.enterprise_id
    if may(user.role, READ_ALL):
        return application.submitted_at is not None
    if user.role not in roles_on_route(application.product):
        return False
    party = _party(application.product, user.role)
    if party is None:
        return False
    if party.org_column and getattr(application, party.org_column) != user.org_id:
        return False
    return getattr(application, party.since) is not None


def comment_visible(user: User, application: Application, log) -> bool:
    """Whether the user reads a transition's comment: an internal note (an officer's to
    their approver) is read in the institution that wrote it and by those who read every
    application; any other comment by all who see the application."""
    if not log.comment:
        return False
    step = product_for(application.product).workflow.transition(log.trigger)
    if not (step and step.internal) or may(user.role, READ_ALL):
        return True
    return bool(log.actor and log.actor.org_id and log.actor.org_id == user.org_id)


def visibility_clause(user):
    """A SQL condition selecting the applications this user may see.

    ``user`` may stand in with bound parameters for its ids (the queue builds one
    statement per query shape). Every condition names the product first after the
    organisation, as the queue indexes do (organisation, product, status, waiting since).
    """
    role = user.role
    if role == FOUNDER:
        return Application.enterprise_id == user.enterprise_id if user.enterprise_id \
            is not None else false()
    if may(role, READ_ALL):
        return Application.submitted_at.is_not(None)
    # Products whose party is named by the same columns share one condition (the pool's
    # loans, policies and listings: one ``pool_since IS NOT NULL``, which its partial
    # indexes are for).
    groups: dict[tuple, tuple[Party, list]] = {}
    for product in products_with_role(role):
        party = product.parties.get(kind_of(role) or "")
        if party is not None:
            groups.setdefault((party.org_column, party.since), (party, []))[1].append(product)
    clauses = []
    for party, members in groups.values():
        conditions = [Application.product.in_([p.key for p in members]) if len(members) > 1
                      else Application.product == members[0].key]
        if party.org_column and party.org_column in Application.__table__.c:
            conditions.append(Application.__table__.c[party.org_column] == user.org_id)
        elif party.org_column:  # a column of the products' own table (a bond's issuer)
            conditions.append(or_(*(Application.id.in_(
                select(p.model.__table__.c.id).where(
                    p.model.__table__.c[party.org_column] == user.org_id))
                for p in members)))
        # The envelope's column (``flask workflows check`` holds every party to it), which
        # the queue indexes cover.
        conditions.append(Application.__table__.c[party.since].is_not(None))
        clauses.append(and_(*conditions))
    return or_(*clauses) if clauses else false()


def can(user: User, action: str, application: Application) -> tuple[bool, str]:
    """Whether the user may do an action on an application, and why not."""
    if not can_view(user, application):
        return False, _("You cannot see this application.")
    if action == "view":
        return True, ""
    if action in ("edit", "upload"):
        return _can_edit(user, application)
    if action == "upload_documents":
        if uploadable_documents(user, application):
            return True, ""
        return False, _("There is no document for you to upload on this application now.")
    if action == "claim":
        return _can_claim(user, application)
    if action == "release":
        return _can_release(user, application)
    if action.startswith("fire:"):
        return _can_fire(user, action.removeprefix("fire:"), application)
    return False, _("Unknown action.")


def _can_edit(user: User, application: Application) -> tuple[bool, str]:
    if user.role != FOUNDER:
        return False, _("Only the founder edits an application.")
    workflow = product_for(application.product).workflow
    if application.status not in workflow.founder_holds:
        return False, _("The application cannot be changed in its present state.")
    return True, ""


def may_upload(user: User, application: Application, kind: str) -> tuple[bool, str]:
    """Whether the user may upload a document of this kind now: the founder the
    application's own documents while holding the file, another party its own papers in
    their states (a founder's file never counts as a bank's claim paper, nor the reverse)."""
    document = product_for(application.product).document(kind)
    if document is None:
        return False, _("This kind of document is not part of an application.")
    if user.role == FOUNDER and not document.states:
        if FOUNDER not in document.roles:
            return False, _("This kind of document is not part of an application.")
        return _can_edit(user, application)
    if document in uploadable_documents(user, application):
        return True, ""
    return False, _("There is no document for you to upload on this application now.")


def _reads(user: User, readers: tuple[str, ...]) -> bool:
    return not readers or kind_of(user.role) in readers or may(user.role,
                                                               "applications.read_all")


def may_read_document(user: User, application: Application, kind: str) -> bool:
    """Whether the user, who sees the application, may read its documents of this kind."""
    document = product_for(application.product).document(kind)
    return document is None or _reads(user, document.readers)


def may_read_dossier(user: User, application: Application, stage: str) -> bool:
    """Whether the user, who sees the application, may read its dossier of this stage."""
    kind = product_for(application.product).dossiers.get(stage)
    return kind is None or _reads(user, kind.readers)


def hidden_dossiers(user: User) -> list[tuple[str, str]]:
    """(product, stage) of the dossiers this user may not read where they see the file."""
    return [(p.key, stage) for p in products() for stage, kind in p.dossiers.items()
            if not _reads(user, kind.readers)]


def uploadable_documents(user: User, application: Application) -> list:
    """The documents of a stage this user may upload now (a bank's claim papers, a
    founder's premium invoice); the application's own documents go with the form."""
    return [d for d in product_for(application.product).documents
            if user.role in d.roles and application.status in d.states]


def claim_blocks(user: User, application: Application) -> bool:
    """Whether a colleague's claim holds the application (a claim is one organisation's)."""
    holder = application.claimed_by
    if holder is None or holder.id == user.id or user.role == FOUNDER \
            or holder.org_id != user.org_id:
        return False
    state = product_for(application.product).workflow.state(application.status)
    return state is None or not state.collective


def claim_notice(application: Application, reader: User | None = None) -> str:
    """Who holds the application and how to take it over (to a reader who may release it:
    that they may)."""
    holder = application.claimed_by
    if reader is not None and _can_release(reader, application)[0]:
        return _("%(name)s has claimed this application. You may release the claim to the "
                 "queue.", name=holder.name)
    supervisors = [role.key for role in ROLES.values()
                   if role.supervises and holder.org_id is not None
                   and role.kind == kind_of(holder.role) and role.key != holder.role]
    if supervisors:
        return _("%(name)s has claimed this application. Ask them to release it to the queue, "
                 "or ask %(who)s to release it.", name=holder.name,
                 who=list_separator().join(role_label(key) for key in supervisors))
    return _("%(name)s has claimed this application. Ask them to release it to the queue.",
             name=holder.name)


def _can_fire(user: User, trigger: str, application: Application) -> tuple[bool, str]:
    transition = product_for(application.product).workflow.transition(trigger)
    if transition is None:
        return False, _("Unknown action.")
    if user.role not in transition.roles:
        return False, _("Your role may not do this.")
    if application.status not in transition.sources:
        return False, _("This cannot be done while the application is in its present state.")
    if transition.when is not None and not transition.when(application, user):
        return False, _("This does not apply to this application now.")
    if claim_blocks(user, application):
        return False, claim_notice(application)
    return True, ""


def acts_now(user: User, application: Application) -> bool:
    """Whether the user's role has something to do in the application's present state."""
    workflow = product_for(application.product).workflow
    return any(user.role in t.roles for t in workflow.triggers_from(application.status))


def _can_claim(user: User, application: Application) -> tuple[bool, str]:
    """One claims an item of one's own queue: the state's queue role (``State.actor``), or,
    in a state that is nobody's queue, whoever acts on it (an officer does not claim what
    waits for the approver); nobody claims a committee's item (``State.collective``)."""
    state = product_for(application.product).workflow.state(application.status)
    owner = state.actor if state is not None else None
    if state is not None and state.collective:
        return False, _("The committee's members each vote; nobody claims its items.")
    if user.role == FOUNDER or not acts_now(user, application) \
            or (owner is not None and user.role != owner):
        return False, _("There is nothing for you to do on this application now.")
    return True, ""


def _can_release(user: User, application: Application) -> tuple[bool, str]:
    holder = application.claimed_by
    if holder is None:
        return False, _("Nobody has claimed this application.")
    if holder.id == user.id:
        return True, ""
    role = ROLES.get(user.role)
    if role is not None and role.supervises and user.org_id is not None \
            and holder.org_id == user.org_id:
        return True, ""
    return False, _("Only the colleague who claimed this application, or their approver, "
                    "can release it.")
