"""The policy table: values in force, proposals and the committee's decisions.

Values are stored as integers in the unit their key names (fen, basis points, days...);
the pages show them as people read them (yuan, percent, "90 days"), while the proposal
form asks for the stored unit and says so.
"""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_login import current_user

from talentfin import navigation
from talentfin import policy
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.policy import ProposalForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.i18n import ngettext
from talentfin.models import PolicyParameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.services import policy_changes
from talentfin.services.parameters import policy_keys
from talentfin.services.parameters import unit_of
from talentfin.views.access import permitted
from talentfin.views.access import require
from talentfin.views.access import sensitive

bp = Blueprint("policy", __name__, url_prefix="/policy")
navigation.add(navigation.Entry("policy.index", _l("Policy parameters"),
                                navigation.permission("pool.read"), 62))


def parameter_name(key: str) -> str:
    """A parameter's name without its stored unit."""
    found = policy_keys().get(key)
    return str(found.name) if found else key


def parameter_value(key: str, value: str) -> str:
    """A stored value as people read it: yuan, percent, days, months, years or times."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value or ""
    unit = unit_of(key)
    if unit == "fen":
        return _("%(amount)s yuan", amount=format_fen(number))
    if unit == "bp":
        return format_rate_bp(number)
    if unit == "working_days":
        return ngettext("%(num)d working day", "%(num)d working days", number)
    if unit == "days":
        return ngettext("%(num)d day", "%(num)d days", number)
    if unit == "months":
        return ngettext("%(num)d month", "%(num)d months", number)
    if unit == "years":
        return ngettext("%(num)d year", "%(num)d years", number)
    if unit == "times":
        return f"{number}×"
    return value


def row_source(row: PolicyParameter) -> str:
    """Why a row has its value: the reason typed with a proposal, as typed, or where the
    default comes from, in the reader's language."""
    if row.reason:
        return row.reason
    default = policy_keys().get(row.key)
    if default is not None and row.source == default.source:
        return str(default.source_text)
    return row.source or ""


def row_status(row: PolicyParameter, current_id: int | None, replaced_on=None) -> str:
    """A row's status in words: proposed, rejected, in force, approved for a later date, or
    replaced (by a later value in force)."""
    if row.status == "proposed":
        return _("proposed, awaiting the committee")
    if row.status == "rejected":
        return _("rejected")
    if row.status != "in_force":
        return row.status
    if row.effective_from > business_today():
        return _("approved, in force from %(date)s",
                 date=format_date(row.effective_from, "yyyy-MM-dd"))
    if row.id == current_id or replaced_on is None:
        return _("in force")
    return _("replaced from %(date)s", date=format_date(replaced_on, "yyyy-MM-dd"))


def history_statuses(rows: list[PolicyParameter]) -> dict[int, str]:
    """Each row's status in words; the value in force today is the latest one dated today or
    before (the rule of ``models.policy.parameter``), earlier ones were replaced."""
    today = business_today()
    applied = sorted((r for r in rows if r.status == "in_force"),
                     key=lambda r: (r.effective_from, r.id))
    past = [r for r in applied if r.effective_from <= today]
    current_id = past[-1].id if past else None
    replaced_on = {row.id: later.effective_from
                   for row, later in zip(past, past[1:], strict=False)}
    return {row.id: row_status(row, current_id, replaced_on.get(row.id)) for row in rows}


@bp.context_processor
def _presentation():
    return {"parameter_name": parameter_name, "parameter_value": parameter_value,
            "row_source": row_source}


@bp.route("/", methods=["GET", "POST"])
@permitted("read", PolicyParameter)
@sensitive
def index():
    """Values in force, pending proposals, and the proposal form."""
    form = ProposalForm()
    status = 200
    if form.is_submitted():
        require("propose", PolicyParameter)
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
                           can_propose=policy.allowed(current_user, "propose", PolicyParameter),
                           can_decide=policy.allowed(current_user, "decide", PolicyParameter)
                           ), status


@bp.post("/<int:proposal_id>/decide")
@permitted("read", PolicyParameter)
@sensitive
def decide(proposal_id: int):
    """The committee approves or rejects a proposal."""
    proposal = db.session.get(PolicyParameter, proposal_id) or abort(404)
    require("decide", proposal)
    try:
        policy_changes.decide(proposal, request.form.get("decision") == "approve", current_user)
    except policy_changes.PolicyChangeError as exc:
        abort(403, str(exc))
    flash(_("The decision is recorded."), "success")
    return redirect(url_for("policy.index"))


@bp.get("/<key>")
@permitted("read", PolicyParameter)
@sensitive
def history(key: str):
    """Every value a parameter has had, with who proposed and decided it."""
    if key not in policy_keys():
        abort(404)
    rows = policy_changes.history(key)
    return render_template("policy/history.html", key=key, rows=rows,
                           statuses=history_statuses(rows))
