"""Project approval and due diligence: the approver opens the three workstreams (business,
legal, financial), each with an owner among the fund's staff; each owner files the report
and the finding (no red flag, or a red flag said in words); due diligence completes when all
three are closed."""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.workflows.context import FireContext
from talentfin.workflows.equity.labels import APPROVER
from talentfin.workflows.equity.labels import FINDINGS
from talentfin.workflows.equity.labels import FUND_STAFF
from talentfin.workflows.equity.labels import WORKSTREAMS
from talentfin.workflows.equity.labels import label_of
from talentfin.workflows.equity.models import Workstream
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused

REPORT_KINDS = {kind: f"dd_{kind}" for kind in WORKSTREAMS}


def fund_staff(application: Application) -> list[User]:
    """The fund's active staff who may own a workstream."""
    return list(db.session.scalars(select(User).where(
        User.org_id == application.partner_org_id, User.role.in_(FUND_STAFF),
        User.active.is_(True)).order_by(User.id)))


def prescreened_by(application: Application) -> User | None:
    """The investment manager who passed the prescreen (the default owner)."""
    log = db.session.scalar(select(TransitionLog).where(
        TransitionLog.application_id == application.id,
        TransitionLog.trigger == "prescreen_pass").order_by(TransitionLog.id.desc()).limit(1))
    return db.session.get(User, log.actor_id) if log and log.actor_id else None


def owners_valid(ctx: FireContext) -> str | None:
    """Each workstream has an owner among the fund's active staff."""
    owners = ctx.data.get("owners") or {}
    staff = {user.id for user in fund_staff(ctx.application)}
    for kind, label in WORKSTREAMS.items():
        if owners.get(kind) not in staff:
            return _("Choose the owner of the %(workstream)s among the fund's staff.",
                     workstream=label)
    return None


def open_workstreams(ctx: FireContext) -> None:
    """Effect: the three workstreams, open, with their owners (again after a return)."""
    owners = ctx.data["owners"]
    existing = {w.kind: w for w in workstreams(ctx.application)}
    for kind in WORKSTREAMS:
        stream = existing.get(kind)
        if stream is None:
            db.session.add(Workstream(application_id=ctx.application.id, kind=kind,
                                      owner_id=owners[kind], started_on=ctx.today))
        else:
            stream.owner_id = owners[kind]
            stream.started_on = ctx.today


def workstreams(application: Application) -> list[Workstream]:
    """The application's workstreams in the order business, legal, financial."""
    found = {w.kind: w for w in db.session.scalars(select(Workstream).where(
        Workstream.application_id == application.id))}
    return [found[kind] for kind in WORKSTREAMS if kind in found]


def may_file(user: User, stream: Workstream, application: Application) -> bool:
    """Its owner files a workstream's finding; the fund's approver may do it for them."""
    return user.id == stream.owner_id or (
        user.role == APPROVER and user.org_id == application.partner_org_id)


def file_finding(application: Application, kind: str, user: User, finding: str, text: str,
                 report: Attachment | None) -> Workstream:
    """Close a workstream with its report and finding (filed again, it replaces them).
    Flushes; the caller commits."""
    stream = check_finding(application, kind, user, finding, text)
    report = report or latest_report(application, kind)
    if report is None:
        raise Refused(_("Upload the %(workstream)s report.", workstream=label_of(WORKSTREAMS,
                                                                                kind)))
    stream.report_id, stream.finding, stream.finding_text = report.id, finding, text.strip()
    stream.closed_at, stream.closed_by_id = utcnow(), user.id
    db.session.flush()
    return stream


def check_finding(application: Application, kind: str, user: User, finding: str,
                  text: str) -> Workstream:
    """The workstream a finding may be filed on by this user, or the refusal (checked
    before its report is stored: a refused finding leaves no upload behind)."""
    if application.status != "due_diligence":
        raise Refused(_("Due diligence is not under way on this application."))
    stream = next((w for w in workstreams(application) if w.kind == kind), None)
    if stream is None:
        raise Refused(_("This application has no such workstream."))
    if not may_file(user, stream, application):
        raise Forbidden(_("Only the workstream's owner, or the fund's approver, files its "
                          "finding."))
    if finding not in FINDINGS:
        raise Refused(_("Choose the finding: no red flag, or a red flag."))
    if finding == "red_flag" and not text.strip():
        raise Refused(_("Say what the red flag is."))
    return stream


def latest_report(application: Application, kind: str) -> Attachment | None:
    """The workstream's report as last uploaded."""
    return db.session.scalar(select(Attachment).where(
        Attachment.application_id == application.id, Attachment.kind == REPORT_KINDS[kind],
        Attachment.superseded_at.is_(None)))


def diligence_complete(ctx: FireContext) -> str | None:
    """All three workstreams are closed."""
    found = {w.kind: w for w in workstreams(ctx.application)}
    open_ = [label_of(WORKSTREAMS, k) for k in WORKSTREAMS
             if k not in found or found[k].closed_at is None]
    if open_:
        return _("Still open: %(workstreams)s. Every workstream files its report and finding "
                 "first.", workstreams=", ".join(open_))
    return None


def red_flags(application: Application) -> list[Workstream]:
    """The workstreams that raised a red flag."""
    return [w for w in workstreams(application) if w.finding == "red_flag"]


def red_flags_answered(ctx: FireContext) -> str | None:
    """A red flag goes to the committee only with the manager's word on it."""
    if red_flags(ctx.application) and not ctx.comment.strip():
        return _("Due diligence raised a red flag: say in the comment why the project goes on.")
    return None
