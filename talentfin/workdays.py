"""Working days in mainland China: public holidays and adjusted working days.

``chinesecalendar`` carries the State Council's yearly schedule. For a year it does not
know yet (the schedule is published each November), Monday to Friday counts, which is
what the schedule will mostly say; upgrading the package brings the real one.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """Whether offices work on this day."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def working_days_between(start: date | datetime, end: date | datetime) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    start_day = start.date() if isinstance(start, datetime) else start
    end_day = end.date() if isinstance(end, datetime) else end
    count = 0
    day = start_day + timedelta(days=1)
    while day <= end_day:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
