"""人才投's own pages: the application's request step, the fund's desk on a deal (a
workstream's finding, the committee's meeting and votes, a portfolio report), the
committee's chair, and the fund's book."""

from flask import Blueprint
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
from talentfin.clock import business_date
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.equity import ChairForm
from talentfin.forms.equity import EquityRequestForm
from talentfin.forms.equity import FindingForm
from talentfin.forms.equity import MeetingForm
from talentfin.forms.equity import ReportForm
from talentfin.forms.equity import VoteForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import kind_of
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.services.equity import desk
from talentfin.services.equity import portfolio as book
from talentfin.views.access import act_on_page
from talentfin.views.access import permitted
from talentfin.views.access import product_application_or_404
from talentfin.views.access import sensitive
from talentfin.views.application_page import actions_for
from talentfin.views.application_page import page_context
from talentfin.views.application_steps import REQUEST_STEPS
from talentfin.views.application_steps import request_step_of
from talentfin.workflows.equity.committee import chair_of
from talentfin.workflows.equity.committee import members
from talentfin.workflows.equity.labels import WORKSTREAMS
from talentfin.workflows.equity.request import request_problems
from talentfin.workflows.errors import Refused
from talentfin.workflows.errors import TransitionError

bp = Blueprint("equity", __name__, url_prefix="/equity")
navigation.add(navigation.Entry("equity.fund_book", _l("Fund's book"),
                                lambda role: kind_of(role) == "fund", 90))


def request_step(application, context: dict):
    """Which fund, how much at what valuation, the firm's size and cap table."""
    return request_step_of(application, context, EquityRequestForm(), request_problems,
                           "equity/step_request.html")


REQUEST_STEPS["equity"] = request_step


def _equity_or_404(application_id: int):
    return product_application_or_404(application_id, "equity")


def _act(application, form, anchor: str, action, done: str):
    return act_on_page(application, form, anchor, action, done, (desk.UploadRefused,))


@bp.post("/<int:application_id>/workstreams/<kind>")
@login_required
def finding(application_id: int, kind: str):
    """A workstream's owner files its report and finding."""
    application = _equity_or_404(application_id)
    if kind not in WORKSTREAMS:
        abort(404)
    form = FindingForm(prefix=f"ws-{kind}")
    return _act(application, form, "#diligence", lambda: desk.file_finding(
        application, kind, current_user, form.finding.data, form.text.data or "",
        form.report.data), _("The finding of the %(workstream)s is filed.",
                             workstream=WORKSTREAMS[kind]))


def _committee_page(application, name: str, form):
    """The application page again, the committee's form ``name`` as typed with its errors."""
    db.session.refresh(application)
    context = page_context(application, actions_for(application))
    context["own"] = {**context["own"], name: form}
    return render_template("applications/detail.html", **context), 422


def _committee_act(application, name: str, form, may, action, done: str):
    """A committee's form: who may send it and when first (a refusal said on the page, as
    for any of the desk's forms); then what was typed, refused on the page again with the
    form as typed (422, as a refused decision); then the action."""
    back = url_for("applications.detail", application_id=application.id) + "#committee"
    try:
        may()
    except TransitionError as exc:
        flash(exc.message, "danger")
        return redirect(back)
    if not form.validate_on_submit():
        flash(_("Please correct the marked fields."), "danger")
        return _committee_page(application, name, form)
    try:
        action()
    except Refused as exc:
        flash(exc.message, "danger")
        return _committee_page(application, name, form)
    except TransitionError as exc:  # a colleague's meeting or vote meanwhile
        flash(exc.message, "danger")
    else:
        flash(done, "success")
    return redirect(back)


@bp.post("/<int:application_id>/meeting")
@login_required
def open_meeting(application_id: int):
    """The committee's chair opens its meeting on the application."""
    application = _equity_or_404(application_id)
    form = MeetingForm(prefix="meeting")
    if application.status == "ic_review":
        form.earliest = business_date(application.status_changed_at)
    return _committee_act(
        application, "meeting_form", form,
        lambda: desk.may_open_meeting(application, current_user),
        lambda: desk.open_meeting(application, current_user, form.agenda.data,
                                  form.held_on.data),
        _("The meeting is open: the members may vote."))


@bp.post("/<int:application_id>/vote")
@login_required
@sensitive
def vote(application_id: int):
    """A committee member votes at the open meeting."""
    application = _equity_or_404(application_id)
    form = VoteForm(prefix="vote")
    return _committee_act(
        application, "vote_form", form, lambda: desk.may_vote(application, current_user),
        lambda: desk.vote(application, current_user, form.vote.data, form.reason.data or ""),
        _("Your vote is recorded."))


@bp.post("/<int:application_id>/reports/<int:obligation_id>")
@login_required
def report(application_id: int, obligation_id: int):
    """The founder files a report the portfolio firm owes."""
    application = _equity_or_404(application_id)
    form = ReportForm(prefix=f"report-{obligation_id}")
    return _act(application, form, "#reports", lambda: desk.file_report(
        application, obligation_id, current_user, form.report.data), _("The report is filed."))


@bp.route("/book", methods=["GET", "POST"])
@permitted("read", book.FundBook)
def fund_book():
    """The pipeline, late due diligence, the committee's agenda, the portfolio, the exits;
    the approver names the committee's chair here."""
    today = business_today()
    org_id = current_user.org_id
    form = ChairForm(prefix="chair")
    committee = members(org_id)
    form.chair_id.choices = [(u.id, u.name) for u in committee]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            chair = db.session.get(User, form.chair_id.data)
            try:
                desk.name_chair(org_id, current_user, chair)
            except TransitionError as exc:
                flash(exc.message, "danger")
                status = 403
            else:
                flash(_("%(name)s chairs the investment committee.", name=chair.name),
                      "success")
                return redirect(url_for("equity.fund_book"))
        else:
            status = 422
    chair = chair_of(org_id)
    if not form.is_submitted() and chair is not None:
        form.chair_id.data = chair.id
    fund = db.session.get(Organisation, org_id)
    return render_template(
        "equity/book.html", fund=fund, today=today,
        pipeline=book.pipeline(org_id), late_dd=book.late_diligence(org_id, today),
        agenda=book.agenda(org_id), holdings=book.portfolio(org_id, today),
        exits=book.exits(org_id), workstreams=WORKSTREAMS, committee=committee, chair=chair,
        form=form, may_name_chair=policy.allowed(current_user, "name_chair", fund)), status
