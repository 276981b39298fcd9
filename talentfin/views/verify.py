"""The public page that checks a dossier's verification code (no login needed)."""

from flask import Blueprint
from flask import render_template
from flask import request

from talentfin.services.dossiers import dossier_by_code

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.get("/")
def lookup():
    """A form to type a code; shows the result when one is given."""
    code = (request.args.get("code") or "").strip()[:40]
    dossier = dossier_by_code(code) if code else None
    return render_template("verify/lookup.html", code=code, dossier=dossier)


@bp.get("/<code>")
def show(code: str):
    """The result for a code (the QR code on a dossier points here); 404 when unknown."""
    code = code.strip()[:40]
    dossier = dossier_by_code(code)
    return render_template("verify/lookup.html", code=code, dossier=dossier), (
        200 if dossier else 404
    )
