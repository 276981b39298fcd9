"""The reviewer's queue page.

Rendered on every request from the rows read on that request. A per-process memo of the
rendered page was measured on distinct requests (``flask bench``, ``queue_distinct``) and
removed: users rarely ask twice for the same page of the same rows (see the README).
"""

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import get_locale
from flask_login import current_user

from talentfin.clock import business_date
from talentfin.clock import business_today
from talentfin.forms.base import amount_message
from talentfin.i18n import _
from talentfin.institutions import may
from talentfin.models import TALENT_TIERS
from talentfin.money import MoneyError
from talentfin.money import parse_yuan
from talentfin.policy import QUEUE
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_filter import QueueRow
from talentfin.services.queue_filter import queue_states
from talentfin.services.queue_filter import visible_states
from talentfin.services.queue_positions import SORTS
from talentfin.services.queue_sql import LAST_PAGE
from talentfin.services.queues import queue_page
from talentfin.text import whole_number
from talentfin.views.access import permitted
from talentfin.workdays import working_days_between
from talentfin.workflows.access import READ_ALL
from talentfin.workflows.labels import state_choices
from talentfin.workflows.labels import state_label
from talentfin.workflows.labels import state_names
from talentfin.workflows.registry import products
from talentfin.workflows.registry import products_with_role

bp = Blueprint("queue", __name__, url_prefix="/queue")


MAX_PAGE = 10_000


def _read_amount(text: str) -> tuple[int | None, str | None]:
    """An amount typed into the filter, in fen, and why it is not used (shown under the
    field): (None, None) when empty."""
    if not text.strip():
        return None, None
    try:
        fen = parse_yuan(text.strip())
    except MoneyError as exc:
        return None, amount_message(exc)
    return (fen, None) if fen >= 0 else (None, _("An amount cannot be negative."))


def _amounts(args: dict) -> tuple[int | None, int | None, str | None]:
    """The minimum and maximum amounts to filter by, and why neither is used when the
    minimum is above the maximum (shown under the maximum)."""
    low, high = (_read_amount(args.get(name, ""))[0] for name in ("min_amount", "max_amount"))
    if low is not None and high is not None and low > high:
        return None, None, _("The maximum is below the minimum: neither amount is applied.")
    return low, high, None


def read_filter() -> QueueFilter:
    """The queue filter from the query string; bad values fall back to defaults."""
    args = request.args.to_dict()  # a plain dict: MultiDict.get raises and catches per miss
    low, high, _range_error = _amounts(args)
    status = args.get("status", "")
    product = args.get("product", "")
    return QueueFilter(
        status=status if status in ("all", "") or status in state_names() else "",
        product=product if product in {p.key for p in products()} else "",
        tier=args.get("tier", "") if args.get("tier", "") in TALENT_TIERS else "",
        min_amount_fen=low,
        max_amount_fen=high,
        mine=args.get("mine") == "1",
        sort=args.get("sort", "oldest") if args.get("sort") in SORTS else "oldest",
        page=_page_number(args),
        # Positions from the pager's links (checked by the service: anything else is
        # read as no position); at most one of them is used.
        after=args.get("after", "")[:80],
        before="" if args.get("after") else args.get("before", "")[:80],
    )


def _page_number(args: dict) -> int:
    """The page's number. A page read by its number alone is bounded (a huge number would
    overflow the database's OFFSET); one read by a position (the pager's links, which may
    be deep in a long queue) keeps its number, which is only shown."""
    number = whole_number(args.get("page"), 10**9) or 1
    return number if args.get("after") or args.get("before") else min(number, MAX_PAGE)


@bp.get("/")
@permitted("read", QUEUE)
def index():
    """Applications waiting for this reviewer, oldest first."""
    wanted = read_filter()
    result = queue_page(current_user, wanted, current_app.config["QUEUE_PAGE_SIZE"])
    values = {
        "result": result, "wanted": wanted,
        # The filter offers the products (and their states) on the user's route; those who
        # may read every application (the auditor) are offered all.
        "own_products": tuple(p.key for p in products()
                              if may(current_user.role, READ_ALL)
                              or p in products_with_role(current_user.role))
        or tuple(p.key for p in products()),
        # The query string as given: the amounts are shown as typed, and the pager's links
        # keep the other arguments.
        "args": tuple(request.args.items(multi=True)),
    }
    return render_template("queue/index.html", **_content_values(values, business_today()),
                           # Read with the page's rows, in the same statement.
                           unread_notification_count=lambda: result.unread)


def _first_values(args: tuple) -> dict:
    """The first value of each argument, in order (as MultiDict.to_dict)."""
    first: dict = {}
    for name, value in args:
        first.setdefault(name, value)
    return first


def _page_url(args: tuple, page: int | None, **position: str) -> str:
    """The queue's URL of another page (its number, and the position it starts after or
    ends before; the last page has no number in its URL), the other arguments kept."""
    kept = {name: value for name, value in _first_values(args).items()
            if name not in ("after", "before", "page")}
    numbered = {} if page is None else {"page": page}
    return url_for("queue.index", **kept, **numbered, **position)


def _content_values(values: dict, today) -> dict:
    """What the page shows, from the page's rows and the filter."""
    def waited(item: QueueRow) -> int:
        return working_days_between(business_date(item.status_changed_at), today)

    result, args = values["result"], values["args"]
    given = _first_values(args)
    pager = {
        "previous_url": _page_url(args, result.page - 1, before=result.previous_position)
        if result.previous_position else _page_url(args, result.page - 1),
        "next_url": _page_url(args, result.page + 1, after=result.next_position)
        if result.next_position else "",
        "first_url": _page_url(args, 1),
        # Read from the end: a deep queue's last page costs what its first does.
        "last_url": _page_url(args, None, before=LAST_PAGE),
    } if result.pages > 1 or result.page > 1 else {}
    own = tuple(p for p in products() if p.key in values["own_products"])
    seen = {state for _product, state in visible_states(current_user.role)}
    return {**values, **pager, "waited": waited,
            # Whether anything can wait for the reader (else their queue is all they see).
            "acts": bool(queue_states(current_user.role)),
            "org_name": result.org_name(str(get_locale() or "zh")),
            # The states the reader may have files in (no draft, none before a file
            # reaches the pool), not every state of their products.
            "states": {key: label for key, label in state_choices(own).items() if key in seen},
            "tiers": TALENT_TIERS,
            "products": [(p.key, str(p.label)) for p in own], "state_label": state_label,
            "min_amount": given.get("min_amount", ""), "max_amount": given.get("max_amount", ""),
            "min_amount_error": _read_amount(given.get("min_amount", ""))[1],
            "max_amount_error": _read_amount(given.get("max_amount", ""))[1],
            "amount_range_error": _amounts(given)[2]}
