"""The review queue read in keyset order, for the partner API: a page continues after the
last row of the page before (its cursor), so no item repeats or is skipped when others
arrive or leave in between, and the thousandth page costs what the first does.

Same visibility, filters and states as the page (``services.queues``); the waiting-time
sorts only, which are the queue's index order.
"""

import base64
import binascii
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import tuple_

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import User
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_filter import QueueRow
from talentfin.services.queue_filter import state_pairs
from talentfin.services.queue_sql import CLAIMER
from talentfin.services.queue_sql import queue_conditions
from talentfin.text import whole_number

KEYSET_SORTS = ("oldest", "newest")


def encode_cursor(row: QueueRow) -> str:
    """The position after ``row``, as an opaque string."""
    raw = f"{row.status_changed_at.isoformat()}|{row.id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position a cursor names; ValueError for anything that is not one (a forged
    cursor with an id no database integer holds, or a time with an offset, included)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        text, _bar, raw_id = raw.partition("|")
        moment = datetime.fromisoformat(text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("not a cursor of this queue") from exc
    row_id = whole_number(raw_id)
    if row_id is None or moment.tzinfo is not None:
        raise ValueError("not a cursor of this queue")
    return moment, row_id


def queue_after(user: User, wanted: QueueFilter, after: tuple[datetime, int] | None,
                limit: int) -> tuple[list[QueueRow], str | None]:
    """Up to ``limit`` rows of the user's queue after the position ``after`` (None: from
    the start), and the cursor of the next page (None at the end)."""
    if user.role == FOUNDER or wanted.sort not in KEYSET_SORTS:
        return [], None
    conditions, statuses = queue_conditions(user, wanted)
    newest = wanted.sort == "newest"
    position = tuple_(Application.status_changed_at, Application.id)
    query = (
        select(Application.id, Application.reference, Application.product,
               func.coalesce(Application.firm_name, Enterprise.name),
               Application.talent_tier, Application.amount_fen, Application.status,
               Application.status_changed_at, CLAIMER.name)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .outerjoin(CLAIMER, CLAIMER.id == Application.claimed_by_id)
        .where(*conditions))
    if statuses is not None:
        query = query.where(state_pairs(statuses))
    if after is not None:
        query = query.where(position < tuple_(*after) if newest else position > tuple_(*after))
    order = (Application.status_changed_at.desc(), Application.id.desc()) if newest else \
        (Application.status_changed_at.asc(), Application.id.asc())
    params = {"user_id": user.id, "org_id": user.org_id, "product": wanted.product,
              "tier": wanted.tier, "min_amount_fen": wanted.min_amount_fen,
              "max_amount_fen": wanted.max_amount_fen}
    rows = [QueueRow(*row) for row in
            db.session.execute(query.order_by(*order).limit(limit + 1), params)]
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more else None
