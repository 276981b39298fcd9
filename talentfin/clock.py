"""The programme's calendar: business dates are dates in China (Asia/Shanghai).

Timestamps are stored in UTC (``models.base.utcnow``); a date that rules count with
(filing windows, working days, a policy's start, a decision's date) is the date in China,
so a decision taken at 07:00 in Qingdao is not dated the day before.
"""

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")


def business_today() -> date:
    """Today's date in China."""
    return datetime.now(ZONE).date()


def business_date(moment: datetime) -> date:
    """The date in China of a stored (naive UTC) timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(ZONE).date()


def business_datetime(moment: datetime) -> datetime:
    """A stored (naive UTC) timestamp as naive local time in China."""
    return moment.replace(tzinfo=UTC).astimezone(ZONE).replace(tzinfo=None)


def day_start(day: date) -> datetime:
    """The stored (naive UTC) timestamp at which a day in China begins."""
    return datetime.combine(day, datetime.min.time(), ZONE).astimezone(UTC).replace(tzinfo=None)
