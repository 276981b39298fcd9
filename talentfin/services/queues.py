"""Review queues: what waits for a reviewer, filtered, sorted and paginated in SQL.

A page is read as plain rows (``QueueRow``: only the columns the page shows, in one
joined query). Pages follow one another by position (``queue_positions``): the pager's
links carry the position of the page's last or first row, so a deep page costs what the
first does. A page number without a position (a typed URL) is read with OFFSET.
"""

from dataclasses import dataclass
from dataclasses import replace

from talentfin.extensions import db
from talentfin.institutions import FOUNDER
from talentfin.models import User
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_filter import QueueRow
from talentfin.services.queue_filter import chosen_pairs
from talentfin.services.queue_positions import decode_position
from talentfin.services.queue_positions import encode_position
from talentfin.services.queue_positions import sort_of
from talentfin.services.queue_sql import LAST_PAGE
from talentfin.services.queue_sql import BoundPairs
from talentfin.services.queue_sql import estimate_sql
from talentfin.services.queue_sql import shape_of
from talentfin.services.queue_sql import statements
from talentfin.workflows.registry import generation


@dataclass
class QueuePage:
    """One page of a queue. ``total`` is exact up to COUNT_CAP; above it, the planner's
    estimate where the database gives one (``estimated``: shown as "about N"), else
    COUNT_CAP (``total_capped``: "more than N")."""

    items: list[QueueRow]
    total: int
    page: int
    pages: int
    total_capped: bool = False
    org_names: tuple[str | None, str | None] = (None, None)  # the user's organisation, zh/en
    unread: int = 0  # the user's unread notifications, for the navigation bar
    previous_position: str | None = None  # where the previous page ends (None: first page)
    next_position: str | None = None  # where the next page starts (None: last page)
    estimated: bool = False

    def org_name(self, locale: str) -> str:
        """The user's organisation in the reader's language (as Organisation.display_name)."""
        name, name_en = self.org_names
        return (name_en if locale == "en" and name_en else name) or ""


COUNT_CAP = 1000
EXACT_CAP = 2**62  # a count's "cap" that caps nothing


def queue_page(user: User, wanted: QueueFilter, page_size: int) -> QueuePage:
    """The user's queue: visible applications matching the filter, one page of them.

    One statement reads the page asked for with the header (the capped count, the
    organisation's names, the unread notifications); a page one row longer than shown
    tells whether another follows. The last page (``before=LAST_PAGE``, the pager's "Last")
    is read from the end, its number from an exact count. A page after a position whose
    rows have all left falls back to the last page; a page before a position with nothing before
    it, to the first page; a numbered page past the end, to the last page.
    """
    if user.role == FOUNDER:  # founders have no queue; their visibility is not a bind
        return QueuePage([], 0, 1, 1)
    sort = sort_of(wanted.sort)
    to_the_end = wanted.before == LAST_PAGE and not wanted.after
    position = decode_position(sort, wanted.after or wanted.before)
    if position is None and not to_the_end:  # none given, or not a position of this sort
        wanted = replace(wanted, after="", before="")
    # The last page asked for by the pager's "Last" is counted exactly, to give its number
    # (a count of the whole queue, once; every other page counts up to the cap).
    params = {"user_id": user.id, "org_id": user.org_id, "tier": wanted.tier,
              "min_amount_fen": wanted.min_amount_fen,
              "max_amount_fen": wanted.max_amount_fen,
              "cap": EXACT_CAP if to_the_end else COUNT_CAP + 1}
    if position is not None:
        params.update(position_key=position[0], position_id=position[1])
    reader = _Reader(user.role, chosen_pairs(user.role, wanted), params, page_size)
    found = reader.read(wanted)
    if not found and wanted.after:
        wanted = replace(wanted, after="", before=LAST_PAGE, page=max(1, wanted.page - 1))
        found = reader.read(wanted)
    if not found and wanted.before:
        wanted = replace(wanted, before="", page=1)
        found = reader.read(wanted)
    total, name, name_en, unread = found[0][-4:] if found else reader.header(wanted)
    capped = total > COUNT_CAP and not to_the_end
    if not found and wanted.page > 1 and not capped:
        wanted = replace(wanted, page=max(1, -(-total // page_size)))
        found = reader.read(wanted)
    estimate = reader.estimate(wanted) if capped else None
    more = len(found) > page_size
    if wanted.before:
        found = found[-(_rows_on_last_page(total, page_size) if to_the_end else page_size):]
        # Read from the end (the rows after a page had all left): nothing follows it.
        first_page, last_page = not more, wanted.before == LAST_PAGE
    else:
        found = found[:page_size]
        first_page, last_page = not wanted.after and wanted.page <= 1, not more
    page = 1 if first_page else max(2, wanted.page)
    if last_page and not first_page and not capped:
        page = max(2, -(-total // page_size))  # the last page's number, from the count
    shown = estimate if estimate is not None else total if to_the_end else min(total, COUNT_CAP)
    pages = max(1, -(-shown // page_size), page + (0 if last_page else 1))
    if last_page:
        pages = page
    rows = [QueueRow(*row[:-5]) for row in found]
    return QueuePage(
        rows, shown, page, pages, capped and estimate is None, (name, name_en), unread,
        previous_position=None if first_page or not found
        else encode_position(sort, found[0][-5], rows[0].id),
        next_position=None if last_page or not found
        else encode_position(sort, found[-1][-5], rows[-1].id),
        estimated=estimate is not None)


def _rows_on_last_page(total: int, page_size: int) -> int:
    """What the last page holds: the rows left after the full pages before it (so that its
    rows and its number are those the pages read forwards give)."""
    return total - (max(1, -(-total // page_size)) - 1) * page_size or page_size


class _Reader:
    """Runs one user's queue statements (Core execution: plain rows, no ORM machinery)."""

    def __init__(self, role: str, pairs: tuple, params: dict, page_size: int):
        self.role, self.pairs, self.page_size = role, pairs, page_size
        self.params = {**params, **BoundPairs.params(pairs)}
        self.connection = db.session.connection()
        self.dialect = self.connection.dialect.name

    def read(self, wanted: QueueFilter) -> list:
        """The page's rows with the header, one more than shown, in the queue's order."""
        _header, rows, _conditions = statements(
            self.role, shape_of(self.role, wanted), self.dialect, generation())
        offset = 0 if wanted.after or wanted.before else (max(1, wanted.page) - 1) * self.page_size
        found = self.connection.execute(rows, {
            **self.params, "offset": offset, "limit": self.page_size + 1,
            "branch_limit": offset + self.page_size + 1}).all()
        return found[::-1] if wanted.before else found

    def header(self, wanted: QueueFilter) -> tuple:
        """The header alone (for an empty page)."""
        header, _rows, _conditions = statements(
            self.role, shape_of(self.role, wanted), self.dialect, generation())
        return tuple(self.connection.execute(header, self.params).one())

    def estimate(self, wanted: QueueFilter) -> int | None:
        """The planner's estimate of the queue's length (PostgreSQL), or None."""
        if self.connection.dialect.name != "postgresql":
            return None
        sql, defaults = estimate_sql(self.role, shape_of(self.role, wanted), self.pairs,
                                      self.connection.dialect, generation())
        values = {**defaults, **{name: value for name, value in self.params.items()
                                 if name in defaults}}
        plan = self.connection.exec_driver_sql(sql, values).scalar()
        rows = int(plan[0]["Plan"]["Plan Rows"])
        return rows if rows > COUNT_CAP else None
