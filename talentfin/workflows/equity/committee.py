"""The investment committee: its members are the fund's users with the committee role, one
of them its chair. The chair opens a meeting on an application with its agenda; each member
votes once (for, against, abstain) or recuses for a conflict; the chair records the
resolution once the votes decide it. Quorum and majority come from the policy table, each a
share of all the meeting's members: members present (a recused member is not) must be at
least the quorum, and approval needs the majority voting for.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.workflows.context import FireContext
from talentfin.workflows.equity.labels import COMMITTEE
from talentfin.workflows.equity.labels import VOTES
from talentfin.workflows.equity.models import Committee
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.errors import Conflict
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused

MIN_MEMBERS = 3  # products.md: committees of 3 to 11 members


def members(org_id: int | None) -> list[User]:
    """The fund's committee: its active users with the committee role."""
    return list(db.session.scalars(select(User).where(
        User.org_id == org_id, User.role == COMMITTEE, User.active.is_(True))
        .order_by(User.id)))


def committee_of(org_id: int | None) -> Committee | None:
    """The fund's committee record (its chair)."""
    return db.session.scalar(select(Committee).where(Committee.org_id == org_id))


def chair_of(org_id: int | None) -> User | None:
    """The committee's chair, if one is named and still an active member."""
    committee = committee_of(org_id)
    if committee is None:
        return None
    chair = committee.chair
    return chair if chair.active and chair.role == COMMITTEE and chair.org_id == org_id else None


def set_chair(org_id: int, user: User) -> Committee:
    """Name the chair (one of the committee's members). Flushes; the caller commits."""
    if user.role != COMMITTEE or user.org_id != org_id or not user.active:
        raise Refused(_("The chair is one of the committee's members."))
    committee = committee_of(org_id)
    if committee is None:
        committee = Committee(org_id=org_id, chair_id=user.id)
        db.session.add(committee)
    committee.chair_id = user.id
    db.session.flush()
    return committee


def open_meeting_of(application: Application) -> Meeting | None:
    """The meeting on this application not yet resolved."""
    return db.session.scalar(select(Meeting).where(
        Meeting.application_id == application.id, Meeting.closed_at.is_(None)))


def meetings_of(application: Application) -> list[Meeting]:
    """Every meeting on the application, oldest first."""
    return list(db.session.scalars(select(Meeting).where(
        Meeting.application_id == application.id).order_by(Meeting.id)))


def check_opener(application: Application, chair: User) -> None:
    """Who opens a meeting and when: the committee's chair, on an application before the
    committee with no meeting open. Raises the refusal."""
    if application.status != "ic_review":
        raise Refused(_("The application is not before the investment committee."))
    if chair_of(application.partner_org_id) != chair:
        raise Forbidden(_("Only the committee's chair opens a meeting."))
    if open_meeting_of(application) is not None:
        raise Conflict(_("A meeting on this application is already open."))


def open_meeting(application: Application, chair: User, agenda: str, held_on: date) -> Meeting:
    """The chair opens the committee's meeting on an application awaiting it, dated today
    or earlier (China's date); the members and the thresholds are those of that day.
    Commits."""
    check_opener(application, chair)
    agenda = agenda.strip()
    if not agenda:
        raise Refused(_("Write the meeting's agenda."))
    today = business_today()
    if held_on > today:
        raise Refused(_("The meeting cannot be dated after today, %(day)s.",
                        day=today.isoformat()))
    present = members(application.partner_org_id)
    if len(present) < MIN_MEMBERS:
        raise Refused(_("The committee has %(count)s members; a meeting needs at least "
                        "%(min)s.", count=len(present), min=MIN_MEMBERS))
    meeting = Meeting(application_id=application.id, chair_id=chair.id, agenda=agenda,
                      held_on=held_on, member_ids=[u.id for u in present],
                      quorum_bp=int_parameter("equity_ic_quorum_bp", held_on),
                      approval_bp=int_parameter("equity_ic_approval_bp", held_on),
                      open_for=application.id)
    db.session.add(meeting)
    try:
        db.session.commit()
    except IntegrityError as exc:  # another meeting was opened on it meanwhile
        db.session.rollback()
        raise Conflict(_("A meeting on this application is already open.")) from exc
    return meeting


def votes_of(meeting: Meeting) -> list[Vote]:
    """The meeting's votes as stored now, in the order cast (not the collection loaded with
    the meeting, which misses a vote cast since)."""
    return list(db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id)
                                   .order_by(Vote.id)))


def check_voter(meeting: Meeting, member: User) -> None:
    """Who votes: a member of the meeting who has not voted yet. Raises the refusal."""
    if member.id not in meeting.member_ids:
        raise Forbidden(_("Only the meeting's members vote."))
    if any(v.member_id == member.id for v in votes_of(meeting)):
        raise Conflict(_("You have already voted at this meeting."))


def cast_vote(meeting: Meeting, member: User, vote: str, reason: str) -> Vote:
    """A member's vote, once; a recusal says why (the conflict). Commits."""
    if member.id not in meeting.member_ids:
        raise Forbidden(_("Only the meeting's members vote."))
    if vote not in VOTES:
        raise Refused(_("Choose for, against, abstain, or recuse."))
    reason = reason.strip()
    if vote == "recuse" and not reason:
        raise Refused(_("Say what the conflict of interest is."))
    # Taking the meeting's row first: a vote and the resolution never cross.
    touched = db.session.execute(update(Meeting).where(
        Meeting.id == meeting.id, Meeting.closed_at.is_(None))
        .values(votes_cast=Meeting.votes_cast + 1)).rowcount
    # An application withdrawn meanwhile (its meeting ended) decides nothing.
    withdrawn = db.session.scalar(select(Application.status).where(
        Application.id == meeting.application_id)) != "ic_review" and (
        touched or db.session.scalar(select(Meeting.outcome).where(
            Meeting.id == meeting.id)) == "withdrawn")
    if withdrawn:
        db.session.rollback()
        raise Refused(_("The application is not before the investment committee."))
    if not touched:
        db.session.rollback()
        raise Conflict(_("The meeting is closed: its resolution is recorded."))
    cast = Vote(meeting_id=meeting.id, member_id=member.id, vote=vote, reason=reason)
    db.session.add(cast)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("You have already voted at this meeting.")) from exc
    return cast


@dataclass(frozen=True)
class Tally:
    """The votes of a meeting counted against its thresholds, both shares of all the
    meeting's members (products.md: two thirds present, approval by two thirds of all
    members); a recused member is not present and does not vote for."""

    members: int
    recused: int
    present: int  # voted for, against or abstained
    for_: int
    against: int
    abstain: int
    pending: int
    quorum: int  # members present needed
    needed: int  # votes for needed

    @property
    def outcome(self) -> str | None:
        """approved, rejected, or None while the votes still to come could decide it."""
        if self.present >= self.quorum and self.for_ >= self.needed:
            return "approved"
        if self.for_ + self.pending < self.needed or (
                self.present + self.pending < self.quorum) or not self.pending:
            return "rejected"
        return None


def _ceil_share(count: int, bp: int) -> int:
    return (count * bp + 9_999) // 10_000


def tally(meeting: Meeting) -> Tally:
    """Count the meeting's votes (read afresh)."""
    votes = votes_of(meeting)
    count = {key: sum(1 for v in votes if v.vote == key) for key in VOTES}
    total = len(meeting.member_ids)
    return Tally(members=total, recused=count["recuse"],
                 present=count["for"] + count["against"] + count["abstain"],
                 for_=count["for"], against=count["against"], abstain=count["abstain"],
                 pending=total - len(votes), quorum=_ceil_share(total, meeting.quorum_bp),
                 needed=_ceil_share(total, meeting.approval_bp))


def resolution(outcome: str):
    """Guard: the chair records the resolution the votes reached."""
    def check(ctx: FireContext) -> str | None:
        meeting = open_meeting_of(ctx.application)
        if meeting is None:
            return _("The chair opens the committee's meeting first.")
        if ctx.user is None or ctx.user.id != meeting.chair_id:
            return _("Only the meeting's chair records its resolution.")
        reached = tally(meeting).outcome
        if reached is None:
            return _("The votes do not decide it yet: the members still to vote could.")
        if reached != outcome:
            return (_("The votes approved the investment.") if reached == "approved"
                    else _("The votes did not approve the investment."))
        return None
    check.__name__ = f"resolution_{outcome}"
    return check


def end_open_meeting(ctx: FireContext) -> None:
    """Effect: a meeting open on an application withdrawn ends without a resolution."""
    db.session.execute(update(Meeting).where(
        Meeting.application_id == ctx.application.id, Meeting.closed_at.is_(None))
        .values(closed_at=utcnow(), outcome="withdrawn", open_for=None))


def decided(outcome: str):
    """The resolution's button shows once the votes reached this outcome, to the meeting's
    chair (to anyone when no user is named: the page's "next step")."""
    def reached(application: Application, user: User | None = None) -> bool:
        meeting = open_meeting_of(application)
        if meeting is None or (user is not None and user.id != meeting.chair_id):
            return False
        return tally(meeting).outcome == outcome
    reached.__name__ = f"decided_{outcome}"
    return reached


def close_meeting(ctx: FireContext) -> None:
    """Effect: the meeting closed with its outcome, after the votes are counted again with
    its row taken (a vote that arrived since the guard's count is counted)."""
    meeting = open_meeting_of(ctx.application)
    outcome = "approved" if ctx.transition.trigger == "ic_approve" else "rejected"
    taken = db.session.execute(update(Meeting).where(
        Meeting.id == meeting.id, Meeting.closed_at.is_(None))
        .values(closed_at=utcnow(), outcome=outcome, open_for=None)).rowcount
    if not taken or tally(meeting).outcome != outcome:
        raise Conflict(_("A vote arrived meanwhile; look at the votes again."))
