"""Start page, language switch and a bare health route."""

from flask import Blueprint
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import refresh
from flask_login import current_user

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.institutions import may
from talentfin.views.access import safe_local_path

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send each user to the page they work from."""
    if not current_user.is_authenticated:
        return render_template("main/index.html")
    if current_user.role == FOUNDER:
        return redirect(url_for("applications.mine"))
    if may(current_user.role, "accounts.manage"):
        return redirect(url_for("admin.users"))
    return redirect(url_for("queue.index"))


@bp.post("/language")
def set_language():
    """Switch the interface language (kept in the session and on the account)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
        refresh()  # drop a locale cached on the context (tests share one app context)
    return redirect(safe_local_path(request.form.get("next"), url_for("main.index")))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/healthz")
def health():
    """A bare route for load balancers and the benchmark's baseline."""
    return "ok"
