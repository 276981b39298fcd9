"""The founder's form, one step a page: the company, the product's request, the documents,
the review with every reason it cannot be submitted yet. Every step saves the draft.

The request step is the product's own (``REQUEST_STEPS``, filled by its views module);
the others read the product's registration (its documents, its eligibility hook).
"""

from collections.abc import Callable

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user
from flask_login import login_required

from talentfin import policy
from talentfin.clock import business_today
from talentfin.forms.application import UploadForm
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.services import applications as service
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import readable_size
from talentfin.services.uploads import save_attachment
from talentfin.views.access import visible_application_or_404
from talentfin.views.applications import bp
from talentfin.workflows import engine
from talentfin.workflows.access import can_view
from talentfin.workflows.common import missing_documents
from talentfin.workflows.partners import choice_open
from talentfin.workflows.partners import partner_problem
from talentfin.workflows.partners import partners
from talentfin.workflows.registry import product_for

STEPS = ("company", "request", "documents", "review")
# product key -> the view of its request step: (application, context) -> response
REQUEST_STEPS: dict[str, Callable] = {}


def _editable_or_404(application_id: int) -> Application:
    application = visible_application_or_404(application_id)
    allowed, reason = policy.can(current_user, "edit", application)
    if not allowed:
        flash(reason, "warning")
        abort(redirect(url_for("applications.detail", application_id=application.id)))
    return application


@bp.route("/<int:application_id>/edit/<step>", methods=["GET", "POST"])
@login_required
def edit(application_id: int, step: str):
    """One step of the founder's form; every step saves the draft."""
    if step not in STEPS:
        abort(404)
    application = _editable_or_404(application_id)
    product = product_for(application.product)
    context = {"application": application, "product": product, "steps": STEPS, "step": step,
               "defaults": [(item, can_view(current_user, item))
                            for item in service.defaults_of(application.enterprise_id)]}
    if step == "company":
        return _company_step(application, context)
    if step == "request":
        return REQUEST_STEPS[application.product](application, context)
    if step == "documents":
        return _documents_step(application, context)
    return _review_step(application, context)


def _company_step(application: Application, context: dict):
    incomplete = service.profile_problem(current_user)
    eligibility = product_for(application.product).hooks.get("eligibility")
    context["problems"] = ([str(incomplete)] if incomplete else []) + (
        eligibility(application, business_today()) if eligibility else [])
    return render_template("applications/step_company.html", **context)


def _documents_step(application: Application, context: dict):
    form = UploadForm()
    form.kind.choices = [(d.key, str(d.label))
                         for d in product_for(application.product).founder_documents]
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
                if not missing_documents(application):
                    flash(_("Every required document is uploaded. Check the application on "
                            "the last step and submit it."), "success")
                return redirect(url_for("applications.edit", application_id=application.id,
                                        step="documents"))
        else:
            status = 422
    missing = missing_documents(application)
    if not form.is_submitted() and missing:
        form.kind.data = missing[0]
    context["attachments"] = service.current_attachments(application)
    context["missing"] = missing
    context["upload_limit"] = readable_size(current_app.config["UPLOAD_MAX_BYTES"])
    return render_template("applications/step_documents.html", form=form, **context), status


def _review_step(application: Application, context: dict):
    context["attachments"] = service.current_attachments(application)
    context["submit_trigger"] = next(
        (t.trigger for t in engine.available_actions(current_user, application) if t.submits),
        None)
    workflow = product_for(application.product).workflow
    trigger = context["submit_trigger"] or next(
        (t.trigger for t in workflow.triggers_from(application.status) if t.submits), None)
    context["problems"] = service.submission_problems(
        application, current_user, trigger, business_today()) if trigger else []
    context["partner_problem"] = partner_problem(application, str(get_locale()))
    return render_template("applications/step_review.html", **context)


def offer_partners(application: Application, form, context: dict) -> None:
    """A product's request step, its common part: the partners the founder may choose (once
    one reviews the file, only that one), what is wrong with the one chosen (in
    ``context["bank_problem"]``), and on a first view the form filled from the draft."""
    locale = str(get_locale() or "zh")
    choices = partners(application.product)
    if not choice_open(application) and application.partner is not None:
        choices = [application.partner]  # answering a request cannot change partners
    form.partner_org_id.choices = [(org.id, org.display_name(locale)) for org in choices]
    context["bank_problem"] = partner_problem(application, locale)
    if not form.is_submitted():
        form.fill(application)
        if context["bank_problem"] is None:
            form.partner_org_id.data = application.partner_org_id


def store_request(application: Application, form, data: dict) -> bool:
    """Save the request step; a partner refused is said under its field (False)."""
    try:
        service.save_request(application, data)
    except service.ApplicationError as exc:
        form.partner_org_id.errors = [str(exc)]
        return False
    return True


def request_step_of(application: Application, context: dict, form, problems, template: str):
    """A product's request step as most products have it: the partner offered, the form
    stored, then on to the documents (or back here, saying what the request still lacks:
    ``problems(application)``)."""
    offer_partners(application, form, context)
    if form.validate_on_submit() and store_request(application, form, form.request_data()):
        if problems(application):
            flash(_("Saved. What the application still needs is listed below."), "warning")
            return redirect(url_for("applications.edit", application_id=application.id,
                                    step="request"))
        flash(_("Saved."), "success")
        return redirect(url_for("applications.edit", application_id=application.id,
                                step="documents"))
    context["problems"] = [] if form.is_submitted() else problems(application)
    return render_template(template, form=form, **context), \
        422 if form.is_submitted() else 200
