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
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.base import BaseForm
from talentfin.forms.base import DateInputField
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.i18n import ngettext
from talentfin.labels import PARAMETERS
from talentfin.models import PolicyParameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.services import policy_changes
from talentfin.services.parameters import DEFAULTS
from talentfin.views.access import POOL_READERS
from talentfin.views.access import roles_required

bp = Blueprint("policy", __name__, url_prefix="/policy")
READERS = (*POOL_READERS, "admin")


class ProposalForm(BaseForm):
    """A proposed new value for one parameter."""

    key = SelectField(_l("Parameter"), choices=[(k, PARAMETERS.get(k, k)) for k in DEFAULTS])
    value = StringField(_l("New value"), validators=[DataRequired()], description=_l(
        "A whole number in the unit the parameter names: fen (100 fen = 1 yuan), basis "
        "points (100 basis points = 1%), days, months, years or times."))
    effective_from = DateInputField(_l("Takes effect on"), validators=[DataRequired()],
                               default=business_today)
    reason = TextAreaField(_l("Reason"), validators=[DataRequired()])


# The parameters' names without their stored unit, for the tables (the value carries its
# unit there); the form's choices (labels.PARAMETERS) name the unit it expects.
NAMES = {
    "tier_limit_A_fen": _l("Loan limit, tier A"),
    "tier_limit_B_fen": _l("Loan limit, tier B"),
    "tier_limit_C_fen": _l("Loan limit, tier C"),
    "tier_limit_D_fen": _l("Loan limit, tier D"),
    "cap_per_talent_fen": _l("Outstanding cap per talent"),
    "cap_per_firm_fen": _l("Outstanding cap per firm"),
    "lpr_1y_bp": _l("1-year LPR"),
    "rate_cap_spread_bp": _l("Rate cap above the LPR"),
    "term_min_months": _l("Shortest term"),
    "term_max_months": _l("Longest term"),
    "firm_max_age_years": _l("Firm age limit (tier A exempt)"),
    "founder_min_equity_bp": _l("Founder's minimum equity"),
    "dishonesty_lookback_years": _l("Dishonesty record look-back"),
    "filing_window_days": _l("Pool filing window"),
    "info_request_expiry_working_days": _l("Request for information expires after"),
    "compensation_ratio_bp": _l("Compensation ratio"),
    "first_loan_bonus_bp": _l("First-loan or pure-credit bonus"),
    "public_ceiling_bp": _l("Ceiling of all public compensation"),
    "leverage_limit": _l("Leverage limit (times the pool balance)"),
    "bank_annual_cap_fen": _l("Annual compensation cap per bank"),
    "suspension_npl_bp": _l("Suspension NPL threshold"),
    "suspension_balance_fen": _l("Suspension balance threshold"),
    "npl_band_bp": _l("Compensated NPL band"),
    "npl_days_overdue": _l("Days overdue that make a loan non-performing"),
    "claim_admin_working_days": _l("Pool review of a claim"),
    "claim_committee_working_days": _l("Committee decision on a claim"),
    "interest_subsidy_bp": _l("Interest subsidy (share of interest paid)"),
    "interest_subsidy_cap_fen": _l("Interest subsidy cap per firm and year"),
}

# Where each default comes from (parameters.DEFAULTS stores the English text in the
# table's "source" column; a row still carrying that text is shown with this one).
DEFAULT_SOURCES = {
    "tier_limit_A_fen": _l("Domain reference: tier A, 10,000,000 yuan"),
    "tier_limit_B_fen": _l("Domain reference: tier B, 5,000,000 yuan"),
    "tier_limit_C_fen": _l("Domain reference: tier C, 3,000,000 yuan"),
    "tier_limit_D_fen": _l("Domain reference: tier D, 1,000,000 yuan"),
    "cap_per_talent_fen": _l("Jinan: 10,000,000 yuan per talent across all banks"),
    "cap_per_firm_fen": _l("Jinan: 50,000,000 yuan per firm"),
    "lpr_1y_bp": _l("1-year loan prime rate 3.00%"),
    "rate_cap_spread_bp": _l("Zhejiang: LPR + 80 basis points"),
    "term_min_months": _l("Term 1 to 3 years"),
    "term_max_months": _l("Term 1 to 3 years"),
    "firm_max_age_years": _l("Firm at most 5 years old, tier A exempt"),
    "founder_min_equity_bp": _l("The founder's equity share is at least 30%"),
    "dishonesty_lookback_years": _l("No serious dishonesty record in 3 years"),
    "filing_window_days": _l("Shandong: file within 3 months of disbursement"),
    "info_request_expiry_working_days": _l("Common route: 10 working days to answer"),
    "compensation_ratio_bp": _l("Jinan: the pool compensates the principal loss at 70%"),
    "first_loan_bonus_bp": _l("Anhui: 5 points more for a first loan or a pure credit loan"),
    "public_ceiling_bp": _l("Anhui: all public compensation for one loss at most 80%"),
    "leverage_limit": _l("Covered outstanding at most 10 times the pool balance"),
    "bank_annual_cap_fen": _l("Annual compensation cap of 10,000,000 yuan per bank"),
    "suspension_npl_bp": _l("A bank is suspended whose covered NPL ratio is above 3%, while "
                            "its covered balance exceeds 20,000,000 yuan"),
    "suspension_balance_fen": _l("A bank is suspended whose covered NPL ratio is above 3%, "
                                 "while its covered balance exceeds 20,000,000 yuan"),
    "npl_band_bp": _l("Losses beyond a 5% NPL band are not compensated"),
    "npl_days_overdue": _l("Overdue 90 days or more is non-performing"),
    "claim_admin_working_days": _l("The pool administrator reviews a claim within 5 working "
                                   "days"),
    "claim_committee_working_days": _l("The committee decides a claim within 25 working days"),
    "interest_subsidy_bp": _l("Interest subsidy 50%: half of the interest paid on time"),
    "interest_subsidy_cap_fen": _l("At most 500,000 yuan per firm and year"),
}


def parameter_name(key: str) -> str:
    """A parameter's name without its stored unit."""
    return str(NAMES.get(key, key))


def parameter_value(key: str, value: str) -> str:
    """A stored value as people read it: yuan, percent, days, months, years or times."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value or ""
    if key.endswith("_fen"):
        return _("%(amount)s yuan", amount=format_fen(number))
    if key.endswith("_bp"):
        return format_rate_bp(number)
    if key.endswith("_working_days"):
        return ngettext("%(num)d working day", "%(num)d working days", number)
    if key.endswith("_days") or key == "npl_days_overdue":
        return ngettext("%(num)d day", "%(num)d days", number)
    if key.endswith("_months"):
        return ngettext("%(num)d month", "%(num)d months", number)
    if key.endswith("_years"):
        return ngettext("%(num)d year", "%(num)d years", number)
    if key == "leverage_limit":
        return f"{number}×"
    return value


def row_source(row: PolicyParameter) -> str:
    """Why a row has its value: the reason typed with a proposal, as typed, or where the
    default comes from, in the reader's language."""
    if row.reason:
        return row.reason
    default = DEFAULTS.get(row.key)
    if default is not None and row.source == default[1] and row.key in DEFAULT_SOURCES:
        return str(DEFAULT_SOURCES[row.key])
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
    before (the rule of ``parameters.parameter``), earlier ones were replaced."""
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
    rows = policy_changes.history(key)
    return render_template("policy/history.html", key=key, rows=rows,
                           statuses=history_statuses(rows))
