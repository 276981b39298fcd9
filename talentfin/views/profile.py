"""The founder's company profile and talent certification."""

from decimal import Decimal
from functools import wraps

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import policy
from talentfin.forms.profile import CompanyForm
from talentfin.forms.profile import TalentForm
from talentfin.i18n import _
from talentfin.services import enterprises
from talentfin.services.accounts import AccountError

bp = Blueprint("profile", __name__, url_prefix="/company")


def founder_required(view):
    """Only the founder of an enterprise reaches the view (its profile is theirs to keep)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.enterprise is None \
                or not policy.allowed(current_user, "edit", current_user.enterprise):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/", methods=["GET", "POST"])
@founder_required
def company():
    """Company registration data."""
    enterprise = current_user.enterprise
    form = CompanyForm(obj=enterprise)
    form.park_id.choices = [(p.id, p.display_name(current_user.locale))
                            for p in enterprises.parks()]
    if form.is_submitted() is False:
        form.registered_capital.data = enterprise.registered_capital_fen or None
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in (
            "name", "uscc", "park_id", "registered_in_district", "founded_on",
            "legal_representative", "address", "industry", "employees", "last_dishonesty_on")}
        data["registered_capital_fen"] = form.registered_capital.data
        try:
            enterprises.update_company(enterprise, data)
        except AccountError as exc:
            flash(str(exc), "danger")
            return render_template("profile/company.html", form=form), 422
        flash(_("The company profile is saved."), "success")
        if enterprise.talent is None:
            return redirect(url_for("profile.talent"))
        return redirect(url_for("profile.company"))
    status = 422 if form.errors else 200
    return render_template("profile/company.html", form=form, enterprise=enterprise), status


@bp.route("/talent", methods=["GET", "POST"])
@founder_required
def talent():
    """The founder's talent certification and equity share."""
    enterprise = current_user.enterprise
    form = TalentForm(obj=enterprise.talent)
    if not form.is_submitted() and enterprise.talent is not None:
        form.equity_percent.data = Decimal(enterprise.talent.equity_bp) / 100
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in (
            "founder_name", "id_number", "tier", "certificate_no", "issuer", "valid_until")}
        data["equity_bp"] = int(form.equity_percent.data * 100)
        enterprises.update_talent(enterprise, data)
        flash(_("The talent certification is saved."), "success")
        return redirect(url_for("applications.mine"))
    status = 422 if form.errors else 200
    return render_template("profile/talent.html", form=form, enterprise=enterprise), status
