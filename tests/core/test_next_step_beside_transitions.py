"""The application page's "next step" where what is to be done is not (only) a transition:
before the investment committee the chair opens the meeting, the members vote and the chair
records the resolution; a member of staff is never told the founder's step (withdrawing
the application) is theirs, a member never that the chair's resolution is theirs. In due
diligence a workstream's owner files the finding; a portfolio firm's founder files the
reports owed. Read in English (``tests.web.login``)."""

import pytest

from talentfin.extensions import db
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import monitoring
from talentfin.workflows.equity.diligence import workstreams
from tests.equity.factories import Funds
from tests.equity.factories import equity_in
from tests.equity.factories import file_all_findings
from tests.equity.factories import make_funds
from tests.equity.factories import open_meeting
from tests.web import login
from tests.web import text

COMMITTEE = "Fund investment committee of fund-1"
WITHDRAW = "Withdraw the application"


@pytest.fixture
def funds(world) -> Funds:
    """Two funds, fund 1's committee of five (the first its chair)."""
    return make_funds()


def _next_step(client, auth, user, application_id: int) -> str:
    """The next-step line of the application page as ``user`` reads it."""
    auth.logout()
    login(auth, user)
    page = text(client.get(f"/applications/{application_id}"))
    start = page.index('id="next-step">') + len('id="next-step">')
    return page[start:page.index("</span>", start)].replace("&#39;", "'")


def _vote(meeting, member, choice: str = "for") -> None:
    committee.cast_vote(meeting, member, choice, "")


def test_before_the_meeting_the_chair_is_told_to_open_it_and_nobody_to_withdraw(
        client, auth, world, funds):
    deal = equity_in(world, funds, "ic_review")
    chair, member = funds.chair1, funds.members1[1]
    assert _next_step(client, auth, chair, deal.id) == "Your turn next: Open the meeting."
    others = f"Next: {COMMITTEE}: Open the meeting."
    for user in (member, funds.manager1, funds.approver1, world.founder):
        assert _next_step(client, auth, user, deal.id) == others, user.email


def test_at_the_meeting_a_member_who_has_not_voted_is_told_to_vote(client, auth, world, funds):
    deal = equity_in(world, funds, "ic_review")
    meeting = open_meeting(deal)
    first, second = funds.members1[1], funds.members1[2]
    assert _next_step(client, auth, first, deal.id) == "Your turn next: Vote."
    _vote(meeting, first)
    assert _next_step(client, auth, first, deal.id) == f"Next: {COMMITTEE}: Vote."
    assert _next_step(client, auth, second, deal.id) == "Your turn next: Vote."
    for user in (funds.manager1, world.founder):
        assert _next_step(client, auth, user, deal.id) == f"Next: {COMMITTEE}: Vote."


def test_once_the_votes_decide_only_the_chair_is_told_to_record_the_resolution(
        client, auth, world, funds):
    deal = equity_in(world, funds, "ic_review")
    meeting = open_meeting(deal)
    for member in funds.members1[:4]:  # 4 for of 4 needed: approved, one still to vote
        _vote(meeting, member)
    record = "Record the resolution: approved"
    assert _next_step(client, auth, funds.chair1, deal.id) == f"Your turn next: {record}."
    for user in (funds.members1[1], funds.manager1, world.founder):
        assert _next_step(client, auth, user, deal.id) == f"Next: {COMMITTEE}: {record}.", \
            user.email
    # The member still to vote is offered the vote form, and told so.
    assert _next_step(client, auth, funds.members1[4], deal.id) == "Your turn next: Vote."


def test_no_member_of_staff_is_told_the_founders_step_before_the_committee(
        client, auth, world, funds):
    deal = equity_in(world, funds, "ic_review")
    meeting = None
    staff = (*funds.members1, funds.manager1, funds.approver1, world.park_reviewer,
             world.auditor)
    for stage in ("no meeting", "voting", "decided"):
        if stage == "voting":
            meeting = open_meeting(deal)
        elif stage == "decided":
            for member in funds.members1[1:5]:
                _vote(meeting, member, "against")
        for user in staff:
            said = _next_step(client, auth, user, deal.id)
            assert WITHDRAW not in said, (stage, user.email, said)
    # The founder may withdraw (the page offers it) but is not told it is the next step.
    assert WITHDRAW not in _next_step(client, auth, world.founder, deal.id)


def test_in_due_diligence_an_owner_is_told_to_file_the_finding(client, auth, world, funds):
    deal = equity_in(world, funds, "due_diligence")
    assert {w.owner_id for w in workstreams(deal)} == {funds.manager1.id}
    assert _next_step(client, auth, funds.manager1, deal.id) == (
        "Your turn next: Complete due diligence, or File the finding.")
    assert _next_step(client, auth, world.founder, deal.id) == (
        "Next: Investment manager of fund-1: Complete due diligence, or File the finding.")
    file_all_findings(deal)
    assert _next_step(client, auth, funds.manager1, deal.id) == (
        "Your turn next: Complete due diligence.")


def test_a_portfolio_founder_is_told_to_file_the_reports_owed(client, auth, world, funds):
    deal = equity_in(world, funds, "monitoring")
    monitoring.schedule(deal, deal.funded_on.replace(year=deal.funded_on.year + 1))
    db.session.commit()
    assert _next_step(client, auth, world.founder, deal.id) == (
        "Your turn next: File the reports owed to the fund.")
    said = _next_step(client, auth, funds.manager1, deal.id)
    assert said == "Your turn next: Propose the exit.", said
