"""人才板's own pages: the founder's request step, a financing recorded or verified and an
annual report filed on the listing's page, and the exchange's page."""

from flask import Blueprint
from flask import render_template
from flask_login import current_user
from flask_login import login_required

from talentfin import navigation
from talentfin.clock import business_today
from talentfin.forms.base import BaseForm
from talentfin.forms.board import AnnualReportForm
from talentfin.forms.board import BoardRequestForm
from talentfin.forms.board import FinancingForm
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import kind_of
from talentfin.services.board import desk
from talentfin.views.access import act_on_page
from talentfin.views.access import permitted
from talentfin.views.access import product_application_or_404
from talentfin.views.application_steps import REQUEST_STEPS
from talentfin.views.application_steps import request_step_of
from talentfin.workflows.board.labels import TIERS
from talentfin.workflows.board.listing import request_problems

bp = Blueprint("board", __name__, url_prefix="/board")
navigation.add(navigation.Entry("board.exchange", _l("Exchange's book"),
                                lambda role: kind_of(role) == "exchange", 90))


def request_step(application, context: dict):
    """Which recommending institution, which tier, how many holders, what the firm does."""
    return request_step_of(application, context, BoardRequestForm(), request_problems,
                           "board/step_request.html")


REQUEST_STEPS["board"] = request_step


def _listing_or_404(application_id: int):
    return product_application_or_404(application_id, "board")


def _act(application, form, action, done: str):
    return act_on_page(application, form, "#financings", action, done, (desk.UploadRefused,))


@bp.post("/<int:application_id>/financings")
@login_required
def record_financing(application_id: int):
    """The listed firm or the exchange's officer records a financing."""
    application = _listing_or_404(application_id)
    form = FinancingForm(prefix="financing")
    return _act(application, form, lambda: desk.record_financing(
        application, current_user, business_today(), on=form.on.data,
        instrument=form.instrument.data, amount_fen=form.amount.data,
        investors=form.investors.data, holders_after=form.holders_after.data,
        qualified=form.qualified.data), _("The financing is recorded."))


@bp.post("/<int:application_id>/financings/<int:financing_id>/verify")
@login_required
def verify_financing(application_id: int, financing_id: int):
    """The exchange's officer verifies a financing the firm recorded."""
    application = _listing_or_404(application_id)
    return _act(application, BaseForm(), lambda: desk.verify_financing(
        application, financing_id, current_user), _("The financing is verified."))


@bp.post("/<int:application_id>/annual-reports/<int:disclosure_id>")
@login_required
def annual_report(application_id: int, disclosure_id: int):
    """The founder files a year's annual report."""
    application = _listing_or_404(application_id)
    form = AnnualReportForm(prefix=f"report-{disclosure_id}")
    return _act(application, form, lambda: desk.file_annual_report(
        application, disclosure_id, current_user, form.report.data),
        _("The annual report is filed."))


@bp.get("/exchange")
@permitted("read", desk.ExchangeBook)
def exchange():
    """Listings by tier, annual reports due and late, financings to verify, delisting
    candidates."""
    return render_template("board/exchange.html", page=desk.exchange_page(business_today()),
                           tiers=TIERS, today=business_today())
