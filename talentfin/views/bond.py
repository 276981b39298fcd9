"""人才债's own pages: the founder's request step (the underwriter and its bond open for
allocations), a bond planned by the underwriting officer, and the underwriter's book."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import current_user
from sqlalchemy import select

from talentfin import navigation
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.bond import BondRequestForm
from talentfin.forms.bond import NewBondForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import kind_of
from talentfin.models import Organisation
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.policy import allowed
from talentfin.services.bond import issues as bond_service
from talentfin.views.access import permitted
from talentfin.views.application_steps import REQUEST_STEPS
from talentfin.views.application_steps import offer_partners
from talentfin.views.application_steps import store_request
from talentfin.workflows.bond.allocation import bond_problem
from talentfin.workflows.bond.allocation import open_bonds
from talentfin.workflows.bond.allocation import request_problems
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.errors import TransitionError
from talentfin.workflows.loan.labels import CLASSIFICATIONS

bp = Blueprint("bond", __name__, url_prefix="/bond")
navigation.add(navigation.Entry("bond.book", _l("Underwriter's book"),
                                lambda role: kind_of(role) == "underwriter", 90))


def request_step(application, context: dict):
    """Which underwriter and which of its bonds, how much, how long, what for."""
    form = BondRequestForm()
    offer_partners(application, form, context)
    underwriters = [org_id for org_id, _label in form.partner_org_id.choices]
    offered = [b for b in open_bonds() if b.partner_org_id in underwriters]
    bonds = list(offered)
    if application.bond is not None and application.bond not in bonds:
        bonds.append(application.bond)  # closed since: shown, and the step says so
    form.bond_id.choices = [(0, _("Choose…"))] + [
        (b.id, _("%(name)s · %(left)s yuan left · coupon %(coupon)s",
                 name=b.name, left=format_fen(b.headroom_fen),
                 coupon=format_rate_bp(b.coupon_bp))) for b in bonds]
    if form.validate_on_submit() and store_request(application, form, form.request_data()):
        if request_problems(application):
            flash(_("Saved. What the application still needs is listed below."), "warning")
            return redirect(url_for("applications.edit", application_id=application.id,
                                    step="request"))
        flash(_("Saved."), "success")
        return redirect(url_for("applications.edit", application_id=application.id,
                                step="documents"))
    status = 422 if form.is_submitted() else 200
    # What the draft still lacks, and the bond asked for if it no longer fits.
    context["problems"] = [] if form.is_submitted() else [
        p for p in (*request_problems(application), bond_problem(application)) if p]
    context["no_bond_open"] = not offered
    return render_template("bond/step_request.html", form=form, **context), status


REQUEST_STEPS["bond"] = request_step


def _plan(form: NewBondForm):
    """The bond planned, or None with the reason under its field."""
    same = db.session.scalar(select(BondIssue.reference).where(
        BondIssue.partner_org_id == current_user.org_id,
        BondIssue.name == form.name.data.strip(), BondIssue.status != "cancelled"))
    if same is not None:  # the form sent again (back in the browser): one bond
        form.name.errors = [_("A bond of this name already exists: %(reference)s.",
                              reference=same)]
        return None
    try:
        return bond_service.plan_bond(current_user, form.name.data,
                                      db.session.get(Organisation, form.issuer_org_id.data),
                                      form.issuer_uscc.data)
    except TransitionError as exc:
        form.issuer_uscc.errors = [exc.message]
        return None


@bp.route("/new", methods=["GET", "POST"])
@permitted("read", bond_service.UnderwriterBook)
def new_bond():
    """The underwriting officer plans a bond for one of the programme's issuers."""
    if not allowed(current_user, "plan", bond_service.UnderwriterBook):
        abort(403, _("The underwriting officer plans a bond."))
    form = NewBondForm()
    form.issuer_org_id.choices = [(o.id, o.display_name(str(current_user.locale or "zh")))
                                  for o in bond_service.issuers()]
    if form.validate_on_submit() and (bond := _plan(form)) is not None:
        flash(_("The bond is planned: the issuer uploads its board's resolution, then "
                "record the registration."), "success")
        return redirect(url_for("applications.detail", application_id=bond.id))
    return render_template("bond/new.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/book")
@permitted("read", bond_service.UnderwriterBook)
def book():
    """Each bond's size, allocated and headroom, allocations by state, coupons ahead, loss
    layers; the on-lent loans in arrears."""
    org = db.session.get(Organisation, current_user.org_id)
    today = business_today()
    return render_template("bond/book.html", underwriter=org, today=today,
                           lines=bond_service.book(org.id, today),
                           overdue=bond_service.overdue_loans(org.id),
                           classifications={k: str(v) for k, v in CLASSIFICATIONS.items()},
                           may_plan=allowed(current_user, "plan", bond_service.UnderwriterBook))
