"""Positions in a sorted queue, for keyset pagination of the queue page.

A page ends at a position: the sort key and the id of its last (or first) row. The next
page is read from the rows after that position, the previous one from the rows before it,
so a deep page costs what the first does (no OFFSET that reads and drops every row in
front of it) and rows that arrive or leave in between are neither repeated nor skipped.

A sort is its key (the waiting time, or the amount asked for, a missing amount counting
as 0) and the direction of the key and of the tie-breaking id.
"""

import base64
import binascii
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import BigInteger
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy import or_

from talentfin.models import Application
from talentfin.text import MAX_BIGINT
from talentfin.text import whole_number


class Sort(NamedTuple):
    """A queue order: its key column, and whether the key and the id run descending."""

    column: str
    key_descending: bool
    id_descending: bool


# Each descending sort is its ascending one read backwards (ties too: the newest first),
# so that an index in the ascending order serves both. With the ties the other way
# ("largest first, then the oldest"), every run of equal amounts was read whole and sorted:
# a range of listings, which ask for no amount, at once (63 ms for the auditor at 1,000,000).
SORTS = {
    "oldest": Sort("status_changed_at", False, False),
    "newest": Sort("status_changed_at", True, True),
    "amount_desc": Sort("requested_amount_fen", True, True),
    "amount_asc": Sort("requested_amount_fen", False, False),
}


def sort_of(name: str) -> Sort:
    """The sort of that name; the default (oldest first) for anything else."""
    return SORTS.get(name, SORTS["oldest"])


def sort_key(columns, sort: Sort):
    """The key of a sort over ``columns`` (the model, or a subquery's ``.c``)."""
    column = getattr(columns, sort.column)
    # The 0 written out, not bound: the amount indexes are on this very expression, and
    # a planner matches an indexed expression only to the same text.
    return column if sort.column == "status_changed_at" \
        else func.coalesce(column, literal_column("0"))


def order_terms(key, row_id, sort: Sort, backwards: bool = False) -> tuple:
    """ORDER BY terms reading the sort forwards, or backwards (towards the first row)."""
    key_down = sort.key_descending != backwards
    id_down = sort.id_descending != backwards
    return (key.desc() if key_down else key.asc(), row_id.desc() if id_down else row_id.asc())


def beyond(key, row_id, sort: Sort, backwards: bool = False):
    """Rows after the bound position (``position_key``, ``position_id``) in the reading
    direction. The key's bound (<= or >=) alone gives the index a range to start from."""
    key_down = sort.key_descending != backwards
    id_down = sort.id_descending != backwards
    key_type = Application.status_changed_at.type if sort.column == "status_changed_at" \
        else BigInteger()
    at_key = bindparam("position_key", type_=key_type)
    at_id = bindparam("position_id")
    return and_(key <= at_key if key_down else key >= at_key,
                or_(key < at_key if key_down else key > at_key,
                    and_(key == at_key, row_id < at_id if id_down else row_id > at_id)))


def encode_position(sort: Sort, key, row_id: int) -> str:
    """A position as an opaque string for the page's links."""
    text = key.isoformat() if isinstance(key, datetime) else str(int(key or 0))
    raw = f"{text}|{row_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_position(sort: Sort, position: str) -> tuple[object, int] | None:
    """The (key, id) a position names in that sort, or None for anything else (a forged
    position with a number too large for the database's integers included)."""
    try:
        raw = base64.urlsafe_b64decode(position + "=" * (-len(position) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    text, _bar, raw_id = raw.partition("|")
    row_id = whole_number(raw_id)
    if row_id is None:
        return None
    if sort.column != "status_changed_at":
        key = whole_number(text, MAX_BIGINT)
        return None if key is None else (key, row_id)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    # The column holds naive UTC times: an offset would not compare on PostgreSQL.
    return (moment, row_id) if moment.tzinfo is None else None
