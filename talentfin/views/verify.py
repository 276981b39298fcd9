"""The public page that checks a dossier's verification code."""

from flask import Blueprint
from flask import render_template
from flask import request
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Dossier

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.get("/")
def lookup():
    """A form to type a code; shows the result when one is given."""
    code = (request.args.get("code") or "").strip().upper()
    dossier = None
    if code:
        dossier = db.session.scalar(select(Dossier).where(Dossier.verify_code == code))
    return render_template("verify/lookup.html", code=code, dossier=dossier)


@bp.get("/<code>")
def show(code: str):
    """The result for a code (the QR code on a dossier points here)."""
    dossier = db.session.scalar(select(Dossier).where(Dossier.verify_code == code.upper()))
    return render_template("verify/lookup.html", code=code, dossier=dossier), (200 if dossier else 404)
