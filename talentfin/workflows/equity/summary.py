"""人才投's part of its dossiers' frozen summary, and of the resubmission snapshot."""

from talentfin.workflows.dossiers import iso
from talentfin.workflows.dossiers import present
from talentfin.workflows.equity.committee import meetings_of
from talentfin.workflows.equity.committee import tally
from talentfin.workflows.equity.committee import votes_of
from talentfin.workflows.equity.deal import returns
from talentfin.workflows.equity.diligence import workstreams
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.valuation import cap_table_after


def summary(app: EquityApplication) -> dict:
    """The request, the workstreams, the valuation, the latest meeting with its named votes,
    the deal's dates and the exit with its returns."""
    return {
        "request": {
            "asked_pre_money_fen": app.asked_pre_money_fen, "staff": app.staff,
            "rd_staff": app.rd_staff, "total_assets_fen": app.total_assets_fen,
            "revenue_fen": app.revenue_fen, "cap_table": list(app.cap_table or []),
        },
        "workstreams": [
            {"kind": w.kind, "owner": w.owner.name, "started_on": iso(w.started_on),
             "finding": w.finding, "finding_text": w.finding_text,
             "report": w.report.original_name if w.report else None,
             "report_sha256": w.report.sha256 if w.report else None,
             "closed_at": iso(w.closed_at)}
            for w in workstreams(app)],
        "valuation": _valuation(app),
        "meeting": _meeting(app),
        "deal": present(publicity_ends_on=iso(app.publicity_ends_on),
                        signed_on=iso(app.signed_on), funded_on=iso(app.funded_on)),
        "exit": _exit(app),
    }


def _valuation(app: EquityApplication) -> dict | None:
    if app.ticket_fen is None:
        return None
    return {"pre_money_fen": app.pre_money_fen, "ticket_fen": app.ticket_fen,
            "post_money_fen": app.pre_money_fen + app.ticket_fen, "stake_bp": app.stake_bp,
            "cap_table_after": [
                {"name": h.name, "stake_bp": h.stake_bp, "fund": h.fund}
                for h in cap_table_after(app, app.pre_money_fen, app.ticket_fen)]}


def _meeting(app: EquityApplication) -> dict | None:
    found = meetings_of(app)
    if not found:
        return None
    meeting = found[-1]
    count = tally(meeting)
    return {"number": len(found), "held_on": iso(meeting.held_on), "agenda": meeting.agenda,
            "chair": meeting.chair.name, "outcome": meeting.outcome,
            # Read afresh: a vote that arrived while the chair recorded the resolution is
            # counted in the tally (the meeting's row taken), so it is named here too.
            "votes": [{"member": v.member.name, "vote": v.vote, "reason": v.reason,
                       "at": iso(v.cast_at)} for v in votes_of(meeting)],
            "members": count.members, "recused": count.recused, "present": count.present,
            "for": count.for_, "against": count.against, "abstain": count.abstain,
            "quorum": count.quorum, "needed": count.needed,
            "quorum_bp": meeting.quorum_bp, "approval_bp": meeting.approval_bp}


def _exit(app: EquityApplication) -> dict | None:
    if app.exit_method is None:
        return None
    result = returns(app, app.exit_proceeds_fen, app.exited_on)
    return {"method": app.exit_method, "exited_on": iso(app.exited_on),
            "proceeds_fen": app.exit_proceeds_fen,
            "invested_fen": result.invested_fen if result else None,
            "multiple": str(result.multiple) if result and result.multiple is not None else None,
            "irr": str(result.irr) if result and result.irr is not None else None}


def snapshot(app: EquityApplication) -> dict:
    """The application's founder-editable fields (beside the common ones)."""
    return {"asked_pre_money_fen": app.asked_pre_money_fen, "staff": app.staff,
            "rd_staff": app.rd_staff, "total_assets_fen": app.total_assets_fen,
            "revenue_fen": app.revenue_fen, "cap_table": list(app.cap_table or [])}
