"""What a deal's people do beside its transitions, for the application page's "next step":
the committee's chair opens the meeting and its members vote (the resolution is a
transition), a workstream's owner files its finding, the founder files the reports the firm
owes. Each step is (role, label); for a reader, only the steps the page offers them."""

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.models import Application
from talentfin.models import User
from talentfin.workflows.equity.committee import chair_of
from talentfin.workflows.equity.committee import open_meeting_of
from talentfin.workflows.equity.committee import tally
from talentfin.workflows.equity.committee import votes_of
from talentfin.workflows.equity.diligence import may_file
from talentfin.workflows.equity.diligence import workstreams
from talentfin.workflows.equity.labels import COMMITTEE
from talentfin.workflows.equity.labels import PORTFOLIO
from talentfin.workflows.equity.monitoring import obligations_of

OPEN_MEETING = _l("Open the meeting")
VOTE = _l("Vote")
FILE_FINDING = _l("File the finding")
FILE_REPORTS = _l("File the reports owed to the fund")


def steps(application: Application, user: User | None = None) -> list[tuple[str, object]]:
    """The steps open now beside the transitions, as (role, label): everyone's (``user``
    None), or those the page offers ``user``."""
    if application.status == "ic_review":
        return _committee(application, user)
    if application.status == "due_diligence":
        return _diligence(application, user)
    if application.status in PORTFOLIO:
        return _reports(application, user)
    return []


def _committee(application: Application, user: User | None) -> list[tuple[str, object]]:
    """No meeting open: the chair opens it. A meeting open: the members vote, while the
    votes do not decide it yet (everyone's), or while the reader has not voted (theirs)."""
    meeting = open_meeting_of(application)
    if meeting is None:
        chair = chair_of(application.partner_org_id)
        if user is None or (chair is not None and chair.id == user.id):
            return [(COMMITTEE, OPEN_MEETING)]
        return []
    if user is None:
        waiting = tally(meeting).outcome is None
    else:
        waiting = user.id in meeting.member_ids and all(
            v.member_id != user.id for v in votes_of(meeting))
    return [(COMMITTEE, VOTE)] if waiting else []


def _diligence(application: Application, user: User | None) -> list[tuple[str, object]]:
    """A workstream still open: its owner files the finding (the fund's approver may)."""
    open_ = [w for w in workstreams(application) if w.closed_at is None]
    if user is None:
        return [(role, FILE_FINDING) for role in dict.fromkeys(w.owner.role for w in open_)]
    if any(may_file(user, w, application) for w in open_):
        return [(user.role, FILE_FINDING)]
    return []


def _reports(application: Application, user: User | None) -> list[tuple[str, object]]:
    """A report owed and not filed: the founder files it."""
    if user is not None and user.id != application.applicant_id:
        return []
    if any(o.submitted_at is None for o in obligations_of(application)):
        return [(FOUNDER, FILE_REPORTS)]
    return []
