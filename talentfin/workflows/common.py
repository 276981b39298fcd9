"""Guards and effects of the common route, which every product's definition uses.

Submission to the park, the park's and the partner's requests for information, the
resubmission, routing to the partner and the expiry of an unanswered request. Nothing here
names a product or a state: what differs between products (its documents, its own fields
in the snapshot) comes from the product's registration.
"""

from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import TransitionLog
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.workdays import add_working_days
from talentfin.workflows.context import FireContext
from talentfin.workflows.labels import document_label
from talentfin.workflows.registry import product_for
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Transition

PARK = "park_reviewer"  # the park's role: every route starts with its review

# Built once: the engine runs them inside firings.
_CURRENT_KINDS = select(Attachment.kind).where(
    Attachment.application_id == bindparam("application_id"), Attachment.superseded_at.is_(None))
_CURRENT_FILES = (
    select(Attachment.kind, Attachment.original_name, Attachment.sha256)
    .where(Attachment.application_id == bindparam("application_id"),
           Attachment.superseded_at.is_(None))
    .order_by(Attachment.kind)
)


def missing_documents(application: Application) -> list[str]:
    """Keys of the required documents not uploaded yet, in the product's order."""
    present = set(db.session.scalars(_CURRENT_KINDS, {"application_id": application.id}))
    return [key for key in product_for(application.product).required_documents
            if key not in present]


def attachments_complete(ctx: FireContext) -> str | None:
    """Every required document is uploaded."""
    missing = missing_documents(ctx.application)
    if missing:
        names = ", ".join(document_label(ctx.application.product, key) for key in missing)
        return _("Please upload the required documents: %(names)s.", names=names)
    return None


def comment_given(ctx: FireContext) -> str | None:
    """A reason is written down."""
    if not ctx.comment.strip():
        return _("Please give a reason.")
    return None


def names_what_to_fix(ctx: FireContext) -> str | None:
    """A request for information names at least one field or document, and only the
    application's own documents (another party's papers are never the founder's)."""
    documents = ctx.data.get("documents") or []
    if not ctx.data.get("fields") and not documents:
        return _("Name at least one field or document the founder must fix.")
    own = {d.key for d in product_for(ctx.application.product).founder_documents}
    if any(kind not in own for kind in documents):
        return _("Ask only for the application's own documents: %(names)s.",
                 names=", ".join(document_label(ctx.application.product, k) for k in sorted(own)))
    return None


def info_requested_at(application: Application) -> datetime | None:
    """When the open request for information was made (the log row that gave the founder
    the file back)."""
    holds = product_for(application.product).workflow.founder_holds
    return db.session.scalar(
        select(func.max(TransitionLog.created_at)).where(
            TransitionLog.application_id == application.id, TransitionLog.to_state.in_(holds))
    )


def missing_replacements(application: Application) -> list[str]:
    """Kinds of the documents the open request for information names that have no upload
    newer than the request, in the order the reviewer named them (empty: all replaced)."""
    asked = list((application.info_request or {}).get("documents") or [])
    if not asked:
        return []
    requested_at = info_requested_at(application)
    replaced = set(db.session.scalars(
        select(Attachment.kind).where(
            Attachment.application_id == application.id, Attachment.kind.in_(asked),
            Attachment.superseded_at.is_(None), Attachment.uploaded_at > requested_at)
    )) if requested_at is not None else set()
    return [kind for kind in asked if kind not in replaced]


def replacement_problem(application: Application) -> str | None:
    """The refusal of a resubmission whose requested documents were not replaced, or None."""
    missing = missing_replacements(application)
    if not missing:
        return None
    return _("Upload a new version of each document you were asked to replace: %(names)s. "
             "The files uploaded before the request do not count.",
             names=", ".join(document_label(application.product, kind) for kind in missing))


def requested_documents_replaced(ctx: FireContext) -> str | None:
    """Each document the request for information named has a newer upload than the request."""
    return replacement_problem(ctx.application)


def info_request_expired(ctx: FireContext) -> str | None:
    """An unanswered request for information expires after its working days (policy)."""
    days = int_parameter("info_request_expiry_working_days", ctx.today)
    if add_working_days(business_date(ctx.application.status_changed_at), days) < ctx.today:
        return None
    return _("The request for information is still open.")


def application_snapshot(application: Application) -> dict:
    """The founder-editable data of an application, to compare resubmissions with."""
    enterprise = application.enterprise
    talent = enterprise.talent
    attachments = db.session.execute(_CURRENT_FILES, {"application_id": application.id}).all()
    own = product_for(application.product).hooks.get("snapshot")
    return {
        "requested_amount_fen": application.requested_amount_fen,
        "purpose": application.purpose,
        "details": dict(application.details or {}),
        **(own(application) if own else {}),
        "enterprise": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "founded_on": enterprise.founded_on.isoformat() if enterprise.founded_on else None,
            "address": enterprise.address,
            "industry": enterprise.industry,
            "employees": enterprise.employees,
        },
        "talent": {
            "tier": talent.tier,
            "certificate_no": talent.certificate_no,
            "issuer": talent.issuer,
            "valid_until": talent.valid_until.isoformat(),
            "equity_bp": talent.equity_bp,
        } if talent else None,
        "attachments": {kind: {"name": name, "sha256": digest}
                        for kind, name, digest in attachments},
    }


def route_to_park(ctx: FireContext) -> None:
    """A submission to the park: the park and the tier it checks are the profile's now.

    A resubmission straight to the partner keeps what the park checked, whatever the
    profile says meanwhile (that transition does not name this effect).
    """
    app = ctx.application
    app.park_id = app.enterprise.park_id
    app.talent_tier = app.enterprise.talent.tier if app.enterprise.talent else None


def mark_submitted(ctx: FireContext) -> None:
    """Stamp the submission (and the company's identity it is made on, the first time),
    keep a snapshot to compare the next one with."""
    app = ctx.application
    app.submitted_at = app.submitted_at or utcnow()
    if app.firm_name is None:
        app.firm_name, app.firm_uscc = app.enterprise.name, app.enterprise.uscc
    ctx.data["previous_snapshot"] = app.submitted_snapshot
    app.submitted_snapshot = application_snapshot(app)
    ctx.data["snapshot"] = app.submitted_snapshot
    app.info_request = None


def route_to_partner(ctx: FireContext) -> None:
    """The park recommended: the partner institution sees the application from now on."""
    ctx.application.partner_routed_at = utcnow()


def record_info_request(ctx: FireContext) -> None:
    """Remember which fields and documents the founder must fix."""
    ctx.application.info_request = {
        "fields": list(ctx.data.get("fields", [])),
        "documents": list(ctx.data.get("documents", [])),
        "note": ctx.comment,
        "by_role": ctx.actor_role,
    }


def park_route(partner_state: str, submission: tuple, partner_guard, *, submit_label,
               recommend_label, on_submit: tuple = ()) -> tuple[Transition, ...]:
    """The common route's first part, the same in every product: the founder submits (the
    ``submission`` guards, ``partner_guard`` last: the chosen partner still takes
    applications), the park recommends the file to the partner (its queue state
    ``partner_state``), asks for information or rejects it, and the founder resubmits.
    ``on_submit`` are the product's own effects of a (re)submission."""
    submitted = (route_to_park, mark_submitted, *on_submit)
    return (
        Transition("submit", ("draft",), "park_review", (FOUNDER,), submit_label,
                   guards=submission, effects=submitted, dossier="application_form",
                   style="success", submits=True),
        Transition("park_approve", ("park_review",), partner_state, (PARK,), recommend_label,
                   guards=(partner_guard,), effects=(route_to_partner,), form="decision",
                   dossier="park_opinion", decides=True, style="success"),
        Transition("park_request_info", ("park_review",), "info_requested", (PARK,),
                   _l("Request information"), guards=(names_what_to_fix,),
                   effects=(record_info_request,), form="info_request", style="secondary"),
        Transition("park_reject", ("park_review",), "rejected", (PARK,), _l("Reject"),
                   guards=(comment_given,), form="decision", dossier="park_opinion",
                   decides=True, style="danger"),
        Transition("resubmit", ("info_requested",), "park_review", (FOUNDER,), _l("Resubmit"),
                   guards=(attachments_complete, requested_documents_replaced,
                           *submission[1:]),
                   effects=submitted, dossier="application_form", style="success",
                   submits=True),
    )


def partner_info_request(partner: str, sources: tuple[str, ...], back_to: str,
                         roles: tuple[str, ...], resubmit_label,
                         resubmit_guards: tuple = ()) -> tuple[Transition, Transition]:
    """A partner's request for information (``<partner>_request_info``, the founder then
    holds the file in ``<partner>_info_requested``) and the founder's answer
    (``<partner>_resubmit``, back to ``back_to``, with the product's own checks)."""
    asked = f"{partner}_info_requested"
    return (
        Transition(f"{partner}_request_info", sources, asked, roles, _l("Request information"),
                   guards=(names_what_to_fix,), effects=(record_info_request,),
                   form="info_request", style="secondary"),
        Transition(f"{partner}_resubmit", (asked,), back_to, (FOUNDER,), resubmit_label,
                   guards=(attachments_complete, requested_documents_replaced,
                           *resubmit_guards),
                   effects=(mark_submitted,), dossier="application_form", style="success",
                   submits=True),
    )


def withdrawal(open_states: tuple[str, ...], label=None, effects: tuple = ()) -> Transition:
    """The founder withdraws the application while it is open."""
    return Transition("withdraw", open_states, "withdrawn", (FOUNDER,),
                      label or _l("Withdraw the application"), effects=effects,
                      form="decision", style="danger")


def expiry(partner: str) -> Transition:
    """The scheduler ends an application whose founder did not answer a request for
    information (the park's or the partner's) in time."""
    return Transition("expire", ("info_requested", f"{partner}_info_requested"), "expired",
                      (SYSTEM,), _l("Expire (no answer in time)"),
                      guards=(info_request_expired,), job="expire_info_requests")
