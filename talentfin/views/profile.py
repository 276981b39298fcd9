"""The founder's company profile and talent certification."""

import json
from decimal import Decimal
from functools import wraps

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin import navigation
from talentfin import policy
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.prescreen import PrescreenForm
from talentfin.forms.profile import CompanyForm
from talentfin.forms.profile import IdentityChangeForm
from talentfin.forms.profile import IdentityDecisionForm
from talentfin.forms.profile import TalentForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.models import IdentityChange
from talentfin.services import enterprises
from talentfin.services import personal_data
from talentfin.services import security_log
from talentfin.services.accounts import AccountError
from talentfin.services.prescreen import prescreen
from talentfin.views.access import form_errors

bp = Blueprint("profile", __name__, url_prefix="/company")
navigation.add(navigation.Entry("profile.identity_changes", _l("Company identity changes"),
                                navigation.permission("identity.decide"), 85),
               navigation.Entry("profile.eligibility", _l("What may I apply for?"),
                                lambda role: role == FOUNDER, 12))


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


@bp.get("/eligibility")
@founder_required
def eligibility():
    """What the firm may apply for today, product by product, or each rule that stops it
    with its figures (the products' own checks on the policy in force; nothing stored). An
    answer that is not valid is left out and named: no product is said open without it."""
    form = PrescreenForm(request.args)
    form.validate()
    verdicts = prescreen(current_user._get_current_object(), business_today(),
                         form.answers(), form.left_out())
    return render_template("profile/eligibility.html", form=form, verdicts=verdicts,
                           asked=any(request.args.values())), 422 if form.errors else 200


@bp.route("/", methods=["GET", "POST"])
@founder_required
def company():
    """Company registration data (the name and code, once an application was submitted on
    them, through a request to the park: ``identity_change``)."""
    enterprise = current_user.enterprise
    form = CompanyForm(obj=enterprise)
    locked = enterprises.identity_locked(enterprise)
    if locked:
        for field in (form.name, form.uscc):
            field.render_kw = {**(field.render_kw or {}), "readonly": True}
    identity = {"locked": locked, "change_form": IdentityChangeForm(prefix="identity")
                if locked else None,
                "pending": enterprises.pending_identity_change(enterprise),
                "history": enterprises.identity_history(enterprise)}
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
            if locked:  # the name and code shown are the company's, not the ones refused
                form.name.data, form.uscc.data = enterprise.name, enterprise.uscc
            return render_template("profile/company.html", form=form, enterprise=enterprise,
                                   **identity), 422
        flash(_("The company profile is saved."), "success")
        if enterprise.talent is None:
            return redirect(url_for("profile.talent"))
        return redirect(url_for("profile.company"))
    status = 422 if form.errors else 200
    return render_template("profile/company.html", form=form, enterprise=enterprise,
                           **identity), status


@bp.post("/identity-change")
@founder_required
def identity_change():
    """The founder asks the park to change the company's name or code."""
    enterprise = current_user.enterprise
    form = IdentityChangeForm(prefix="identity")
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
    else:
        try:
            enterprises.request_identity_change(enterprise, current_user, form.new_name.data,
                                                form.new_uscc.data, form.reason.data)
        except AccountError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The change is asked for: the park decides it."), "success")
    return redirect(url_for("profile.company") + "#identity")


@bp.get("/identity-changes")
@login_required
def identity_changes():
    """The park's reviewers: the changes of identity its companies ask for."""
    if not policy.allowed(current_user, "decide", IdentityChange):
        abort(404)
    return render_template("profile/identity_changes.html",
                           changes=enterprises.park_identity_changes(current_user.org_id),
                           form=IdentityDecisionForm())


@bp.post("/identity-changes/<int:change_id>/<any(approve, refuse):decision>")
@login_required
def decide_identity_change(change_id: int, decision: str):
    """The park approves or refuses a change of identity."""
    change = db.session.get(IdentityChange, change_id)
    if change is None or not policy.allowed(current_user, "decide", change):
        abort(404)
    form = IdentityDecisionForm()
    if not form.validate_on_submit():
        flash(form_errors(form), "danger")
    else:
        try:
            enterprises.decide_identity_change(change, current_user, decision == "approve",
                                               form.note.data or "")
        except AccountError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The change is approved: the company has its new identity; its "
                    "applications keep the one they were submitted on.")
                  if decision == "approve" else _("The change is refused."), "success")
    return redirect(url_for("profile.identity_changes"))


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


@bp.get("/my-data.json")
@founder_required
def my_data():
    """Everything the programme holds about the founder, as a JSON file (个人信息保护法)."""
    user = current_user._get_current_object()
    body = json.dumps(personal_data.founder_data(user), ensure_ascii=False, indent=2)
    security_log.record("personal_data_exported", user=user, actor=user, commit=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=talentfin-my-data.json"})
