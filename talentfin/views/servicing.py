"""Bank reports on covered loans: claim documents and the repayment file upload."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import SelectField

from talentfin.extensions import db
from talentfin.forms.base import BaseForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.labels import ATTACHMENTS
from talentfin.models import CLAIM_DOCUMENTS
from talentfin.models import SubsidyClaim
from talentfin.services import servicing
from talentfin.services import subsidies
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import save_attachment
from talentfin.views.access import require
from talentfin.views.access import visible_application_or_404

bp = Blueprint("servicing", __name__, url_prefix="/servicing")
BANK_ROLES = ("bank_officer", "bank_approver")


class ClaimDocumentForm(BaseForm):
    """One claim document."""

    kind = SelectField(_l("Document"), choices=[(k, ATTACHMENTS[k]) for k in CLAIM_DOCUMENTS])
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[FileRequired()])


class RepaymentFileForm(BaseForm):
    """A CSV file of repayments."""

    file = FileField(_l("Repayment file (CSV, UTF-8)"), validators=[FileRequired()])


@bp.post("/applications/<int:application_id>/claim-documents")
@login_required
def claim_document(application_id: int):
    """The bank uploads a document its compensation claim needs."""
    application = visible_application_or_404(application_id)
    require("upload_claim_documents", application)
    form = ClaimDocumentForm()
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


@bp.route("/repayments", methods=["GET", "POST"])
@login_required
def repayments():
    """Upload a CSV of repayments: every row is checked; any bad row refuses the whole file."""
    if current_user.role not in BANK_ROLES:
        abort(404)
    form = RepaymentFileForm()
    result = None
    status = 200
    if form.validate_on_submit():
        result = servicing.import_repayments(form.file.data.read(), current_user)
        if result.problems:
            status = 422
            flash(_("The file was refused; nothing was applied. Fix the rows below and upload "
                    "it again."), "danger")
        else:
            flash(_("%(n)s repayments were recorded.", n=result.applied), "success")
    return render_template("servicing/repayments.html", form=form, result=result,
                           columns=servicing.COLUMNS), status


@bp.post("/applications/<int:application_id>/subsidy")
@login_required
def request_subsidy(application_id: int):
    """The founder asks for a year's interest subsidy on a loan being repaid."""
    application = visible_application_or_404(application_id)
    year = request.form.get("year", "")
    try:
        subsidies.request(application, int(year) if year.isdigit() else 0, current_user)
    except subsidies.SubsidyError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The interest subsidy is requested; the pool administrator decides."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.get("/subsidies")
@login_required
def subsidy_requests():
    """Interest subsidy requests waiting for the pool administrator."""
    if current_user.role != "pool_admin":
        abort(404)
    return render_template("servicing/subsidies.html", claims=subsidies.waiting())


@bp.post("/subsidies/<int:claim_id>/decide")
@login_required
def decide_subsidy(claim_id: int):
    """Pay (the amount is computed again today) or refuse with a reason."""
    if current_user.role != "pool_admin":
        abort(404)
    claim = db.session.get(SubsidyClaim, claim_id) or abort(404)
    try:
        subsidies.decide(claim, request.form.get("decision") == "approve", current_user,
                         request.form.get("note", ""))
    except subsidies.SubsidyError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The decision is recorded."), "success")
    return redirect(url_for("servicing.subsidy_requests"))
