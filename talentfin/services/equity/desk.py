"""What the fund's staff, its committee and the portfolio founder do on a deal beside its
transitions: a workstream's report and finding, the committee's chair and meetings, the
votes, and a report owed. Each commits on its own; a refusal raises TransitionError."""

from datetime import date

from werkzeug.datastructures import FileStorage

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import may
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.policy import can
from talentfin.policy import rule
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import save_attachment
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import diligence
from talentfin.workflows.equity import monitoring
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Obligation
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused

__all__ = ["UploadRefused", "file_finding", "file_report", "may_open_meeting", "may_vote",
           "name_chair", "open_meeting", "vote"]


def file_finding(application: Application, kind: str, user: User, finding: str, text: str,
                 report: FileStorage | None) -> None:
    """A workstream's report (uploaded now, or the one already there) and its finding; the
    finding is checked first, so a refused one stores no report."""
    diligence.check_finding(application, kind, user, finding, text)
    attachment = None
    if report is not None and report.filename:
        attachment = save_attachment(application, diligence.REPORT_KINDS.get(kind, "other"),
                                     report, user)
    try:
        diligence.file_finding(application, kind, user, finding, text, attachment)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


@rule(Organisation, "name_chair")
def _may_name_chair(user: User, fund, _action: str) -> tuple[bool, str]:
    """The fund's approver names its committee's chair. The class: whether the user names
    a chair anywhere."""
    if may(user.role, "committee.name_chair") and user.org_id is not None and (
            isinstance(fund, type) or user.org_id == fund.id):
        return True, ""
    return False, _("The fund's approver names the committee's chair.")


def name_chair(org_id: int, actor: User, chair: User) -> None:
    """The fund's approver names the committee's chair."""
    fund = db.session.get(Organisation, org_id)
    allowed, reason = can(actor, "name_chair", fund) if fund is not None else (False, "")
    if not allowed:
        raise Forbidden(reason or _("The fund's approver names the committee's chair."))
    try:
        committee.set_chair(org_id, chair)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def may_open_meeting(application: Application, chair: User) -> None:
    """Whether the user opens the meeting now, before what they typed is read: raises the
    refusal (``committee.check_opener``)."""
    committee.check_opener(application, chair)


def open_meeting(application: Application, chair: User, agenda: str, held_on: date) -> Meeting:
    """The chair opens the meeting (``committee.open_meeting``)."""
    return committee.open_meeting(application, chair, agenda, held_on)


def _meeting_to_vote_at(application: Application) -> Meeting:
    meeting = committee.open_meeting_of(application)
    if meeting is None and application.status != "ic_review":
        raise Refused(_("The application is not before the investment committee."))
    if meeting is None:
        raise Refused(_("No meeting is open on this application."))
    return meeting


def may_vote(application: Application, member: User) -> None:
    """Whether the user votes now (a meeting open, theirs, no vote of theirs yet), before
    what they chose is read: raises the refusal."""
    committee.check_voter(_meeting_to_vote_at(application), member)


def vote(application: Application, member: User, choice: str, reason: str) -> None:
    """A member votes at the open meeting."""
    committee.cast_vote(_meeting_to_vote_at(application), member, choice, reason)


def file_report(application: Application, obligation_id: int, user: User,
                report: FileStorage) -> Obligation:
    """The founder uploads and files a report owed."""
    obligation = db.session.get(Obligation, obligation_id)
    if obligation is None or obligation.application_id != application.id:
        raise Refused(_("This report is not owed on this application."))
    if obligation.submitted_at is not None:
        raise Refused(_("This report was already filed."))
    attachment = save_attachment(application, monitoring.DOCUMENT[obligation.kind], report,
                                 user)
    return monitoring.file_report(application, obligation, user, attachment)
