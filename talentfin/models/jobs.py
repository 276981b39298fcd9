"""Scheduled job runs: one row per job and period makes every job idempotent per period."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from talentfin.extensions import db
from talentfin.models.base import utcnow


class JobRun(db.Model):
    """A job's run for one period (e.g. a day); a second run of the period is refused."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    host: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Starts of this period's run: more than one when a scheduler that died during the run
    # left it unfinished and the next one took it over.
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
