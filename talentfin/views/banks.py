"""Partner banks' standing with the pool: NPL figures, suspensions, reinstatement."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user
from flask_login import login_required

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.services import dossiers
from talentfin.services import pool_figures
from talentfin.services import standing
from talentfin.views import pool_charts
from talentfin.views.access import POOL_READERS
from talentfin.views.access import roles_required

bp = Blueprint("banks", __name__, url_prefix="/banks")
READERS = POOL_READERS


@bp.get("/")
@roles_required(*READERS)
def index():
    """Every partner bank with its covered book, NPL ratio and standing.

    The figures and their formatting are the pool dashboard's (``pool_figures.bank_npl``,
    ``pool_charts.pct``): one computation, so the two pages never show two numbers.
    """
    today = business_today()
    banks = pool_figures.bank_npl(today)
    # standing.history reads only the bank's id.
    history = {bank.id: standing.history(bank) for bank in banks}
    return render_template(
        "banks/index.html", banks=banks, history=history,
        thresholds=pool_charts.thresholds(today), pct=pool_charts.pct,
        can_reinstate=current_user.role == "pool_committee")


@bp.post("/<int:bank_id>/reinstate")
@roles_required(*READERS)
def reinstate(bank_id: int):
    """The committee lifts a bank's suspension, with a reason."""
    bank = db.session.get(Organisation, bank_id)
    if bank is None or bank.kind != "bank":
        abort(404)
    try:
        standing.reinstate(bank, current_user, request.form.get("reason", ""))
    except PermissionError as exc:
        abort(403, str(exc))
    except ValueError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("banks.index"))
    flash(_("The bank is reinstated."), "success")
    return redirect(url_for("banks.index"))


def _may_see_notice(dossier: Dossier) -> bool:
    if current_user.role in READERS:
        return True
    return (current_user.role in ("bank_officer", "bank_approver")
            and current_user.org_id == dossier.bank_id)


@bp.get("/notices")
@login_required
def notices():
    """Suspension notices: all of them for the pool and auditors, a bank's own for its staff."""
    if current_user.role in READERS:
        bank_ids = [book.bank.id for book in standing.bank_books()]
    elif current_user.role in ("bank_officer", "bank_approver"):
        bank_ids = [current_user.org_id]
    else:
        abort(404)
    items = [d for bank_id in bank_ids for d in dossiers.bank_notices(bank_id)]
    return render_template("banks/notices.html", notices=items)


@bp.get("/notices/<int:dossier_id>")
@login_required
def notice(dossier_id: int):
    """Download a suspension notice (the pool, auditors and the bank's own staff)."""
    item = db.session.get(Dossier, dossier_id)
    if item is None or item.bank_id is None or not _may_see_notice(item):
        abort(404)
    if item.status != "ready" or not dossiers.dossier_path(item).is_file():
        abort(404)
    return send_file(dossiers.dossier_path(item), mimetype="application/pdf",
                     as_attachment=True, download_name=item.file_name)
