"""人才投's own records: the deal's fields (joined to the application envelope), its due
diligence workstreams, the investment committee's meetings and named votes, the fund's cash
flows with the firm, and the reports the firm owes while in the portfolio."""

from datetime import date
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import User
from talentfin.models.base import utcnow


class EquityApplication(Application):
    """A 人才投 application: what the founder asks, the fund's valuation, the deal, the exit.

    ``requested_amount_fen`` is the investment asked for; ``cap_table`` the holders before
    the round as the founder states them: [{"name": ..., "stake_bp": ...}, ...].
    """

    __tablename__ = "equity_applications"

    id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    asked_pre_money_fen: Mapped[int | None] = mapped_column(BigInteger)
    staff: Mapped[int | None] = mapped_column(Integer)
    rd_staff: Mapped[int | None] = mapped_column(Integer)
    total_assets_fen: Mapped[int | None] = mapped_column(BigInteger)
    revenue_fen: Mapped[int | None] = mapped_column(BigInteger)
    cap_table: Mapped[list] = mapped_column(JSON, default=list)

    # The valuation filed by the investment manager after due diligence.
    pre_money_fen: Mapped[int | None] = mapped_column(BigInteger)
    ticket_fen: Mapped[int | None] = mapped_column(BigInteger)
    stake_bp: Mapped[int | None] = mapped_column(Integer)  # the fund's stake after the round
    valued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    publicity_ends_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    funded_on: Mapped[date | None] = mapped_column(Date)

    # The exit: proposed by the manager, approved by another of the fund's staff.
    exit_method: Mapped[str | None] = mapped_column(String(12))
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_proceeds_fen: Mapped[int | None] = mapped_column(BigInteger)
    exit_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __mapper_args__ = {"polymorphic_identity": "equity", "polymorphic_load": "selectin",
                       "inherit_condition": id == Application.id}

    def current_amount(self) -> int | None:
        """The ticket once valued, else the investment asked for."""
        return self.ticket_fen if self.ticket_fen is not None else self.requested_amount_fen


class Workstream(db.Model):
    """One of the three due diligence workstreams: its owner, report and finding."""

    __tablename__ = "equity_workstreams"
    __table_args__ = (UniqueConstraint("application_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # business, legal, financial
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_on: Mapped[date] = mapped_column(Date)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    finding: Mapped[str | None] = mapped_column(String(10))  # clear, red_flag
    finding_text: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    report: Mapped[Attachment | None] = relationship()


class Committee(db.Model):
    """A fund's investment committee: its members are the fund's users with the committee
    role; this row names its chair."""

    __tablename__ = "equity_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    chair: Mapped[User] = relationship()


class Meeting(db.Model):
    """An investment committee meeting on one application: the chair opens it with its
    agenda, the members vote, and the resolution closes it. The members are fixed when it
    opens (so are the thresholds)."""

    __tablename__ = "equity_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    chair_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    agenda: Mapped[str] = mapped_column(Text)
    held_on: Mapped[date] = mapped_column(Date)
    member_ids: Mapped[list] = mapped_column(JSON)
    quorum_bp: Mapped[int] = mapped_column(Integer)
    approval_bp: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The application while the meeting is open (unique: one open meeting at a time).
    open_for: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    votes_cast: Mapped[int] = mapped_column(Integer, default=0)
    # Set once, by the resolution: approved or rejected.
    outcome: Mapped[str | None] = mapped_column(String(10))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    chair: Mapped[User] = relationship(foreign_keys=[chair_id])
    votes: Mapped[list["Vote"]] = relationship(order_by="Vote.id", lazy="selectin")


class Vote(db.Model):
    """One member's vote at a meeting: for, against, abstain, or recused; cast once."""

    __tablename__ = "equity_votes"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("equity_meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    vote: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    member: Mapped[User] = relationship()


class CashFlow(db.Model):
    """The fund's money with the firm, dated: the investment out (negative) and what the
    exit brought in (positive); the multiple and the IRR are computed from these rows."""

    __tablename__ = "equity_cash_flows"
    __table_args__ = (UniqueConstraint("application_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # investment, exit
    on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Obligation(db.Model):
    """A report the portfolio firm owes: a quarter's management accounts (due 30 days after
    the quarter) or a year's audited accounts (due 4 months after it)."""

    __tablename__ = "equity_obligations"
    __table_args__ = (UniqueConstraint("application_id", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # quarterly, annual
    period: Mapped[str] = mapped_column(String(8))  # 2026Q3, 2026
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    attachment: Mapped[Attachment | None] = relationship()
