"""Applications: the founder's multi-step form, the detail page, firing transitions, files."""

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import send_file
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.application import LoanRequestForm
from talentfin.forms.application import UploadForm
from talentfin.forms.decisions import form_for
from talentfin.i18n import _
from talentfin.labels import ATTACHMENTS
from talentfin.labels import state_label
from talentfin.labels import trigger_label
from talentfin.models import ATTACHMENT_KINDS
from talentfin.models import REQUIRED_LOAN_ATTACHMENTS
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.money import format_fen
from talentfin.services import applications as service
from talentfin.services import dossiers
from talentfin.services import servicing
from talentfin.services import subsidies
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import attachment_path
from talentfin.services.uploads import readable_size
from talentfin.services.uploads import save_attachment
from talentfin.views.access import require
from talentfin.views.access import visible_application_or_404
from talentfin.workflows import engine
from talentfin.workflows.guards import eligibility_problems
from talentfin.workflows.registry import workflow_for

bp = Blueprint("applications", __name__, url_prefix="/applications")

STEPS = ("company", "request", "documents", "review")
SUBMIT_TRIGGERS = ("submit", "resubmit", "bank_resubmit")


@bp.get("/")
@login_required
def mine():
    """The founder's applications."""
    if current_user.role != "founder":
        return redirect(url_for("queue.index"))
    items = []
    if current_user.enterprise_id:
        items = db.session.scalars(
            select(Application).where(Application.enterprise_id == current_user.enterprise_id)
            .order_by(Application.id.desc())
        ).all()
    return render_template("applications/mine.html", items=items,
                           enterprise=current_user.enterprise)


@bp.post("/new")
@login_required
def new():
    """Start a draft talent-loan application."""
    if current_user.role != "founder":
        abort(404)
    try:
        application = service.start_loan_application(current_user)
    except service.ProfileIncomplete as exc:
        flash(str(exc), "warning")
        return redirect(url_for(f"profile.{exc.page}"))
    return redirect(url_for("applications.edit", application_id=application.id, step="request"))


def _editable_or_404(application_id: int) -> Application:
    application = visible_application_or_404(application_id)
    allowed, reason = _can_edit(application)
    if not allowed:
        flash(reason, "warning")
        abort(redirect(url_for("applications.detail", application_id=application.id)))
    return application


def _can_edit(application: Application) -> tuple[bool, str]:
    from talentfin import policy

    return policy.can(current_user, "edit", application)


@bp.route("/<int:application_id>/edit/<step>", methods=["GET", "POST"])
@login_required
def edit(application_id: int, step: str):
    """One step of the founder's form; every step saves the draft."""
    if step not in STEPS:
        abort(404)
    application = _editable_or_404(application_id)
    context = {"application": application, "steps": STEPS, "step": step}
    if step == "company":
        incomplete = service.profile_problem(current_user)
        context["problems"] = ([str(incomplete)] if incomplete else []) + eligibility_problems(
            application, _today())
        return render_template("applications/step_company.html", **context)
    if step == "request":
        return _request_step(application, context)
    if step == "documents":
        return _documents_step(application, context)
    context["attachments"] = service.current_attachments(application)
    context["submit_trigger"] = next(
        (t.trigger for t in engine.available_actions(current_user, application)
         if t.trigger in SUBMIT_TRIGGERS), None)
    context["problems"] = service.submission_problems(
        application, current_user, context["submit_trigger"] or "submit", _today())
    context["bank_problem"] = service.bank_problem(application, str(get_locale()))
    return render_template("applications/step_review.html", **context)


def _today():
    return business_today()


def _request_step(application: Application, context: dict):
    form = LoanRequestForm(obj=None)
    banks = service.partner_banks()
    if not service.bank_choice_open(application) and application.partner is not None:
        # The bank already reviews it (and asked for more): answering cannot change banks.
        banks = [application.partner]
    form.partner_org_id.choices = [(b.id, b.display_name(current_user.locale)) for b in banks]
    context["bank_problem"] = service.bank_problem(application, str(get_locale()))
    limit = service.tier_limit(application, _today())
    if limit is not None:
        form.requested_amount.description = _(
            "Your talent tier %(tier)s allows at most %(limit)s yuan.",
            tier=limit[0], limit=format_fen(limit[1]))
    if not form.is_submitted():
        details = application.details or {}
        if context["bank_problem"] is None:
            form.partner_org_id.data = application.partner_org_id
        form.requested_amount.data = application.requested_amount_fen
        form.requested_term_months.data = application.requested_term_months or 12
        form.purpose.data = application.purpose
        form.annual_revenue.data = details.get("annual_revenue_fen")
        form.net_profit.data = details.get("net_profit_fen")
        form.employees.data = details.get("employees")
    if form.validate_on_submit():
        try:
            service.save_loan_request(application, {
                "partner_org_id": form.partner_org_id.data,
                "requested_amount_fen": form.requested_amount.data,
                "requested_term_months": form.requested_term_months.data,
                "purpose": form.purpose.data.strip(),
                "annual_revenue_fen": form.annual_revenue.data,
                "net_profit_fen": form.net_profit.data,
                "employees": form.employees.data,
            })
        except service.ApplicationError as exc:
            form.partner_org_id.errors = [str(exc)]
        else:
            if limit is not None and form.requested_amount.data > limit[1]:
                # Saved (a draft may hold anything), but the founder learns it now.
                flash(_("Saved. The amount is over the tier %(tier)s limit of %(limit)s yuan; "
                        "lower it, or the application cannot be submitted.",
                        tier=limit[0], limit=format_fen(limit[1])), "warning")
                return redirect(url_for("applications.edit", application_id=application.id,
                                        step="request"))
            flash(_("Saved."), "success")
            return redirect(url_for("applications.edit", application_id=application.id,
                                    step="documents"))
    elif not form.is_submitted() and limit is not None \
            and (application.requested_amount_fen or 0) > limit[1]:
        form.requested_amount.errors = [_(
            "The amount is over the tier %(tier)s limit of %(limit)s yuan.",
            tier=limit[0], limit=format_fen(limit[1]))]
    status = 422 if form.is_submitted() else 200
    return render_template("applications/step_request.html", form=form, **context), status


def _document_choices() -> list[tuple[str, str]]:
    """The application's own document kinds (never the bank's claim documents)."""
    return [(kind, ATTACHMENTS[kind]) for kind in ATTACHMENT_KINDS]


def _limit_document_choices(form) -> None:
    """A request for information may name only the application's own documents."""
    if form is not None and hasattr(form, "documents"):
        form.documents.choices = _document_choices()


def _missing_documents(application: Application) -> list[str]:
    present = {a.kind for a in service.current_attachments(application)}
    return [kind for kind in REQUIRED_LOAN_ATTACHMENTS if kind not in present]


def _documents_step(application: Application, context: dict):
    form = UploadForm()
    form.kind.choices = _document_choices()
    status = 200
    if form.is_submitted():
        if form.validate():
            try:
                save_attachment(application, form.kind.data, form.file.data, current_user)
            except UploadRefused as exc:
                form.file.errors = [str(exc)]
                status = 422
            else:
                flash(_("The document is uploaded."), "success")
                return redirect(url_for("applications.edit", application_id=application.id,
                                        step="documents"))
        else:
            status = 422
    elif _missing_documents(application):
        form.kind.data = _missing_documents(application)[0]
    context["attachments"] = service.current_attachments(application)
    context["missing"] = _missing_documents(application)
    context["upload_limit"] = readable_size(current_app.config["UPLOAD_MAX_BYTES"])
    return render_template("applications/step_documents.html", form=form, **context), status


@bp.get("/<int:application_id>")
@login_required
def detail(application_id: int):
    """Everything about one application and the actions the user may take now."""
    application = visible_application_or_404(application_id)
    return _render_detail(application)


def _render_detail(application: Application, failed_trigger: str | None = None,
                   failed_form=None, status: int = 200):
    actions = []
    for transition in engine.available_actions(current_user, application):
        if transition.trigger in SUBMIT_TRIGGERS:
            continue  # the founder submits from the review step
        if failed_trigger == transition.trigger:
            form = failed_form
        else:
            form = form_for(transition.form, prefix=transition.trigger, formdata=None)
            _prefill(form, application)
        _limit_document_choices(form)
        actions.append((transition, form))
    logs = service.history(application)
    changes = {log.id: service.resubmission_changes(log) for log in logs
               if log.trigger in SUBMIT_TRIGGERS}
    return render_template(
        "applications/detail.html", application=application, actions=actions, logs=logs,
        changes=changes, attachments=service.current_attachments(application),
        dossiers=dossiers.dossiers_for(application),
        workflow=workflow_for(application.product),
        can_edit=_can_edit(application)[0],
        can_claim=_claimable(application),
        record=servicing.loan_record(application),
        claim_document_form=_claim_document_form(application),
        subsidy_claims=subsidies.for_application(application),
        can_request_subsidy=(current_user.role == "founder"
                             and application.status in subsidies.ELIGIBLE_STATES),
        subsidy_year=business_today().year,
        next_step=_next_step(application),
        unreplaced=service.missing_replacements(application),
    ), status


def _next_step(application: Application) -> str:
    """What happens next, addressed to the one who must act when that is the reader."""
    workflow = workflow_for(application.product)
    if application.status not in workflow.founder_holds:
        return _("Next: waiting in “%(state)s”", state=state_label(application.status))
    if current_user.role != "founder":
        return _("Next: waiting for the founder to answer.")
    if application.status == "draft":
        return _("Next: complete the form and submit the application.")
    return _("Next: fix the fields and documents named under “Please fix”, then resubmit "
             "the application (Edit and submit).")


def _claim_document_form(application: Application):
    from talentfin import policy
    from talentfin.views.servicing import ClaimDocumentForm

    if policy.can(current_user, "upload_claim_documents", application)[0]:
        return ClaimDocumentForm(formdata=None)
    return None


def _claimable(application: Application) -> bool:
    from talentfin import policy

    return policy.can(current_user, "claim", application)[0]


def _prefill(form, application: Application) -> None:
    if hasattr(form, "term_months") and application.requested_term_months:
        form.term_months.data = (application.recommended_term_months
                                 or application.requested_term_months)
    if form.__class__.__name__ == "RecommendationForm":
        form.amount.data = application.recommended_amount_fen or application.requested_amount_fen
        form.rate.data = application.recommended_rate_bp
    if form.__class__.__name__ == "DisbursementForm":
        form.amount.data = application.recommended_amount_fen


@bp.post("/<int:application_id>/fire/<trigger>")
@login_required
def fire(application_id: int, trigger: str):
    """Fire one transition with its form; refusals keep what the user typed."""
    application = visible_application_or_404(application_id)
    transition = workflow_for(application.product).transition(trigger)
    if transition is None:
        abort(404)
    form = form_for(transition.form, prefix=trigger)
    _limit_document_choices(form)
    try:
        # Who and when first: someone who may not act gets 403/409, never form errors.
        engine.authorize(application, transition, current_user)
        if not form.validate_on_submit():
            flash(_("Please correct the marked fields."), "danger")
            return _render_detail(application, trigger, form, 422)
        engine.fire(application, trigger, current_user,
                    comment=form.comment.data or "", data=form.engine_data())
    except engine.Conflict as exc:
        abort(409, exc.message)
    except engine.Forbidden as exc:
        abort(403, exc.message)
    except engine.Refused as exc:
        flash(exc.message, "danger")
        if trigger in SUBMIT_TRIGGERS:
            return redirect(url_for("applications.edit", application_id=application.id,
                                    step="review"))
        db.session.refresh(application)
        return _render_detail(application, trigger, form, 422)
    flash(_("Done: %(action)s.", action=trigger_label(trigger)), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.post("/<int:application_id>/claim")
@login_required
def claim(application_id: int):
    """Take an item from the queue so colleagues see who works on it."""
    application = visible_application_or_404(application_id)
    require("claim", application)
    if service.claim(application, current_user):
        flash(_("You have claimed this application."), "success")
    else:
        flash(_("A colleague has claimed this application already."), "warning")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.post("/<int:application_id>/release")
@login_required
def release(application_id: int):
    """Give a claimed item back to the queue."""
    application = visible_application_or_404(application_id)
    if application.claimed_by_id != current_user.id:
        abort(403, _("Only the colleague who claimed this application can release it."))
    service.release(application, current_user)
    flash(_("The application is back in the queue."), "info")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.get("/<int:application_id>/files/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int):
    """Download an uploaded document (after the per-object check)."""
    application = visible_application_or_404(application_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.application_id != application.id:
        abort(404)
    return send_file(attachment_path(item), mimetype=item.content_type, as_attachment=True,
                     download_name=item.original_name)


@bp.get("/<int:application_id>/dossiers/<int:dossier_id>")
@login_required
def dossier(application_id: int, dossier_id: int):
    """Download a rendered dossier (after the per-object check)."""
    application = visible_application_or_404(application_id)
    item = db.session.get(Dossier, dossier_id)
    if item is None or item.application_id != application.id or item.status != "ready":
        abort(404)
    if not dossiers.dossier_path(item).is_file():
        abort(404)
    return send_file(dossiers.dossier_path(item), mimetype="application/pdf",
                     as_attachment=True, download_name=item.file_name)
