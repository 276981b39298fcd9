"""What a careful (or careless) user does on a 人才投 deal, each now a rule: a vote sent twice
is counted once, a vote after the resolution is refused, two members voting at once are both
counted, the resolution pressed twice is recorded once, a colleague's claim holds the chair
back until the chair releases it, a finding sent again replaces the first, a report is filed
once, a meeting is not dated before the deal came before the committee, every page reads
in Chinese and in English; no input gives a server error and a bad id gives 404."""

import io
import threading
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import TransitionLog
from talentfin.workflows.equity import committee
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Obligation
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.equity.models import Workstream
from tests import factories
from tests.equity.web_helpers import PATHS
from tests.equity.web_helpers import Funds
from tests.equity.web_helpers import card
from tests.equity.web_helpers import deal_in
from tests.equity.web_helpers import flashes
from tests.equity.web_helpers import make_funds
from tests.equity.web_helpers import post_finding
from tests.equity.web_helpers import post_meeting
from tests.equity.web_helpers import post_report
from tests.equity.web_helpers import post_vote
from tests.equity.web_helpers import status_of
from tests.equity.web_helpers import text
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to


@pytest.fixture
def funds(world) -> Funds:
    """The funds of these tests (this module's own, beside tests/equity/conftest.py's)."""
    return make_funds()


def _votes(application_id: int) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(v.member_id, v.vote) for v in db.session.scalars(
        select(Vote).join(Meeting, Meeting.id == Vote.meeting_id)
        .where(Meeting.application_id == application_id).order_by(Vote.id))]


def _meeting(world, funds, votes=()):
    """A deal before the committee of fund 1 with the chair's meeting open and ``votes``
    cast by the members in order."""
    deal = deal_in(world, funds, "ic_review")
    meeting = committee.open_meeting(deal, funds.chair1, "审议投资方案。",
                                     deal.submitted_at.date())
    for member, vote in zip(funds.members1, votes, strict=False):
        committee.cast_vote(meeting, member, vote, "")
    return deal


def _message(client, response) -> str:
    """The flashed message of the page a POST redirected to."""
    assert response.status_code == 302, (response.status_code, text(response)[-1500:])
    return flashes(text(client.get(response.location)))


def _refused(response) -> str:
    """The page a refused committee's form renders again (422), as the user reads it."""
    assert response.status_code == 422, (response.status_code, text(response)[-1500:])
    return text(response)


def _logs(application_id: int, trigger: str) -> int:
    return db.session.scalar(select(func.count()).select_from(TransitionLog).where(
        TransitionLog.application_id == application_id, TransitionLog.trigger == trigger))


def _together(app, calls) -> list:
    """Run each call (a function of nothing) in its own thread at once; their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def work(index, call):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = call()
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def _client_of(app, user):
    """A test client of its own, logged in as ``user`` (in its own session: the requests of
    the test's thread share one app context, where Flask-Login keeps the user it loaded)."""
    client = app.test_client()
    g.pop("_login_user", None)
    assert client.post("/login", data={"email": user.email,
                                       "password": factories.PASSWORD}).status_code == 302
    client.post("/language", data={"lang": "en"})
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{user.id}.")
    return client


# --- votes ---------------------------------------------------------------------------------

def test_a_vote_sent_twice_is_counted_once(client, auth, world, funds):
    deal = _meeting(world, funds)
    member = funds.members1[1]
    login(auth, member)
    assert "Your vote is recorded." in _message(client, post_vote(client, deal.id, "for"))
    again = post_vote(client, deal.id, "against", "改主意了。")  # the page sent again
    assert "You have already voted at this meeting." in _message(client, again)
    assert _votes(deal.id) == [(member.id, "for")]
    db.session.expire_all()
    assert db.session.scalar(select(Meeting.votes_cast)) == 1
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="vote-form"' not in page and "You voted: For." in page


def test_a_vote_sent_twice_at_once_is_counted_once(app, world, funds):
    deal = _meeting(world, funds)
    member = funds.members1[1]
    clients = [_client_of(app, member) for _ in range(2)]
    results = _together(app, [lambda c=c: post_vote(c, deal.id, "for").location
                              for c in clients])
    assert results == [f"/applications/{deal.id}#committee"] * 2
    assert _votes(deal.id) == [(member.id, "for")]
    db.session.expire_all()
    assert db.session.scalar(select(Meeting.votes_cast)) == 1


def test_two_members_voting_at_once_are_both_counted(app, client, auth, world, funds):
    deal = _meeting(world, funds)
    first, second = funds.members1[1], funds.members1[2]
    clients = [_client_of(app, first), _client_of(app, second)]
    results = _together(app, [lambda: post_vote(clients[0], deal.id, "for").location,
                              lambda: post_vote(clients[1], deal.id, "against").location])
    assert results == [f"/applications/{deal.id}#committee"] * 2
    assert sorted(_votes(deal.id)) == sorted([(first.id, "for"), (second.id, "against")])
    db.session.expire_all()
    assert db.session.scalar(select(Meeting.votes_cast)) == 2
    login(auth, funds.chair1)
    tally = card(text(client.get(f"/applications/{deal.id}")), "tally")
    assert "1 for of 4 needed, 1 against" in tally and "3 still to vote" in tally


def test_a_recusal_says_why_and_a_vote_is_one_of_the_choices(client, auth, world, funds):
    deal = _meeting(world, funds)
    login(auth, funds.members1[1])
    assert "Say what the conflict of interest is." in _refused(
        post_vote(client, deal.id, "recuse", "   "))
    assert "Choose your vote." in _refused(post_vote(client, deal.id, ""))
    assert "Choose one of" in _refused(post_vote(client, deal.id, "yes"))
    assert _votes(deal.id) == []
    assert "Your vote is recorded." in _message(
        client, post_vote(client, deal.id, "recuse", "本人持有该企业股份。"))
    assert _votes(deal.id) == [(funds.members1[1].id, "recuse")]


def test_a_vote_after_the_resolution_is_refused(client, auth, world, funds):
    deal = _meeting(world, funds, ("for", "for", "for", "for"))
    login(auth, funds.chair1)
    assert fire(client, deal.id, "ic_approve", comment="同意。").status_code == 302
    assert fresh(deal.id).status == "publicity"
    switch_to(auth, funds.members1[4])  # had not voted yet
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="vote-form"' not in page and "Resolution: approved" in card(page, "committee")
    refused = _message(client, post_vote(client, deal.id, "against", "反对。"))
    assert "The application is not before the investment committee." in refused
    assert len(_votes(deal.id)) == 4


def test_non_members_do_not_vote(client, auth, world, funds):
    deal = _meeting(world, funds)
    for user in (funds.manager1, funds.approver1, world.founder, world.park_reviewer,
                 world.auditor):
        login(auth, user)
        page = text(client.get(f"/applications/{deal.id}"))
        assert 'id="vote-form"' not in page
        assert "Only the meeting's members vote." in _message(
            client, post_vote(client, deal.id, "for"))
        auth.logout()
    assert _votes(deal.id) == []


# --- the meeting and the resolution --------------------------------------------------------

def test_only_the_chair_opens_one_meeting(client, auth, world, funds):
    deal = deal_in(world, funds, "ic_review")
    login(auth, funds.members1[1])
    assert "Only the committee's chair opens a meeting." in _message(
        client, post_meeting(client, deal.id))
    switch_to(auth, funds.chair1)
    assert "This field is required." in _refused(post_meeting(client, deal.id, "  "))
    assert "Enter the date as YYYY-MM-DD" in _refused(
        post_meeting(client, deal.id, held_on="2026-13-45"))
    # The thresholds are those of the meeting's day: not before the deal came before it.
    came = fresh(deal.id).status_changed_at
    for early in ("1900-01-01", (came - timedelta(days=1)).date().isoformat()):
        assert "when the application came before the committee" in _refused(
            post_meeting(client, deal.id, held_on=early))
    assert "The meeting is open" in _message(client, post_meeting(client, deal.id))
    again = _message(client, post_meeting(client, deal.id))  # the page sent again
    assert "A meeting on this application is already open." in again
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_the_chair_pressing_the_resolution_twice_records_it_once(client, auth, world, funds):
    deal = _meeting(world, funds, ("for", "for", "for", "for"))
    login(auth, funds.chair1)
    assert fire(client, deal.id, "ic_approve", comment="同意。").status_code == 302
    again = fire(client, deal.id, "ic_approve", comment="同意。")
    assert again.status_code == 409
    assert _logs(deal.id, "ic_approve") == 1
    meeting = db.session.scalar(select(Meeting))
    assert (meeting.outcome, meeting.open_for) == ("approved", None)
    assert status_of(text(client.get(f"/applications/{deal.id}"))) == "Publicity period (公示)"


def test_the_resolution_waits_for_the_votes_to_decide(client, auth, world, funds):
    deal = _meeting(world, funds, ("for", "for", "for"))  # 3 for of 4 needed, 2 to vote
    login(auth, funds.chair1)
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="action-ic_approve"' not in page and 'id="resolution-ready"' not in page
    assert fire(client, deal.id, "ic_approve", comment="同意。").status_code == 409
    switch_to(auth, funds.members1[3])
    post_vote(client, deal.id, "against", "估值偏高。")
    switch_to(auth, funds.chair1)
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="action-ic_approve"' not in page  # 3 for, 1 to vote: still open
    switch_to(auth, funds.members1[4])
    post_vote(client, deal.id, "against", "市场有限。")
    switch_to(auth, funds.chair1)
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="action-ic_reject"' in page and 'id="action-ic_approve"' not in page
    assert fire(client, deal.id, "ic_reject", comment="未通过。").status_code == 302
    assert fresh(deal.id).status == "ic_rejected"


def test_before_the_committee_nobody_claims_and_the_chair_records_at_once(client, auth, world,
                                                                           funds):
    """Each member votes in their own name: the item is nobody's to claim (a member's
    claim would hold the chair back from recording the resolution)."""
    deal = _meeting(world, funds, ("for", "for", "for", "for"))
    for person in (funds.members1[2], funds.chair1):
        login(auth, person)
        page = text(client.get(f"/applications/{deal.id}"))
        assert 'id="claim"' not in page
        assert client.post(f"/applications/{deal.id}/claim").status_code in (403, 409)
        assert fresh(deal.id).claimed_by_id is None
        auth.logout()
    login(auth, funds.chair1)
    assert fire(client, deal.id, "ic_approve", comment="同意。").status_code == 302
    deal = fresh(deal.id)
    assert (deal.status, deal.claimed_by_id) == ("publicity", None)


# --- findings and reports ------------------------------------------------------------------

def test_a_finding_sent_again_replaces_the_first(client, auth, world, funds):
    deal = deal_in(world, funds, "due_diligence")
    login(auth, funds.manager1)
    first = post_finding(client, deal.id, "legal", "clear", name="legal-v1.pdf")
    assert "The finding of the Legal due diligence is filed." in _message(client, first)
    # Back in the browser, the form sent again with a red flag and a new report.
    second = post_finding(client, deal.id, "legal", "red_flag", "商标尚未注册。",
                          name="legal-v2.pdf")
    assert "is filed" in _message(client, second)
    # And once more without a file: the report last uploaded stays.
    third = post_finding(client, deal.id, "legal", "red_flag", "商标尚未注册，已提交申请。",
                         report=False)
    assert "is filed" in _message(client, third)
    db.session.expire_all()
    streams = list(db.session.scalars(select(Workstream).where(Workstream.kind == "legal")))
    assert len(streams) == 1
    assert (streams[0].finding, streams[0].finding_text, streams[0].report.original_name) == (
        "red_flag", "商标尚未注册，已提交申请。", "legal-v2.pdf")
    current = list(db.session.scalars(select(Attachment.original_name).where(
        Attachment.kind == "dd_legal", Attachment.superseded_at.is_(None))))
    assert current == ["legal-v2.pdf"]
    page = text(client.get(f"/applications/{deal.id}"))
    assert "商标尚未注册，已提交申请。" in card(page, "diligence")
    assert "filed again, it replaces the finding" in card(page, "diligence")


def _reports(application_id: int) -> int:
    return db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.application_id == application_id, Attachment.kind == "dd_legal"))


def test_a_finding_after_due_diligence_changes_nothing(client, auth, world, funds):
    deal = deal_in(world, funds, "valuation")
    db.session.expire_all()
    before = [(w.finding, w.report_id) for w in db.session.scalars(select(Workstream))]
    reports = _reports(deal.id)
    login(auth, funds.manager1)
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="finding-legal"' not in page
    # With its report or without, the finding is refused for what it is (and no report is
    # stored).
    late = _message(client, post_finding(client, deal.id, "legal", "red_flag", "迟到的发现。"))
    assert "Due diligence is not under way on this application." in late
    late = _message(client, post_finding(client, deal.id, "legal", "red_flag", "迟到的发现。",
                                         report=False))
    assert "Due diligence is not under way on this application." in late
    db.session.expire_all()
    assert [(w.finding, w.report_id) for w in db.session.scalars(select(Workstream))] == before
    assert _reports(deal.id) == reports


def test_only_the_owner_or_the_approver_files_a_finding(client, auth, world, funds):
    deal = deal_in(world, funds, "due_diligence")  # the manager owns every workstream
    for user in (funds.chair1, world.founder, world.park_reviewer, world.auditor):
        login(auth, user)
        assert 'id="finding-business"' not in text(client.get(f"/applications/{deal.id}"))
        refused = _message(client, post_finding(client, deal.id, "business"))
        assert "Only the workstream's owner, or the fund's approver, files its finding." \
            in refused
        auth.logout()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.kind.like("dd_%"), Attachment.application_id == deal.id)) == 0
    login(auth, funds.approver1b)  # the fund's approver may file for the owner
    assert "is filed" in _message(client, post_finding(client, deal.id, "business"))


def test_a_report_filed_twice_is_filed_once(client, auth, world, funds):
    deal = deal_in(world, funds, "monitoring")
    owed = db.session.scalar(select(Obligation).where(Obligation.application_id == deal.id)
                             .order_by(Obligation.due_on).limit(1))
    login(auth, world.founder)
    assert "The report is filed." in _message(client, post_report(client, deal.id, owed.id,
                                                                  "first.pdf"))
    again = _message(client, post_report(client, deal.id, owed.id, "second.pdf"))
    assert "This report was already filed." in again
    db.session.expire_all()
    names = list(db.session.scalars(select(Attachment.original_name).where(
        Attachment.application_id == deal.id, Attachment.kind == "quarterly_accounts")))
    assert names == ["first.pdf"]
    assert db.session.get(Obligation, owed.id).attachment.original_name == "first.pdf"
    assert "Choose the report's file." in _message(client, client.post(
        f"/equity/{deal.id}/reports/{owed.id}", data={}))
    switch_to(auth, funds.manager1)  # the fund does not file the founder's reports
    other = db.session.scalar(select(Obligation).where(
        Obligation.application_id == deal.id, Obligation.submitted_at.is_(None)).limit(1))
    refused = _message(client, post_report(client, deal.id, other.id))
    assert "There is no document for you to upload on this application now." in refused


def test_a_report_of_another_deal_or_none_is_refused(client, auth, world, funds):
    deal = deal_in(world, funds, "monitoring")
    other = deal_in(world, funds, "monitoring")
    theirs = db.session.scalar(select(Obligation.id).where(
        Obligation.application_id == other.id).limit(1))
    login(auth, world.founder)
    for obligation_id in (theirs, 999_999):
        refused = _message(client, post_report(client, deal.id, obligation_id))
        assert "This report is not owed on this application." in refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Obligation).where(
        Obligation.submitted_at.is_not(None))) == 0


# --- the language --------------------------------------------------------------------------

def test_the_deal_page_switches_to_english(client, auth, world, funds):
    deal = _meeting(world, funds, ("for",))  # the chair's vote
    assert auth.login(funds.members1[1].email).status_code == 302  # the account reads Chinese
    page = text(client.get(f"/applications/{deal.id}"))
    assert '<html lang="zh' in page and "办理记录" in page  # the timeline
    switched = client.post("/language", data={"lang": "en",
                                              "next": f"/applications/{deal.id}"})
    assert switched.status_code == 302 and switched.location.endswith(f"/applications/{deal.id}")
    page = text(client.get(switched.location))
    assert '<html lang="en' in page
    assert status_of(page) == "Before the investment committee"
    for label in ("Cap table", "Investment committee", "Agenda:", "Your vote",
                  "Reason (required to recuse)", "Cast my vote", "Timeline"):
        assert label in page, label
    assert "For" in card(page, "votes") and "1 for of 4 needed" in card(page, "tally")
    book = text(client.get("/equity/book"))
    assert "Fund's book" in book and "The committee's agenda" in book
    client.post("/language", data={"lang": "zh"})
    page = text(client.get(f"/applications/{deal.id}"))
    assert '<html lang="zh' in page and "办理记录" in page


def test_every_state_reads_in_both_languages(client, auth, world, funds):
    deals = {state: deal_in(world, funds, state) for state in PATHS}
    meeting = committee.open_meeting(deals["ic_review"], funds.chair1, "审议投资方案。",
                                     deals["ic_review"].submitted_at.date())
    committee.cast_vote(meeting, funds.members1[1], "for", "")
    wrong = []
    for user in (world.founder, world.park_reviewer, funds.manager1, funds.approver1,
                 funds.chair1, funds.members1[1], world.auditor):
        for lang in ("zh", "en"):
            assert auth.login(user.email).status_code == 302
            client.post("/language", data={"lang": lang})
            for state, deal in deals.items():
                for url in (f"/applications/{deal.id}", f"/applications/{deal.id}/edit/request",
                            f"/applications/{deal.id}/edit/review"):
                    status = client.get(url).status_code
                    if status not in (200, 302, 404):
                        wrong.append(f"{user.email} {lang} {url} ({state}): {status}")
            if user.org_id == funds.fund1.id and client.get("/equity/book").status_code != 200:
                wrong.append(f"{user.email} {lang} book")
            auth.logout()
    assert wrong == []


# --- no input gives a server error; a bad id gives 404 -------------------------------------

BAD_IDS = ("0", "999999", "2147483647", "-1", "abc", "1.5")


def test_bad_ids_give_404(client, auth, world, funds):
    deal = deal_in(world, funds, "monitoring")
    login(auth, world.founder)
    wrong = []
    for bad in BAD_IDS:
        for url in (f"/equity/{bad}/vote", f"/equity/{bad}/meeting",
                    f"/equity/{bad}/workstreams/legal", f"/equity/{bad}/reports/1",
                    f"/applications/{bad}", f"/applications/{bad}/fire/ic_approve"):
            status = (client.get(url) if url.startswith("/applications/") and "fire" not in url
                      else client.post(url)).status_code
            if status != 404:
                wrong.append(f"{url}: {status}")
        status = client.post(f"/equity/{deal.id}/reports/{bad}").status_code
        if status not in (302, 404):
            wrong.append(f"report {bad}: {status}")
    assert client.post(f"/applications/{deal.id}/fire/no_such_step").status_code == 404
    loan = factories.loan_in(world, "park_review")  # not a deal: the desk does not know it
    for url in (f"/equity/{loan.id}/vote", f"/equity/{loan.id}/workstreams/legal"):
        if client.post(url).status_code != 404:
            wrong.append(url)
    assert wrong == []


def test_an_id_beyond_the_databases_range_gives_404(client, auth, world, funds):
    deal = deal_in(world, funds, "monitoring")
    login(auth, world.founder)
    wrong = []
    for huge in ("2147483648", "99999999999999999999"):
        for method, url in (("get", f"/applications/{huge}"),
                            ("post", f"/equity/{huge}/vote"),
                            ("post", f"/equity/{deal.id}/reports/{huge}")):
            try:
                status = getattr(client, method)(url).status_code
            except Exception as exc:  # noqa: BLE001 - the test client re-raises the 500's cause
                status = type(exc).__name__
            if status not in (302, 404) or (status == 302 and "reports" not in url):
                wrong.append(f"{method.upper()} {url}: {status}")
    assert wrong == []


@pytest.mark.parametrize("state", ["due_diligence", "ic_review", "monitoring"])
def test_odd_input_on_the_desk_never_gives_a_server_error(client, auth, world, funds, state):
    deal = _meeting(world, funds) if state == "ic_review" else deal_in(world, funds, state)
    long = "长" * 5000

    def odd():
        return [
            ("/workstreams/nope", {"ws-nope-finding": "clear"}),
            ("/workstreams/legal", {"ws-legal-finding": "maybe"}),
            ("/workstreams/legal", {"ws-legal-finding": "red_flag", "ws-legal-text": long}),
            ("/workstreams/legal", {"ws-legal-finding": "clear", "ws-legal-report": (
                io.BytesIO(b"MZ\x90\x00"), "x.exe")}),
            ("/workstreams/legal", {"ws-legal-finding": "clear",
                                    "ws-legal-report": (io.BytesIO(b""), "")}),
            ("/meeting", {"meeting-agenda": long, "meeting-held_on": "9999-99-99"}),
            ("/meeting", {"meeting-agenda": "\x00", "meeting-held_on": "2026-01-01"}),
            ("/vote", {"vote-vote": "for", "vote-reason": long}),
            ("/vote", {"vote-vote": ["for", "against"]}),
            ("/vote", {"vote-vote": "recuse", "vote-reason": "\x00"}),
            ("/workstreams/legal", {"ws-legal-finding": "red_flag", "ws-legal-text": "\x00"}),
            ("/reports/1", {"report-1-report": (io.BytesIO(b"not a pdf"), "r.pdf")}),
        ]
    users = (funds.manager1, funds.approver1, funds.chair1, funds.members1[1], world.founder,
             world.auditor)
    wrong = []
    for user in users:
        login(auth, user)
        for path, data in odd():
            response = client.post(f"/equity/{deal.id}{path}", data=data,
                                   content_type="multipart/form-data")
            # What the chair or a member typed, refused, is their page again (422); anyone
            # else is refused before what they sent is read.
            ours = user in (funds.chair1, funds.members1[1]) and path in ("/meeting", "/vote")
            if response.status_code not in ((302, 404, 422) if ours else (302, 404)):
                wrong.append(f"{user.email} {path}: {response.status_code}")
        auth.logout()
    assert wrong == []
    assert fresh(deal.id).status == state


FIRE_ODD = {
    "approve_project": [{"business_owner": "abc"}, {"business_owner": "999999",
                                                    "legal_owner": "", "comment": "x"}],
    "file_valuation": [{"pre_money": "1e9", "ticket": "abc"},
                       {"pre_money": "-5", "ticket": "0"},
                       {"pre_money": "99999999999999999999", "ticket": "1"},
                       {"pre_money": "1", "ticket": "99999999999"}],
    "sign": [{"signed_on": "2999-01-01"}, {"signed_on": "yesterday"}, {}],
    "record_funding": [{"amount": "-1", "funded_on": "2026-02-30"},
                       {"amount": "3,000,000", "funded_on": "1900-01-01"}],
    "propose_exit": [{"method": "steal", "exited_on": "2026-01-01"},
                     {"method": "write_off", "exited_on": "2999-01-01", "proceeds": "-1"},
                     {"method": "ipo", "proceeds": "1e3"}],
    "ic_approve": [{"comment": "长" * 5000}],
}
FIRE_STATES = {"approve_project": "project_approval", "file_valuation": "valuation",
               "sign": "signing", "record_funding": "signed", "propose_exit": "monitoring",
               "ic_approve": "ic_review"}
ACTORS = {"approve_project": "approver1", "file_valuation": "manager1", "sign": "manager1",
          "record_funding": "manager1", "propose_exit": "manager1", "ic_approve": "chair1"}


@pytest.mark.parametrize("trigger", sorted(FIRE_ODD))
def test_odd_input_in_the_funds_forms_is_refused_with_a_message(client, auth, world, funds,
                                                                trigger):
    state = FIRE_STATES[trigger]
    deal = (_meeting(world, funds, ("for",) * 4) if state == "ic_review"
            else deal_in(world, funds, state))
    login(auth, getattr(funds, ACTORS[trigger]))
    for fields in FIRE_ODD[trigger]:
        response = fire(client, deal.id, trigger, **fields)
        assert response.status_code == 422, (fields, response.status_code)
        assert "alert-danger" in text(response)
    assert fresh(deal.id).status == state


REQUEST_ODD = [
    {"holder_0-stake": "abc"}, {"holder_0-stake": "-5"}, {"holder_0-stake": "100.555"},
    {"holder_0-stake": "1e3"}, {"holder_0-stake": "0", "holder_1-stake": "60"},
    {"holder_1-name": "陈海洋"}, {"holder_0-stake": "99999999999999999999"},
    {"holder_0-name": "名" * 200}, {"staff": "0"}, {"staff": "abc"},
    {"requested_amount": "1e6"}, {"partner_org_id": "abc"}, {"partner_org_id": "999999"},
]


def test_odd_input_on_the_request_step_keeps_what_was_typed(client, auth, world, funds):
    draft = deal_in(world, funds, "draft")
    login(auth, world.founder)
    base = {"partner_org_id": str(funds.fund1.id), "requested_amount": "3,000,000",
            "asked_pre_money": "20,000,000", "staff": "10", "rd_staff": "4",
            "total_assets": "18,000,000", "revenue": "6,500,000",
            "purpose": "用于新一代传感器研发及量产。", "holder_0-name": "陈海洋",
            "holder_0-stake": "60", "holder_1-name": "蓝海创投", "holder_1-stake": "40"}
    stored = fresh(draft.id).cap_table
    for changes in REQUEST_ODD:
        response = client.post(f"/applications/{draft.id}/edit/request",
                               data={**base, **changes})
        assert response.status_code == 422, (changes, response.status_code)
        page = text(response)
        assert "is-invalid" in page or "invalid-feedback" in page, changes
        for name, value in changes.items():
            if value and len(value) < 80 and name != "partner_org_id":
                assert f'value="{value}"' in page or value in page, (changes, value)
        assert fresh(draft.id).cap_table == stored
    assert client.post(f"/applications/{draft.id}/edit/request", data=base).status_code == 302
    # A NUL character (PostgreSQL's text columns refuse it) is dropped, not a server error.
    nul = {**base, "purpose": "用于新一代\x00传感器研发及量产。", "holder_1-name": "蓝海\x00创投"}
    assert client.post(f"/applications/{draft.id}/edit/request", data=nul).status_code == 302
    saved = fresh(draft.id)
    assert saved.purpose == "用于新一代传感器研发及量产。"
    assert saved.cap_table[1]["name"] == "蓝海创投"


def test_a_nul_character_in_a_decisions_comment_is_no_server_error(client, auth, world,
                                                                   funds):
    deal = deal_in(world, funds, "prescreen")
    login(auth, funds.manager1)
    try:
        status = fire(client, deal.id, "prescreen_pass", comment="建议立项\x00。").status_code
    except Exception as exc:  # noqa: BLE001 - the test client re-raises the 500's cause
        status = type(exc).__name__
    assert status in (302, 422)
