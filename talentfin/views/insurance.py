"""人才险's own pages: its quote-request step, and an insurer's terms."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user

from talentfin import navigation
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.insurance import QuoteRequestForm
from talentfin.forms.insurance import TermsForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import kind_of
from talentfin.models import Organisation
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.policy import allowed
from talentfin.services.insurance import book as insurer_book
from talentfin.services.insurance import offers as offer_service
from talentfin.views.access import permitted
from talentfin.views.access import require
from talentfin.views.access import sensitive
from talentfin.views.application_steps import REQUEST_STEPS
from talentfin.views.application_steps import offer_partners
from talentfin.views.application_steps import store_request
from talentfin.workflows.insurance.labels import COVERS
from talentfin.workflows.insurance.models import InsuranceOffer
from talentfin.workflows.insurance.quote import guaranteeable_loans
from talentfin.workflows.insurance.quote import offered_covers
from talentfin.workflows.insurance.quote import quote_problems
from talentfin.workflows.labels import state_label

bp = Blueprint("insurance", __name__, url_prefix="/insurance")
navigation.add(navigation.Entry("insurance.book", _l("Insurer's book"),
                                lambda role: kind_of(role) == "insurer", 90),
               navigation.Entry("insurance.terms", _l("Insurance terms"),
                                lambda role: kind_of(role) == "insurer", 91))


def request_step(application, context: dict):
    """Which insurer, which cover, what is insured; what the cover still needs is said."""
    form = QuoteRequestForm()
    offer_partners(application, form, context)
    offered = offered_covers([org_id for org_id, _label in form.partner_org_id.choices])
    form.cover.choices = [("", _("Choose…"))] + [
        (key, label) for key, label in COVERS.items()
        if key in offered or key == application.cover]
    loans = guaranteeable_loans(application.enterprise_id)
    form.loan_id.choices = [(0, _("None"))] + [
        (loan.id, _("%(reference)s · %(amount)s yuan · %(state)s", reference=loan.reference,
                    amount=format_fen(loan.current_amount()),
                    state=state_label(loan.product, loan.status))) for loan in loans]
    if form.validate_on_submit():
        loan = next((item for item in loans if item.id == form.loan_id.data), None)
        if store_request(application, form, form.request_data(
                loan.current_amount() if loan else None)):
            return _saved(application)
    status = 422 if form.is_submitted() else 200
    context["problems"] = [] if form.is_submitted() else quote_problems(application)
    return render_template("insurance/step_request.html", form=form, **context), status


def _saved(application):
    if quote_problems(application):
        # Saved (a draft may hold anything); the step lists what is still missing.
        flash(_("Saved. What the request still needs is listed below."), "warning")
        return redirect(url_for("applications.edit", application_id=application.id,
                                step="request"))
    flash(_("Saved."), "success")
    return redirect(url_for("applications.edit", application_id=application.id,
                            step="documents"))


REQUEST_STEPS["insurance"] = request_step


@bp.route("/terms", methods=["GET", "POST"])
@permitted("read", InsuranceOffer)
@sensitive
def terms():
    """The insurer's covers and rates; its approvers change them, one cover at a time (the
    one whose "Change" they chose, the first by default), its terms in force filled in."""
    insurer = db.session.get(Organisation, current_user.org_id)
    may_manage = allowed(current_user, "manage", InsuranceOffer)
    form = TermsForm()
    status = 200
    if request.method == "POST":
        require("manage", InsuranceOffer)
        if form.validate_on_submit():
            try:
                offer_service.set_offer(insurer, form.cover.data, form.rate.data,
                                        form.active.data, current_user)
            except offer_service.OfferError as exc:
                form.rate.errors = [str(exc)]
            else:
                flash(_("The terms are saved."), "success")
                return redirect(url_for("insurance.terms"))
        status = 422
    offers = offer_service.offers_of(insurer)
    if request.method == "GET":
        chosen = request.args.get("cover", "")
        cover = chosen if chosen in COVERS else next(iter(COVERS))
        form.show(cover, offers.get(cover))
    cover = form.cover.data if form.cover.data in COVERS else None
    ceiling = offer_service.ceiling_bp(cover)
    if ceiling is not None:
        form.rate.description = _("At most %(ceiling)s a year for this cover.",
                                  ceiling=format_rate_bp(ceiling))
    return render_template("insurance/terms.html", insurer=insurer, covers=COVERS,
                           offers=offers, form=form, cover=cover,
                           may_manage=may_manage), status


@bp.get("/book")
@permitted("read", insurer_book.InsurerBook)
def book():
    """Policies in force, loss ratios, premiums due and unpaid, claims on their clocks."""
    today = business_today()
    org_id = current_user.org_id
    count, sum_insured = insurer_book.in_force(org_id)
    return render_template(
        "insurance/book.html", insurer=db.session.get(Organisation, org_id), today=today,
        in_force=count, sum_insured=sum_insured,
        ratios=insurer_book.ratios(org_id, today.year),
        unpaid=insurer_book.unpaid(org_id, today), clocks=insurer_book.clocks(org_id, today))
