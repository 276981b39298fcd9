"""The investment committee: the chair opens a meeting with its agenda; the members fixed
that day vote once each (for, against, abstain, or recuse saying why); quorum and majority
come from the policy table as it stood when the meeting opened (by default two thirds of all
the members present, and two thirds of all the members voting for); only the chair records the
resolution, and only the one the votes reached; a closed meeting takes no vote. Votes cast
at the same moment (from their own sessions and connections, on SQLite and PostgreSQL) are
each counted once, and a vote racing the resolution is either in it or refused."""

import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import User
from talentfin.services.equity import desk
from talentfin.workflows import engine
from talentfin.workflows.equity import committee
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Vote
from tests import factories
from tests.equity.factories import add_members
from tests.equity.factories import advance
from tests.equity.factories import equity_in
from tests.equity.factories import open_meeting
from tests.equity.factories import refusal
from tests.equity.factories import refused
from tests.equity.factories import set_parameter
from tests.equity.factories import vote_all

# A resolution the votes did not reach is not offered; posted anyway (a stale page), the
# chair is told the page is out of date.
NOT_NOW = "This does not apply to this application now."


def _sized(funds, size: int) -> None:
    """Fund 1's committee at ``size`` members: members leave, or join, before the meeting."""
    for member in funds.members1[size:]:
        member.active = False
    db.session.commit()
    if size > len(funds.members1):
        add_members(funds.fund1, size - len(funds.members1))


def _before_committee(world, funds, size: int = 5) -> EquityApplication:
    application = equity_in(world, funds, "ic_review")
    _sized(funds, size)
    return application


def _votes(meeting: Meeting) -> list[tuple[str, str]]:
    """(member, vote) as stored, in the order cast."""
    db.session.expire_all()
    return [(v.member.email, v.vote) for v in db.session.scalars(
        select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.id))]


def _resolution(application) -> dict:
    """The IC resolution dossier's frozen meeting."""
    db.session.expire_all()
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id, Dossier.stage == "ic_resolution")).one()
    return dossier.summary["meeting"]


F, A, X, R = "for", "against", "abstain", "recuse"
# (members, votes in turn, votes for needed, the outcome they reach): two thirds of all the
# members present and voting for (a recused member is neither).
CASES = [
    (3, [F], 2, None),
    (3, [F, A], 2, None),  # the last member could still carry it
    (3, [F, F], 2, "approved"),  # carried before the last member votes
    (3, [F, A, X], 2, "rejected"),
    (3, [F, A, A], 2, "rejected"),
    (3, [R, F, F], 2, "approved"),  # 2 of all 3
    (3, [R, F, X], 2, "rejected"),
    (3, [R, R, F], 2, "rejected"),  # 1 for: the recusals leave too few to carry it
    (3, [R, R, R], 2, "rejected"),  # nobody left to decide
    (5, [F, F, F], 4, None),
    (5, [F, F, F, A], 4, None),
    (5, [F, F, F, F], 4, "approved"),
    (5, [F, F, F, A, X], 4, "rejected"),
    (5, [F, F, A, A], 4, "rejected"),  # lost before the last member votes
    (5, [R, F, F, F], 4, None),  # 3 for; the last member could make it 4 of 5
    (5, [R, F, F, F, F], 4, "approved"),
    (5, [R, F, F, A, X], 4, "rejected"),
    (5, [R, R, F, F], 4, "rejected"),
    (7, [F, F, F, F], 5, None),
    (7, [F, F, F, F, A, A], 5, None),
    (7, [F, F, F, F, F], 5, "approved"),
    (7, [F, F, F, F, A, A, A], 5, "rejected"),
    (7, [R, F, F, F, F], 5, None),
    (7, [R, F, F, F, F, F], 5, "approved"),
    (7, [R, F, F, F, A, A, A], 5, "rejected"),
    (7, [R, R, F, F, F, F, F], 5, "approved"),  # 5 of all 7
    (7, [R, R, F, F, F, F, A], 5, "rejected"),
]


def _resolved_as(world, funds, application, outcome: str | None) -> None:
    """The chair can record exactly the resolution the votes reached, and then records it."""
    if outcome is None:
        for trigger in ("ic_approve", "ic_reject"):
            assert refused(world, funds, application, trigger, error=engine.Conflict) == NOT_NOW
        return
    wrong, right = (("ic_reject", "ic_approve") if outcome == "approved"
                    else ("ic_approve", "ic_reject"))
    assert refused(world, funds, application, wrong, error=engine.Conflict) == NOT_NOW
    advance(world, funds, application, right)
    assert application.status == ("publicity" if outcome == "approved" else "ic_rejected")


@pytest.mark.parametrize(("size", "votes", "needed", "outcome"), CASES,
                         ids=[f"{c[0]}-{''.join(v[0] for v in c[1])}" for c in CASES])
def test_quorum_and_majority_at_their_boundaries(world, funds, size, votes, needed, outcome):
    application = _before_committee(world, funds, size)
    meeting = open_meeting(application)
    assert len(meeting.member_ids) == size
    vote_all(meeting, votes)
    count = committee.tally(meeting)
    assert (count.needed, count.outcome) == (needed, outcome)
    _resolved_as(world, funds, application, outcome)


# With approval by a half, the quorum (two thirds present, abstentions count) decides.
QUORUM_CASES = [
    (5, [F, F, F], None),  # 3 of 5 for, but 4 must be present
    (5, [F, F, F, X], "approved"),
    (7, [F, F, F, F], None),  # 4 of 7 for, 5 must be present
    (7, [F, F, F, F, A], "approved"),  # the vote against makes the quorum
    (7, [R, F, F, F], None),  # 3 present of the 5 needed (a recused member is not present)
    (7, [R, F, F, F, X], None),  # 4 present
    (7, [R, F, F, F, F, X], "approved"),
]


@pytest.mark.parametrize(("size", "votes", "outcome"), QUORUM_CASES,
                         ids=[f"{c[0]}-{''.join(v[0] for v in c[1])}" for c in QUORUM_CASES])
def test_the_quorum_holds_when_a_half_approves(world, funds, size, votes, outcome):
    set_parameter("equity_ic_approval_bp", "5000")
    application = _before_committee(world, funds, size)
    meeting = open_meeting(application)
    vote_all(meeting, votes)
    assert committee.tally(meeting).outcome == outcome
    _resolved_as(world, funds, application, outcome)


def test_the_meetings_members_and_thresholds_are_those_of_the_day_it_opened(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    late = add_members(funds.fund1, 1)[0]  # joins the committee after the meeting opened
    set_parameter("equity_ic_approval_bp", "5000")  # a half would carry 3 for and 1 abstain
    vote_all(meeting, [F, F, F, X])
    assert (meeting.quorum_bp, meeting.approval_bp) == (6666, 6666)
    count = committee.tally(meeting)
    assert (count.members, count.needed, count.outcome) == (5, 4, None)
    assert refusal(committee.cast_vote, meeting, late, F, "",
                   error=engine.Forbidden) == "Only the meeting's members vote."


def test_a_member_never_votes_twice(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    member = funds.members1[1]
    committee.cast_vote(meeting, member, A, "估值偏高。")
    for choice, reason in ((F, ""), (A, "估值偏高。"), (R, "本人持股。")):
        assert refusal(committee.cast_vote, meeting, member, choice, reason,
                       error=engine.Conflict) == "You have already voted at this meeting."
    assert _votes(meeting) == [(member.email, A)]
    assert db.session.get(Meeting, meeting.id).votes_cast == 1


def test_a_recusal_says_what_the_conflict_is(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    member = funds.members1[2]
    for reason in ("", "   "):
        assert refusal(committee.cast_vote, meeting, member, R,
                       reason) == "Say what the conflict of interest is."
    assert refusal(committee.cast_vote, meeting, member, "maybe",
                   "") == "Choose for, against, abstain, or recuse."
    assert _votes(meeting) == []
    committee.cast_vote(meeting, member, R, " 本人曾任该企业顾问。 ")
    stored = db.session.scalars(select(Vote)).one()
    assert (stored.vote, stored.reason) == (R, "本人曾任该企业顾问。")


def test_only_the_meetings_members_vote(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    for outsider in (funds.manager1, funds.approver1, funds.members2[0], world.founder):
        assert refusal(committee.cast_vote, meeting, outsider, F, "",
                       error=engine.Forbidden) == "Only the meeting's members vote."
    assert _votes(meeting) == []


def test_only_the_chair_opens_a_meeting_and_with_an_agenda(world, funds):
    application = _before_committee(world, funds)
    today = application.status_changed_at.date()
    for other in (funds.members1[1], funds.members2[0], funds.manager1, funds.approver1):
        assert refusal(committee.open_meeting, application, other, "议程", today,
                       error=engine.Forbidden) == "Only the committee's chair opens a meeting."
    assert refusal(committee.open_meeting, application, funds.chair1, "  ",
                   today) == "Write the meeting's agenda."
    assert committee.meetings_of(application) == []
    meeting = committee.open_meeting(application, funds.chair1, " 审议投资方案。 ", today)
    assert (meeting.agenda, meeting.chair_id, meeting.held_on) == ("审议投资方案。",
                                                                   funds.chair1.id, today)
    assert meeting.member_ids == [m.id for m in funds.members1]
    assert refusal(committee.open_meeting, application, funds.chair1, "再议", today,
                   error=engine.Conflict) == "A meeting on this application is already open."
    assert len(committee.meetings_of(application)) == 1


def test_a_meeting_is_only_on_a_deal_before_the_committee_of_three_or_more(world, funds):
    valuation = equity_in(world, funds, "valuation")
    assert (refusal(committee.open_meeting, valuation, funds.chair1, "议程",
                    valuation.status_changed_at.date())
            == "The application is not before the investment committee.")
    application = _before_committee(world, funds, size=2)
    assert (refusal(committee.open_meeting, application, funds.chair1, "议程",
                    application.status_changed_at.date())
            == "The committee has 2 members; a meeting needs at least 3.")


def test_a_chair_who_left_opens_nothing_until_the_approver_names_another(world, funds):
    application = _before_committee(world, funds)
    funds.chair1.active = False
    db.session.commit()
    assert refusal(committee.open_meeting, application, funds.chair1, "议程",
                   application.status_changed_at.date(),
                   error=engine.Forbidden) == "Only the committee's chair opens a meeting."
    assert refusal(desk.name_chair, funds.fund1.id, funds.members1[1], funds.members1[1],
                   error=engine.Forbidden) == "The fund's approver names the committee's chair."
    assert refusal(desk.name_chair, funds.fund1.id, funds.approver2, funds.members1[1],
                   error=engine.Forbidden) == "The fund's approver names the committee's chair."
    for not_a_member in (funds.manager1, funds.members2[1], funds.chair1):
        assert refusal(desk.name_chair, funds.fund1.id, funds.approver1,
                       not_a_member) == "The chair is one of the committee's members."
    desk.name_chair(funds.fund1.id, funds.approver1, funds.members1[1])
    meeting = open_meeting(application)
    assert meeting.chair_id == funds.members1[1].id
    assert len(meeting.member_ids) == 4  # the chair who left is no longer a member


def test_only_the_chair_records_the_resolution(world, funds):
    application = _before_committee(world, funds)
    assert refused(world, funds, application, "ic_approve", error=engine.Conflict) == NOT_NOW
    vote_all(open_meeting(application), [F, F, F, F])
    for member in funds.members1[1:]:  # not offered to the other members
        assert refused(world, funds, application, "ic_approve", actor=member,
                       error=engine.Conflict) == NOT_NOW
    for staff in (funds.manager1, funds.approver1):
        refused(world, funds, application, "ic_approve", actor=staff, error=engine.Forbidden)
    refused(world, funds, application, "ic_approve", actor=funds.members2[0],
            error=engine.Forbidden)  # another fund's chair does not even see it
    advance(world, funds, application, "ic_approve", actor=funds.chair1)
    assert application.status == "publicity"


def test_the_resolution_closes_the_meeting_and_names_every_vote(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    vote_all(meeting, [F, R, F, F, F])
    advance(world, funds, application, "ic_approve")
    db.session.expire_all()
    assert meeting.outcome == "approved" and meeting.closed_at is not None
    assert meeting.open_for is None
    resolution = _resolution(application)
    assert [(v["member"], v["vote"], v["reason"]) for v in resolution["votes"]] == [
        ("ic1", F, ""), ("ic2", R, "本人持有该企业股份。"), ("ic3", F, ""), ("ic4", F, ""),
        ("ic5", F, "")]
    assert {k: resolution[k] for k in ("outcome", "members", "recused", "present", "for",
                                       "quorum", "needed")} == {
        "outcome": "approved", "members": 5, "recused": 1, "present": 4, "for": 4,
        "quorum": 4, "needed": 4}


def test_a_closed_meeting_takes_no_vote(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    vote_all(meeting, [F, F, F, F])  # carried; the fifth member has not voted
    advance(world, funds, application, "ic_approve")
    last = funds.members1[4]
    assert refusal(committee.cast_vote, meeting, last, A, "迟到的反对。",
                   error=engine.Conflict) == "The meeting is closed: its resolution is recorded."
    assert refusal(desk.vote, application, last, A,
                   "迟到的反对。") == "The application is not before the investment committee."
    assert len(_votes(meeting)) == 4
    assert db.session.get(Meeting, meeting.id).votes_cast == 4


def test_a_withdrawn_application_takes_no_vote(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    vote_all(meeting, [F, F])
    advance(world, funds, application, "withdraw")  # the founder withdraws meanwhile
    for cast in (committee.cast_vote, desk.vote):
        target = meeting if cast is committee.cast_vote else application
        assert (refusal(cast, target, funds.members1[2], F, "")
                == "The application is not before the investment committee.")
    assert len(_votes(meeting)) == 2
    db.session.expire_all()
    assert meeting.outcome == "withdrawn" and meeting.open_for is None


def test_a_rejected_resolution_ends_the_application(world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    vote_all(meeting, [F, A, A])  # 3 for at most of the 4 needed
    advance(world, funds, application, "ic_reject")
    assert application.status == "ic_rejected"
    db.session.expire_all()
    assert meeting.outcome == "rejected"
    assert _resolution(application)["against"] == 2


def test_a_vote_arriving_while_the_chair_records_the_resolution_is_in_it(app, world, funds,
                                                                        monkeypatch):
    """The last member votes after the chair's count and before the meeting is closed: the
    resolution counts it and names it."""
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    vote_all(meeting, [F, F, F, F])
    last, meeting_id = funds.members1[4].id, meeting.id
    counted = committee.tally
    arrived = []

    def count_then_a_vote_arrives(being_counted):
        result = counted(being_counted)
        if not arrived:  # once, from another session, between the count and the close
            arrived.append(_in_thread(app, _voter(meeting_id, last, A, "估值偏高。")))
        return result

    monkeypatch.setattr(committee, "tally", count_then_a_vote_arrives)
    advance(world, funds, application, "ic_approve")
    assert arrived == [(last, A)]
    resolution = _resolution(application)
    assert [v["vote"] for v in resolution["votes"]] == [F, F, F, F, A]
    assert (resolution["against"], resolution["present"]) == (1, 5)


def _in_thread(app, call):
    """Run ``call`` in its own thread, app context and session; its result or exception."""
    return _together(app, [call])[0]


def _together(app, calls: list) -> list:
    """Run each call from its own thread (its own session and connection), all at once."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def work(index: int, call) -> None:
        with app.app_context(), force_locale("en"):
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a call hung"
    return results


def _voter(meeting_id: int, member_id: int, choice: str, reason: str = ""):
    """A member's vote as a request would cast it: the meeting and the member loaded in
    the thread's own session."""
    def cast() -> tuple[int, str]:
        vote = committee.cast_vote(db.session.get(Meeting, meeting_id),
                                   db.session.get(User, member_id), choice, reason)
        return vote.member_id, vote.vote
    return cast


def test_seven_members_voting_at_once_are_each_counted_once(app, world, funds):
    application = _before_committee(world, funds, size=7)
    meeting = open_meeting(application)
    choices = [F, F, A, X, F, R, F]
    calls = [_voter(meeting.id, member_id, choice, "本人持股。" if choice == R else "")
             for member_id, choice in zip(meeting.member_ids, choices, strict=True)]
    db.session.remove()
    results = _together(app, calls)
    assert results == list(zip(meeting.member_ids, choices, strict=True)), results
    meeting = db.session.get(Meeting, meeting.id)
    stored = {v.member_id: v.vote for v in db.session.scalars(
        select(Vote).where(Vote.meeting_id == meeting.id))}
    assert stored == dict(zip(meeting.member_ids, choices, strict=True))
    assert meeting.votes_cast == 7
    count = committee.tally(meeting)
    assert (count.for_, count.against, count.abstain, count.recused, count.pending) == (
        4, 1, 1, 1, 0)


def test_one_member_voting_twice_at_once_gets_one_vote(app, world, funds):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    member = funds.members1[1].id
    calls = [_voter(meeting.id, member, choice) for choice in (F, A, X, F)]
    db.session.remove()
    results = _together(app, calls)
    votes = [r for r in results if isinstance(r, tuple)]
    assert len(votes) == 1, results
    others = [r for r in results if not isinstance(r, tuple)]
    assert all(isinstance(r, engine.Conflict) for r in others), others
    assert {r.message for r in others} == {"You have already voted at this meeting."}
    stored = db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id)).all()
    assert [(v.member_id, v.vote) for v in stored] == votes
    assert db.session.get(Meeting, meeting.id).votes_cast == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_vote_racing_the_resolution_is_in_it_or_refused(app, world, funds, round_):
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    vote_all(meeting, [F, F, F, F])  # carried: the chair may record it; ic5 still votes
    application_id, meeting_id = application.id, meeting.id
    chair, last = funds.chair1.id, funds.members1[4].id

    def resolve():
        return engine.fire(db.session.get(EquityApplication, application_id), "ic_approve",
                           db.session.get(User, chair), comment="投决会同意投资。")

    db.session.remove()
    fired, vote = _together(app, [resolve, _voter(meeting_id, last, A, "估值偏高。")])
    assert isinstance(fired, engine.Fired), fired
    meeting = db.session.get(Meeting, meeting_id)
    assert (meeting.outcome, meeting.open_for) == ("approved", None)
    assert db.session.get(EquityApplication, application_id).status == "publicity"
    stored = [(v.member_id, v.vote) for v in db.session.scalars(
        select(Vote).where(Vote.meeting_id == meeting_id).order_by(Vote.id))]
    if isinstance(vote, tuple):  # in before the close: counted and named
        assert stored[-1] == vote == (last, A)
    else:  # after it: refused, and nothing stored
        assert isinstance(vote, engine.Conflict), vote
        assert vote.message == "The meeting is closed: its resolution is recorded."
        assert last not in {member for member, _ in stored}
    assert meeting.votes_cast == len(stored)
    resolution = _resolution(db.session.get(EquityApplication, application_id))
    assert [v["vote"] for v in resolution["votes"]] == [choice for _, choice in stored]
    assert resolution["present"] == len(stored)
    assert db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.stage == "ic_resolution")) == 1


def test_a_member_of_another_fund_is_told_nothing_of_this_meeting(world, funds):
    """Fund 2's committee is its own: its members are not this meeting's."""
    application = _before_committee(world, funds)
    meeting = open_meeting(application)
    assert set(meeting.member_ids).isdisjoint({m.id for m in funds.members2})
    theirs = equity_in(world, funds, "ic_review", founder=world.founder2, fund=funds.fund2)
    their_meeting = open_meeting(theirs)
    assert their_meeting.member_ids == [m.id for m in funds.members2]
    assert their_meeting.chair_id == funds.members2[0].id
    assert factories  # the shared factories made both funds' staff
