"""The public page that checks a dossier's verification code (no login needed)."""

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request

from talentfin.i18n import _
from talentfin.i18n import _l
from talentfin.services import rates
from talentfin.services.dossier_files import dossier_by_code
from talentfin.workflows.labels import trigger_label

NOTICE = _l("Suspend the bank from new filings")


def decision_label(dossier) -> str:
    """What the dossier's decision was, in the reader's language."""
    if dossier is None:
        return ""
    if dossier.application_id is None:
        return str(NOTICE)
    return trigger_label(dossier.summary.get("product"), dossier.summary["decision"]["trigger"])

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.before_request
def _limited():
    """Lookups per network address are limited (guessing codes takes many)."""
    limit = current_app.config["VERIFY_MAX_PER_ADDRESS"]
    if not rates.allow("verify", request.remote_addr or "-", limit, 600):
        return render_template("errors/error.html", code=429, title=_("Too many lookups"),
                               message=_("Too many lookups from this network in the last ten "
                                         "minutes. Please try again later."),
                               application_url=None, typed=[]), 429, {"Retry-After": "600"}
    return None


@bp.get("/")
def lookup():
    """A form to type a code; shows the result when one is given."""
    code = (request.args.get("code") or "").strip()[:40]
    dossier = dossier_by_code(code) if code else None
    return render_template("verify/lookup.html", code=code, dossier=dossier,
                           decision_label=decision_label(dossier))


@bp.get("/<code>")
def show(code: str):
    """The result for a code (the QR code on a dossier points here); 404 when unknown."""
    code = code.strip()[:40]
    dossier = dossier_by_code(code)
    return render_template("verify/lookup.html", code=code, dossier=dossier,
                           decision_label=decision_label(dossier)), (
        200 if dossier else 404
    )
