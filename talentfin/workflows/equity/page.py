"""What 人才投's part of the application page shows: the request and cap table, the
workstreams, the valuation with the cap table after, the committee's meeting and votes, the
deal's dates, the reports owed and the returns."""

from talentfin.clock import business_today
from talentfin.institutions import may
from talentfin.models import User
from talentfin.workflows.equity import labels
from talentfin.workflows.equity.committee import chair_of
from talentfin.workflows.equity.committee import meetings_of
from talentfin.workflows.equity.committee import open_meeting_of
from talentfin.workflows.equity.committee import tally
from talentfin.workflows.equity.deal import returns
from talentfin.workflows.equity.diligence import may_file
from talentfin.workflows.equity.diligence import workstreams
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.monitoring import obligations_of
from talentfin.workflows.equity.valuation import cap_table_after


def page(application: EquityApplication, user: User) -> dict:
    """Everything the deal's cards show, computed once for the template."""
    today = business_today()
    fund_side = user.org_id is not None and user.org_id == application.partner_org_id
    # The fund's deliberations (findings, named votes) are the fund's and the auditor's.
    internal = fund_side or may(user.role, "applications.read_all")
    meeting = open_meeting_of(application)
    meetings = meetings_of(application)
    shown = meeting or (meetings[-1] if meetings else None)
    my_vote = None
    if shown is not None:
        my_vote = next((v for v in shown.votes if v.member_id == user.id), None)
    streams = workstreams(application)
    return {
        "labels": labels, "today": today, "fund_side": fund_side, "internal": internal,
        "workstreams": streams,
        "may_file": {w.kind: may_file(user, w, application) for w in streams},
        "after": cap_table_after(application, application.pre_money_fen,
                                 application.ticket_fen) if application.ticket_fen else [],
        "meeting": shown, "open_meeting": meeting,
        "tally": tally(shown) if shown is not None else None,
        "chair": chair_of(application.partner_org_id) if fund_side else None,
        "is_member": shown is not None and user.id in shown.member_ids,
        "my_vote": my_vote,
        "obligations": obligations_of(application),
        "returns": returns(application, application.exit_proceeds_fen, application.exited_on),
    }
