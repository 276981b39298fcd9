"""Issue #11 (the scheduler keeps time as the rules do): a request for information expires
its working days after the day it was made in China. One made between 00:00 and 08:00
China time is still the day before in UTC; counted from the UTC date it expired a working
day (here a weekend and more) early."""

from datetime import datetime

from talentfin.extensions import db
from talentfin.jobs import JOBS
from talentfin.jobs import run_job
from talentfin.models import Application
from talentfin.workdays import add_working_days
from tests import factories

JOB = next(job for job in JOBS if job.name == "expire_info_requests")
# 20:00 UTC on Sunday 1 March 2026 is 04:00 on Monday 2 March in China.
ASKED_AT = datetime(2026, 3, 1, 20, 0)


def _status(application) -> str:
    db.session.expire_all()
    return db.session.get(Application, application.id).status


def test_a_request_made_before_eight_in_china_counts_from_the_china_date(world):
    application = factories.loan_in(world, "info_requested")
    factories.set_columns(application, status_changed_at=ASKED_AT)
    last_day = add_working_days(datetime(2026, 3, 2).date(), 10)
    assert last_day.isoformat() == "2026-03-16"  # (from the UTC date, 1 March: the 13th)
    # 09:00 in China on Monday 16 March: the tenth working day, the request still open.
    assert run_job(JOB, datetime(2026, 3, 16, 1, 0)) == "ok: 0"
    assert _status(application) == "info_requested"
    # The day after, it has expired.
    assert run_job(JOB, datetime(2026, 3, 17, 1, 0)) == "ok: 1"
    assert _status(application) == "expired"
