"""The policy table: values in force, proposals and the committee's decisions."""


from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from wtforms import DateField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.base import BaseForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.labels import PARAMETERS
from talentfin.models import PolicyParameter
from talentfin.services import policy_changes
from talentfin.services.parameters import DEFAULTS
from talentfin.views.access import POOL_READERS
from talentfin.views.access import roles_required

bp = Blueprint("policy", __name__, url_prefix="/policy")
READERS = (*POOL_READERS, "admin")


class ProposalForm(BaseForm):
    """A proposed new value for one parameter."""

    key = SelectField(_l("Parameter"), choices=[(k, PARAMETERS.get(k, k)) for k in DEFAULTS])
    value = StringField(_l("New value"), validators=[DataRequired()])
    effective_from = DateField(_l("Takes effect on"), validators=[DataRequired()],
                               default=business_today)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired()])


@bp.route("/", methods=["GET", "POST"])
@roles_required(*READERS)
def index():
    """Values in force, pending proposals, and the proposal form."""
    form = ProposalForm()
    status = 200
    if form.validate_on_submit():
        try:
            policy_changes.propose(form.key.data, form.value.data, form.effective_from.data,
                                   form.reason.data, current_user)
        except policy_changes.PolicyChangeError as exc:
            form.value.errors = [str(exc)]
            status = 422
        else:
            flash(_("The proposal is recorded; it takes effect when the committee approves it."),
                  "success")
            return redirect(url_for("policy.index"))
    elif form.is_submitted():
        status = 422
    return render_template("policy/index.html", form=form, rows=policy_changes.in_force(),
                           pending=policy_changes.pending(),
                           can_propose=current_user.role == "pool_admin",
                           can_decide=current_user.role == "pool_committee"), status


@bp.post("/<int:proposal_id>/decide")
@roles_required(*READERS)
def decide(proposal_id: int):
    """The committee approves or rejects a proposal."""
    proposal = db.session.get(PolicyParameter, proposal_id) or abort(404)
    try:
        policy_changes.decide(proposal, request.form.get("decision") == "approve", current_user)
    except policy_changes.PolicyChangeError as exc:
        abort(403, str(exc))
    flash(_("The decision is recorded."), "success")
    return redirect(url_for("policy.index"))


@bp.get("/<key>")
@roles_required(*READERS)
def history(key: str):
    """Every value a parameter has had, with who proposed and decided it."""
    if key not in DEFAULTS:
        abort(404)
    return render_template("policy/history.html", key=key, rows=policy_changes.history(key))
