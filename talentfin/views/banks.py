"""Partner banks' standing with the pool: NPL figures, suspensions, reinstatement, notices."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from talentfin import navigation
from talentfin import policy
from talentfin import storage
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.institutions import kind_of
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.policy import POOL
from talentfin.pool import figures as pool_figures
from talentfin.pool import standing
from talentfin.pool.cover import partner_kinds
from talentfin.pool.labels import standing_reason
from talentfin.pool.notices import bank_notices
from talentfin.storage import DOSSIERS
from talentfin.text import clean_text
from talentfin.views import pool_charts
from talentfin.views.access import permitted
from talentfin.views.access import require
from talentfin.views.access import sensitive

bp = Blueprint("banks", __name__, url_prefix="/banks")
navigation.add(
    navigation.Entry("banks.index", _l("Partner banks"), navigation.permission("pool.read"), 61),
    navigation.Entry("banks.notices", _l("Bank suspension notices"),
                     lambda role: kind_of(role) in partner_kinds(), 91),
)


@bp.get("/")
@permitted("read", POOL)
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
        standing_reason=standing_reason,
        can_reinstate=policy.allowed(current_user, "reinstate", Organisation))


@bp.post("/<int:bank_id>/reinstate")
@permitted("read", POOL)
@sensitive
def reinstate(bank_id: int):
    """The committee lifts a bank's suspension, with a reason."""
    bank = db.session.get(Organisation, bank_id)
    if bank is None or bank.kind not in partner_kinds():
        abort(404)
    require("reinstate", bank)
    try:
        standing.reinstate(bank, current_user, clean_text(request.form.get("reason", "")))
    except ValueError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("banks.index"))
    flash(_("The bank is reinstated."), "success")
    return redirect(url_for("banks.index"))


@bp.get("/notices")
@login_required
def notices():
    """Suspension notices: all of them for the pool and auditors, a bank's own for its staff."""
    banks = db.session.scalars(select(Organisation).where(
        Organisation.kind.in_(partner_kinds())).order_by(Organisation.name)).all()
    readable = [bank.id for bank in banks if policy.allowed(current_user, "read_notices", bank)]
    if not readable:
        abort(404)
    return render_template("banks/notices.html", notices=bank_notices(readable))


@bp.get("/notices/<int:dossier_id>")
@login_required
def notice(dossier_id: int):
    """Download a suspension notice (the pool, auditors and the bank's own staff)."""
    item = db.session.get(Dossier, dossier_id)
    if item is None or item.bank_id is None \
            or not policy.allowed(current_user, "download", item):
        abort(404)
    if item.status != "ready":
        abort(404)
    return storage.send(DOSSIERS, item.file_name, mimetype="application/pdf",
                        as_attachment=True)
