"""The loan's own pages: its request step, and the bank's repayment file."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user

from talentfin import navigation
from talentfin.clock import business_today
from talentfin.forms.loan import LoanRequestForm
from talentfin.forms.loan import RepaymentFileForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.money import format_fen
from talentfin.services.loan import repayments as repayment_file
from talentfin.views.access import permitted
from talentfin.views.application_steps import REQUEST_STEPS
from talentfin.views.application_steps import offer_partners
from talentfin.views.application_steps import store_request
from talentfin.workflows.loan.definition import WORKFLOW
from talentfin.workflows.loan.eligibility import tier_limit

bp = Blueprint("loan", __name__, url_prefix="/loan")
REPORTERS = WORKFLOW.transition("report_repayment").roles
navigation.add(navigation.Entry("loan.repayments", _l("Report repayments"),
                                lambda role: role in REPORTERS, 90))


def request_step(application, context: dict):
    """Which bank, how much, how long, what for; the tier limit shown and checked."""
    form = LoanRequestForm()
    limit = tier_limit(application, business_today())
    if limit is not None:
        form.requested_amount.description = _(
            "Your talent tier %(tier)s allows at most %(limit)s yuan.",
            tier=limit[0], limit=format_fen(limit[1]))
    offer_partners(application, form, context)
    if form.validate_on_submit():
        if store_request(application, form, form.request_data()):
            return _saved(application, form, limit)
    elif not form.is_submitted() and limit is not None \
            and (application.requested_amount_fen or 0) > limit[1]:
        form.requested_amount.errors = [_(
            "The amount is over the tier %(tier)s limit of %(limit)s yuan.",
            tier=limit[0], limit=format_fen(limit[1]))]
    status = 422 if form.is_submitted() else 200
    return render_template("loan/step_request.html", form=form, **context), status


def _saved(application, form, limit):
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


REQUEST_STEPS["loan"] = request_step


@bp.route("/repayments", methods=["GET", "POST"])
@permitted("upload", repayment_file.RepaymentFile)
def repayments():
    """Upload a CSV of repayments: every row is checked; any bad row refuses the whole file."""
    form = RepaymentFileForm()
    result = None
    status = 200
    if form.validate_on_submit():
        result = repayment_file.import_repayments(form.file.data.read(), current_user)
        if result.problems:
            status = 422
            flash(_("The file was refused; nothing was applied. Fix the rows below and upload "
                    "it again."), "danger")
        else:
            flash(_("%(n)s repayments were recorded.", n=result.applied), "success")
    return render_template("loan/repayments.html", form=form, result=result,
                           columns=repayment_file.COLUMNS), status
