"""The reviewer's queue page."""

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required

from talentfin.labels import STATES
from talentfin.models import TALENT_TIERS
from talentfin.models.base import utcnow
from talentfin.money import MoneyError
from talentfin.money import parse_yuan
from talentfin.services.queues import SORTS
from talentfin.services.queues import QueueFilter
from talentfin.services.queues import actionable_states
from talentfin.services.queues import queue_page

bp = Blueprint("queue", __name__, url_prefix="/queue")


def _amount(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_yuan(raw)
    except MoneyError:
        return None


def read_filter() -> QueueFilter:
    """The queue filter from the query string; bad values fall back to defaults."""
    args = request.args
    page = args.get("page", "1")
    return QueueFilter(
        status=args.get("status", "") if args.get("status", "") in (*STATES, "all", "") else "",
        product=args.get("product", ""),
        tier=args.get("tier", "") if args.get("tier", "") in TALENT_TIERS else "",
        min_amount_fen=_amount("min_amount"),
        max_amount_fen=_amount("max_amount"),
        mine=args.get("mine") == "1",
        sort=args.get("sort", "oldest") if args.get("sort") in SORTS else "oldest",
        page=int(page) if page.isdigit() else 1,
    )


@bp.get("/")
@login_required
def index():
    """Applications waiting for this reviewer, oldest first."""
    if current_user.role in ("founder", "admin"):
        abort(404)
    wanted = read_filter()
    result = queue_page(current_user, wanted, current_app.config["QUEUE_PAGE_SIZE"])
    return render_template("queue/index.html", result=result, wanted=wanted, now=utcnow(),
                           states=STATES, tiers=TALENT_TIERS,
                           actionable=actionable_states(current_user.role))
