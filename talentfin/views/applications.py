"""Applications: the founder's list, a new draft, the detail page, firing transitions,
claims, documents and dossiers. The founder's form steps are ``views.application_steps``."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from talentfin import policy
from talentfin import storage
from talentfin.extensions import db
from talentfin.forms.application import UploadForm
from talentfin.forms.decisions import form_for
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.policy import OWN
from talentfin.services import applications as service
from talentfin.services import bundles
from talentfin.services import personal_data
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import download_name
from talentfin.services.uploads import save_attachment
from talentfin.storage import DOSSIERS
from talentfin.storage import UPLOADS
from talentfin.views.access import confirmation_needed
from talentfin.views.access import require
from talentfin.views.access import require_or_404
from talentfin.views.access import visible_application_or_404
from talentfin.views.application_page import actions_for
from talentfin.views.application_page import page_context
from talentfin.workflows import access
from talentfin.workflows import engine
from talentfin.workflows.labels import state_label
from talentfin.workflows.labels import trigger_label
from talentfin.workflows.registry import product_for
from talentfin.workflows.registry import products

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.get("/")
@login_required
def mine():
    """The founder's applications (staff are sent to their queue)."""
    if not policy.allowed(current_user, "read", OWN):
        return redirect(url_for("queue.index"))
    items = []
    if current_user.enterprise_id:
        items = db.session.scalars(
            select(Application).where(policy.visible(current_user, Application))
            .order_by(Application.id.desc())
        ).all()
    # Each button's one-time token: the same page sent twice opens one draft.
    offered = [p for p in products() if p.founders_apply]
    return render_template("applications/mine.html", items=items, products=offered,
                           enterprise=current_user.enterprise,
                           openings={p.key: service.opening_token() for p in offered})


@bp.post("/new")
@login_required
def new():
    """Start a draft application for a product; the form opens at its first step."""
    require_or_404("create", Application)
    try:
        product = product_for(request.form.get("product", ""))
    except LookupError:
        abort(404)
    if not product.founders_apply:
        abort(404)
    try:
        application = service.start_application(current_user, product.key,
                                                 request.form.get("opened_with"))
    except service.ProfileIncomplete as exc:
        flash(str(exc), "warning")
        return redirect(url_for(f"profile.{exc.page}"))
    if application.status != product.workflow.initial:  # that page's draft, sent since
        return redirect(url_for("applications.detail", application_id=application.id))
    return redirect(url_for("applications.edit", application_id=application.id, step="company"))


@bp.get("/<int:application_id>")
@login_required
def detail(application_id: int):
    """Everything about one application and the actions the user may take now."""
    application = visible_application_or_404(application_id)
    return render_template("applications/detail.html",
                           **page_context(application, actions_for(application)))


def _refused_page(application: Application, trigger: str, form, status: int):
    db.session.refresh(application)
    return render_template("applications/detail.html", **page_context(
        application, actions_for(application, trigger, form))), status


@bp.post("/<int:application_id>/fire/<trigger>")
@login_required
def fire(application_id: int, trigger: str):
    """Fire one transition with its form; refusals keep what the user typed."""
    application = visible_application_or_404(application_id)
    transition = product_for(application.product).workflow.transition(trigger)
    if transition is None:
        abort(404)
    form = form_for(transition.form, application, prefix=trigger)
    try:
        # Who and when first: someone who may not act gets 403/409, never form errors.
        engine.authorize(application, transition, current_user)
        if (stale := _stale_page(application)) is not None:
            # The page again as it is now, with what was typed kept for the new decision.
            flash(stale, "danger")
            return _refused_page(application, trigger, form, 409)
        if transition.decides and (asked := confirmation_needed()) is not None:
            return asked  # a decision: the second factor proved again after 15 minutes
        if not form.validate_on_submit():
            flash(_("Please correct the marked fields."), "danger")
            return _refused_page(application, trigger, form, 422)
        engine.fire(application, trigger, current_user,
                    comment=form.comment.data or "", data=form.engine_data())
    except engine.Conflict as exc:
        abort(409, exc.message)
    except engine.Forbidden as exc:
        abort(403, exc.message)
    except engine.Refused as exc:
        flash(exc.message, "danger")
        if transition.submits:
            return redirect(url_for("applications.edit", application_id=application.id,
                                    step="review"))
        return _refused_page(application, trigger, form, 422)
    flash(_("Done: %(action)s.", action=trigger_label(application.product, trigger)), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


def _stale_page(application: Application) -> str | None:
    """Why the form came from a page that showed another state (a stale tab: the same
    action may be allowed in both states, and the user decided on what they saw), or None."""
    seen = request.form.get("seen_state")
    if not seen or seen == application.status:
        return None
    now = state_label(application.product, application.status)
    if seen not in product_for(application.product).workflow.state_names:
        return _("The application is now “%(now)s”: this page shows it as it is now; decide "
                 "on what it shows.", now=now)
    return _("Your page showed this application as “%(seen)s”; it is now “%(now)s”. This "
             "page shows it as it is now: decide on what it shows.",
             seen=state_label(application.product, seen), now=now)


@bp.post("/<int:application_id>/identity")
@login_required
def reveal_identity(application_id: int):
    """The application page with the whole ID numbers, for the staff who decide it; the
    view is recorded in the security log (a POST: no prefetch or crawler reveals one)."""
    application = visible_application_or_404(application_id)
    if not personal_data.may_reveal_identity(current_user, application):
        abort(403, _("Only the staff of the park and of the institution deciding this "
                     "application see whole ID numbers."))
    personal_data.record_identity_view(current_user._get_current_object(), application)
    context = page_context(application, actions_for(application))
    context["identity_revealed"] = True
    return render_template("applications/detail.html", **context)


@bp.post("/<int:application_id>/claim")
@login_required
def claim(application_id: int):
    """Take an item from the queue so colleagues see who works on it."""
    application = visible_application_or_404(application_id)
    require("claim", application)
    if service.claim(application, current_user):
        flash(_("You have claimed this application."), "success")
    else:
        flash(access.claim_notice(application, current_user), "warning")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.post("/<int:application_id>/release")
@login_required
def release(application_id: int):
    """Give a claimed item back to the queue: the holder, or a supervisor taking it over."""
    application = visible_application_or_404(application_id)
    require("release", application)
    holder = application.claimed_by
    service.release(application)
    if holder is not None and holder.id != current_user.id:
        flash(_("%(name)s's claim is released; the application is back in the queue.",
                name=holder.name), "info")
    else:
        flash(_("The application is back in the queue."), "info")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.post("/<int:application_id>/documents")
@login_required
def upload_document(application_id: int):
    """Another party uploads one of its documents (a bank's claim papers)."""
    application = visible_application_or_404(application_id)
    require("upload_documents", application)
    form = UploadForm(prefix="document")
    form.kind.choices = [(d.key, str(d.label))
                         for d in access.uploadable_documents(current_user, application)]
    if not form.validate_on_submit():
        flash(_("Choose the document and a file."), "danger")
    else:
        try:
            save_attachment(application, form.kind.data, form.file.data, current_user)
        except UploadRefused as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The document is uploaded."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.get("/<int:application_id>/files/<int:attachment_id>")
@login_required
def attachment(application_id: int, attachment_id: int):
    """Download an uploaded document (after the per-object check)."""
    application = visible_application_or_404(application_id)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.application_id != application.id:
        abort(404)
    require_or_404("download", item)
    return storage.send(UPLOADS, item.stored_name, mimetype=item.content_type,
                        as_attachment=True, download_name=download_name(item))


@bp.get("/<int:application_id>/bundle.zip")
@login_required
def bundle(application_id: int):
    """The application's archival bundle: its dossiers and documents the user may read, its
    log and ledger lines (CSV and JSON), and a manifest of every file's SHA-256."""
    application = visible_application_or_404(application_id)
    name = f"{application.reference or application.id}-bundle.zip"
    return send_file(bundles.build(application, current_user._get_current_object()),
                     mimetype="application/zip", as_attachment=True, download_name=name)


@bp.get("/<int:application_id>/dossiers/<int:dossier_id>")
@login_required
def dossier(application_id: int, dossier_id: int):
    """Download a rendered dossier (after the per-object check)."""
    application = visible_application_or_404(application_id)
    item = db.session.get(Dossier, dossier_id)
    if item is None or item.application_id != application.id or item.status != "ready":
        abort(404)
    require_or_404("download", item)
    return storage.send(DOSSIERS, item.file_name, mimetype="application/pdf",
                        as_attachment=True)
