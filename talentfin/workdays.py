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
    if end_day <= start_day:
        return 0
    return _working_days_until(end_day) - _working_days_until(start_day)


def _working_days_until(day: date) -> int:
    """Working days from 1 January of the day's year up to and including the day, plus
    those of earlier years since 2000 (a running count: differences are what matter)."""
    return _year_start_count(day.year) + _year_table(day.year)[day.timetuple().tm_yday - 1]


@lru_cache(maxsize=64)
def _year_table(year: int) -> tuple[int, ...]:
    """Running count of working days through each day of a year."""
    counts, total = [], 0
    day = date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += timedelta(days=1)
    return tuple(counts)


@lru_cache(maxsize=64)
def _year_start_count(year: int) -> int:
    """Working days in the years from 2000 up to (not including) ``year``."""
    if year <= 2000:
        return 0
    return _year_start_count(year - 1) + _year_table(year - 1)[-1]


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
