"""Who knows of a 人才投 deal: the 404 rule for everyone off its route or in another
organisation (a second fund, an insurer, a bank, another founder), on its pages and on every
POST route of the fund's desk, and nothing of it in their lists; the fund's book for the
fund's staff only; the committee's named votes and the workstreams' findings for the fund
alone (the founder and the park read the outcome); each deal in the right queue; and every
transition x every role x another organisation (as tests/insurance/test_access_matrix.py)."""

import io
import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.policy import can
from talentfin.services.outbox import run_pending
from talentfin.workflows.access import claim_blocks
from talentfin.workflows.equity import committee
from talentfin.workflows.equity.definition import WORKFLOW
from talentfin.workflows.equity.models import CashFlow
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Obligation
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.equity.models import Workstream
from tests.equity.web_helpers import PATHS
from tests.equity.web_helpers import Funds
from tests.equity.web_helpers import card
from tests.equity.web_helpers import deal_in
from tests.equity.web_helpers import make_funds
from tests.equity.web_helpers import text
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import switch_to


@pytest.fixture
def funds(world) -> Funds:
    """The funds of these tests (this module's own, beside tests/equity/conftest.py's)."""
    return make_funds()

MISSING_ID = 999_999


def _outsiders(world, funds) -> dict:
    """Everyone who must not know of a deal of founder 1 (park 1) at fund 1."""
    return {"manager2": funds.manager2, "approver2": funds.approver2,
            "chair2": funds.chair2, "underwriter": funds.underwriter,
            "insurer_approver": funds.insurer_approver, "bank_officer": world.officer1,
            "bank_approver": world.approver1, "founder2": world.founder2,
            "park2_reviewer": world.park2_reviewer, "pool_admin": world.pool_admin,
            "admin": world.admin}


def _page(response) -> str:
    """The body without the language switch's return address (the only per-URL part)."""
    return re.sub(r'name="next" value="[^"]*"', "", text(response))


def _posts(application_id: int, obligation_id: int) -> list[tuple[str, dict]]:
    """Every POST route of the fund's desk on a deal, with the data a determined user sends."""
    report = {f"report-{obligation_id}-report": (io.BytesIO(DEMO_PDF), "r.pdf")}
    return [
        *((f"/equity/{application_id}/workstreams/{kind}",
           {f"ws-{kind}-finding": "clear", f"ws-{kind}-text": "x",
            f"ws-{kind}-report": (io.BytesIO(DEMO_PDF), "dd.pdf")})
          for kind in ("business", "legal", "financial")),
        (f"/equity/{application_id}/meeting", {"meeting-agenda": "议程",
                                               "meeting-held_on": "2026-01-05"}),
        (f"/equity/{application_id}/vote", {"vote-vote": "for", "vote-reason": "x"}),
        (f"/equity/{application_id}/reports/{obligation_id}", report),
    ]


def _footprint(application_id: int) -> tuple:
    application = fresh(application_id)
    counts = [db.session.scalar(select(func.count()).select_from(model).where(
        model.application_id == application_id))
        for model in (Attachment, Workstream, Meeting, CashFlow, Obligation)]
    votes = db.session.scalar(select(func.count()).select_from(Vote).join(
        Meeting, Meeting.id == Vote.meeting_id).where(Meeting.application_id == application_id))
    filed = db.session.scalar(select(func.count()).select_from(Obligation).where(
        Obligation.application_id == application_id, Obligation.submitted_at.is_not(None)))
    closed = db.session.scalar(select(func.count()).select_from(Workstream).where(
        Workstream.application_id == application_id, Workstream.closed_at.is_not(None)))
    return (application.status, application.version, application.claimed_by_id,
            len(logs(application_id)), votes, filed, closed, *counts)


def _open_meeting(deal, funds, votes=()) -> None:
    """The chair opens the committee's meeting on a deal; the members cast ``votes``."""
    chair = committee.chair_of(deal.partner_org_id)
    meeting = committee.open_meeting(deal, chair, "审议投资方案。", deal.submitted_at.date())
    members = funds.members1 if deal.partner_org_id == funds.fund1.id else funds.members2
    for member, (vote, reason) in zip(members, votes, strict=False):
        committee.cast_vote(meeting, member, vote, reason)


def _deals(world, funds) -> dict:
    """Deals of founder 1 at fund 1 where every desk route could act: due diligence, the
    committee's open meeting, the portfolio with its reports owed."""
    deals = {state: deal_in(world, funds, state)
             for state in ("due_diligence", "ic_review", "monitoring")}
    _open_meeting(deals["ic_review"], funds, (("for", ""),))
    return deals


def _obligation(application_id: int) -> int:
    found = db.session.scalar(select(Obligation.id).where(
        Obligation.application_id == application_id).order_by(Obligation.id).limit(1))
    return found or MISSING_ID


def test_outsiders_get_the_same_404_as_for_nothing_on_every_page_and_post(
        client, auth, world, funds):
    deals = _deals(world, funds)
    before = {state: _footprint(d.id) for state, d in deals.items()}
    wrong = []
    for name, user in _outsiders(world, funds).items():
        login(auth, user)
        missing = _page(client.get(f"/applications/{MISSING_ID}"))
        for state, deal in deals.items():
            for url in (f"/applications/{deal.id}", f"/applications/{deal.id}/edit/request",
                        f"/applications/{deal.id}/edit/review"):
                response = client.get(url)
                if response.status_code != 404 or _page(response) != missing:
                    wrong.append(f"{name} GET {url} in {state}: {response.status_code}")
            posts = [*_posts(deal.id, _obligation(deal.id)),
                     (f"/applications/{deal.id}/claim", {}),
                     (f"/applications/{deal.id}/documents",
                      {"document-kind": "dd_business",
                       "document-file": (io.BytesIO(DEMO_PDF), "x.pdf")})]
            for url, data in posts:
                response = client.post(url, data=data, content_type="multipart/form-data")
                if response.status_code != 404:
                    wrong.append(f"{name} POST {url} in {state}: {response.status_code}")
            for listing in ("/queue/?status=all", "/applications/"):
                if deal.reference in text(client.get(listing)):
                    wrong.append(f"{name} lists {state} on {listing}")
        auth.logout()
    assert wrong == []
    assert {state: _footprint(d.id) for state, d in deals.items()} == before


def test_a_second_funds_book_and_queue_never_show_the_first_funds_deals(client, auth, world,
                                                                       funds):
    mine = {state: deal_in(world, funds, state, founder=world.founder2, fund=funds.fund2)
            for state in ("prescreen", "ic_review", "monitoring", "exited")}
    theirs = {state: deal_in(world, funds, state)
              for state in ("prescreen", "ic_review", "monitoring", "exited")}
    for user in (funds.manager2, funds.approver2, funds.chair2):
        login(auth, user)
        book = text(client.get("/equity/book"))
        queue = text(client.get("/queue/?status=all"))
        for state, deal in mine.items():
            assert deal.reference in queue
            if state != "prescreen":  # the book counts the pipeline by stage only
                assert deal.reference in book
        for deal in theirs.values():
            assert deal.reference not in book and deal.reference not in queue
        auth.logout()


@pytest.mark.parametrize("who", ["founder", "park_reviewer", "officer1", "approver1",
                                 "pool_admin", "committee", "auditor", "admin"])
def test_the_funds_book_is_404_for_every_other_role(client, auth, world, funds, who):
    deal_in(world, funds, "monitoring")
    login(auth, getattr(world, who))
    assert client.get("/equity/book").status_code == 404
    response = client.post("/equity/book", data={"chair-chair_id": str(funds.members1[1].id)})
    assert response.status_code == 404
    assert committee.chair_of(funds.fund1.id).id == funds.chair1.id
    assert "/equity/book" not in text(client.get("/", follow_redirects=True))


def test_the_insurers_staff_do_not_know_the_funds_book(client, auth, world, funds):
    for user in (funds.underwriter, funds.insurer_approver):
        login(auth, user)
        assert client.get("/equity/book").status_code == 404
        response = client.post("/equity/book",
                               data={"chair-chair_id": str(funds.members1[1].id)})
        assert response.status_code == 404
        auth.logout()
    assert committee.chair_of(funds.fund1.id).id == funds.chair1.id


def test_the_funds_staff_read_their_book_and_only_the_approver_names_the_chair(
        client, auth, world, funds):
    deal_in(world, funds, "ic_review")
    for user in (funds.manager1, funds.chair1, funds.members1[2]):
        login(auth, user)
        page = text(client.get("/equity/book"))
        assert 'id="pipeline"' in page and 'id="chair-form"' not in page
        assert "/equity/book" in text(client.get("/queue/"))  # the navigation's link
        response = client.post("/equity/book",
                               data={"chair-chair_id": str(funds.members1[1].id)})
        assert response.status_code == 403
        assert "The fund's approver names the committee's chair." in text(response)
        auth.logout()
    login(auth, funds.approver2)  # another fund's member is not a choice
    response = client.post("/equity/book", data={"chair-chair_id": str(funds.members1[1].id)})
    assert response.status_code == 422
    switch_to(auth, funds.approver1)
    assert 'id="chair-form"' in text(client.get("/equity/book"))
    response = client.post("/equity/book", data={"chair-chair_id": str(funds.members1[1].id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert committee.chair_of(funds.fund1.id).id == funds.members1[1].id
    assert committee.chair_of(funds.fund2.id).id == funds.chair2.id


# --- what the founder and the park read of the fund's deliberations -----------------------

def test_the_founder_and_the_park_read_the_outcome_not_the_votes_or_findings(
        client, auth, world, funds):
    rejected = deal_in(world, funds, "ic_rejected")  # a red flag, votes with reasons
    voting = deal_in(world, funds, "ic_review")
    _open_meeting(voting, funds, (("for", ""), ("against", "估值偏高，需再谈。")))
    secrets = ("核心专利存在权属争议。", "估值偏高。", "专利权属存疑。", "市场空间有限。",
               "估值偏高，需再谈。", "dd_legal.pdf")
    for user in (world.founder, world.park_reviewer):
        login(auth, user)
        page = text(client.get(f"/applications/{rejected.id}"))
        assert "Resolution: not approved" in card(page, "committee")
        assert "closed" in card(page, "diligence")
        assert 'id="votes"' not in page and 'id="tally"' not in page
        assert "Red flag" not in page
        for secret in secrets:
            assert secret not in card(page, "diligence") + card(page, "committee"), secret
        page = text(client.get(f"/applications/{voting.id}"))
        assert 'id="votes"' not in page and "估值偏高，需再谈。" not in page
        assert 'id="vote-form"' not in page
        auth.logout()
    for user in (funds.manager1, funds.members1[3], world.auditor):
        login(auth, user)
        page = text(client.get(f"/applications/{rejected.id}"))
        assert "核心专利存在权属争议。" in card(page, "diligence")
        assert "估值偏高。" in card(page, "votes")
        auth.logout()


def test_the_founder_and_the_park_cannot_download_the_findings_or_the_named_votes(
        client, auth, world, funds):
    rejected = deal_in(world, funds, "ic_rejected")
    run_pending()
    reports = list(db.session.scalars(select(Attachment).where(
        Attachment.application_id == rejected.id, Attachment.kind.like("dd_%"))))
    dossiers = list(db.session.scalars(select(Dossier).where(
        Dossier.application_id == rejected.id,
        Dossier.stage.in_(("dd_summary", "ic_resolution")), Dossier.status == "ready")))
    assert len(reports) == 3 and len(dossiers) == 2
    wrong = []
    for user in (world.founder, world.park_reviewer):
        login(auth, user)
        page = text(client.get(f"/applications/{rejected.id}"))
        for report in reports:
            if report.original_name in page:
                wrong.append(f"{user.role} sees {report.original_name}")
            url = f"/applications/{rejected.id}/files/{report.id}"
            if client.get(url).status_code != 404:
                wrong.append(f"{user.role} downloads {report.kind}")
        for dossier in dossiers:
            url = f"/applications/{rejected.id}/dossiers/{dossier.id}"
            if client.get(url).status_code != 404:
                wrong.append(f"{user.role} downloads {dossier.stage}")
        auth.logout()
    assert wrong == []


# --- the queues ----------------------------------------------------------------------------

# Whose default queue holds a deal in each state (the fund's approvers may also ask the
# founder for information in the prescreen, as a bank's approver may in the bank's review).
QUEUES = {"park_review": {"park"}, "prescreen": {"manager", "approver"},
          "project_approval": {"approver"}, "ic_review": {"members"}}


def test_each_deal_waits_in_the_right_queue_and_never_in_another_funds(client, auth, world,
                                                                       funds):
    deals = {state: deal_in(world, funds, state) for state in QUEUES}
    others = {state: deal_in(world, funds, state, founder=world.founder2, fund=funds.fund2)
              for state in QUEUES}
    queues = {"park": [world.park_reviewer], "manager": [funds.manager1],
              "approver": [funds.approver1, funds.approver1b], "members": funds.members1}
    wrong = []
    for queue, users in queues.items():
        for user in users:
            login(auth, user)
            page = text(client.get("/queue/"))
            for state, deal in deals.items():
                if (deal.reference in page) != (queue in QUEUES[state]):
                    wrong.append(f"{user.email}: {state} listed {deal.reference in page}")
            for state, deal in others.items():
                if deal.reference in page:
                    wrong.append(f"{user.email} lists fund 2's {state}")
            auth.logout()
    for user in (funds.manager2, funds.chair2):
        login(auth, user)
        page = text(client.get("/queue/?status=all"))
        assert not [d for d in deals.values() if d.reference in page]
        auth.logout()
    assert wrong == []


# --- every transition x every role x another organisation ----------------------------------

# The state each transition is tried in (one of its sources); "ic_voted_for" and
# "ic_voted_against" are ic_review with the meeting open and its votes deciding.
CASES = {
    "submit": "draft", "withdraw": "prescreen",
    "park_approve": "park_review", "park_request_info": "park_review",
    "park_reject": "park_review", "resubmit": "info_requested", "expire": "info_requested",
    "prescreen_pass": "prescreen", "prescreen_decline": "prescreen",
    "fund_request_info": "prescreen", "fund_resubmit": "fund_info_requested",
    "approve_project": "project_approval", "return_project": "project_approval",
    "decline_project": "project_approval", "complete_dd": "due_diligence",
    "dd_decline": "due_diligence", "file_valuation": "valuation",
    "ic_approve": "ic_voted_for", "ic_reject": "ic_voted_against",
    "close_publicity": "publicity", "uphold_objection": "publicity",
    "sign": "signing", "record_funding": "signed", "propose_exit": "monitoring",
    "approve_exit": "exit_approval", "return_exit": "exit_approval",
}
# A resolution the votes did not reach (or before any meeting) is refused to the committee
# too (409, as for a page whose moment has passed).
MISFITS = {"ic_review": ("ic_approve", "ic_reject"), "ic_voted_for": ("ic_reject",),
           "ic_voted_against": ("ic_approve",)}
VOTED = {"ic_voted_for": (("for", ""), ("for", ""), ("for", ""), ("for", "")),
         "ic_voted_against": (("against", "估值偏高。"), ("against", "权属存疑。"),
                              ("against", "市场有限。"))}
_PARK = {"founder", "park_reviewer", "auditor"}
_FUND = _PARK | {"manager1", "approver1", "chair1", "member2"}
VISIBLE = {state: _FUND for state in {*CASES.values(), *MISFITS}}
VISIBLE.update({"draft": {"founder"}, "park_review": _PARK, "info_requested": _PARK})
# The account of each role that may act (the deal's own founder, park and fund; the chair
# records the committee's resolution).
RIGHT = {"founder": "founder", "park_reviewer": "park_reviewer", "fund_officer": "manager1",
         "fund_approver": "approver1", "fund_ic": "chair1"}
RESOLUTIONS = ("ic_approve", "ic_reject")


def _users(world, funds) -> dict:
    return {"founder": world.founder, "founder2": world.founder2,
            "park_reviewer": world.park_reviewer, "park2_reviewer": world.park2_reviewer,
            "manager1": funds.manager1, "approver1": funds.approver1,
            "chair1": funds.chair1, "member2": funds.members1[1],
            "manager2": funds.manager2, "approver2": funds.approver2, "chair2": funds.chair2,
            "underwriter": funds.underwriter, "insurer_approver": funds.insurer_approver,
            "bank_officer": world.officer1, "bank_approver": world.approver1,
            "pool_admin": world.pool_admin, "committee": world.committee,
            "auditor": world.auditor, "admin": world.admin}


def _deal(world, funds, state: str):
    if state not in VOTED:
        return deal_in(world, funds, state)
    deal = deal_in(world, funds, "ic_review")
    _open_meeting(deal, funds, VOTED[state])
    return deal


def _filled(trigger: str, funds) -> dict:
    """What a determined user would send: every field filled in."""
    staff = str(funds.manager1.id)
    values = {"comment": "outsider", "business_owner": staff, "legal_owner": staff,
              "financial_owner": staff, "pre_money": "12,000,000", "ticket": "3,000,000",
              "signed_on": "2026-01-05", "amount": "3,000,000", "funded_on": "2026-01-05",
              "method": "buyback", "exited_on": "2026-01-05", "proceeds": "3,900,000",
              "fields": "purpose", "documents": "business_plan"}
    return {f"{trigger}-{name}": value for name, value in values.items()}


def test_the_cases_cover_every_transition():
    assert set(CASES) == {t.trigger for t in WORKFLOW.transitions}
    for trigger, state in CASES.items():
        source = "ic_review" if state in VOTED else state
        assert source in WORKFLOW.transition(trigger).sources
    assert set(PATHS) >= {s for s in CASES.values() if s not in VOTED}


def test_only_the_right_role_of_the_right_organisation_fires_each_transition(
        client, auth, world, funds):
    states = sorted({*CASES.values(), *MISFITS})
    deals = {state: _deal(world, funds, state) for state in states}
    assert {s: fresh(d.id).status for s, d in deals.items()} == {
        s: "ic_review" if s in VOTED else s for s in states}
    before = {state: _footprint(d.id) for state, d in deals.items()}
    wrong = []
    for name, user in _users(world, funds).items():
        login(auth, user)
        for state, deal in deals.items():
            base = f"/applications/{deal.id}"
            visible = name in VISIBLE[state]
            page = client.get(base)
            if page.status_code != (200 if visible else 404):
                wrong.append(f"{name} sees {state}: {page.status_code}")
            triggers = [t for t, s in CASES.items() if s == state]
            for trigger in [*triggers, *MISFITS.get(state, ())]:
                transition = WORKFLOW.transition(trigger)
                right = trigger in triggers and any(
                    RIGHT.get(role) == name for role in transition.roles)
                if right:
                    if not can(user, f"fire:{trigger}", fresh(deal.id))[0]:
                        wrong.append(f"{name} may not {trigger} in {state}")
                    if not transition.submits and f'id="action-{trigger}"' not in page.text:
                        wrong.append(f"{name}'s page lacks {trigger} in {state}")
                    continue
                if name == "member2" and trigger in triggers and trigger in RESOLUTIONS:
                    continue  # a member who is not the chair: see the test below
                if f'id="action-{trigger}"' in page.text:
                    wrong.append(f"{name}'s page offers {trigger} in {state}")
                # A role that acts here, but not now: a stale page (409).
                expected = (409 if user.role in transition.roles else 403) if visible else 404
                for data in (_filled(trigger, funds), {}):
                    status = client.post(f"{base}/fire/{trigger}", data=data).status_code
                    if status != expected:
                        wrong.append(f"{name} {trigger} in {state} ({bool(data)}): {status}")
        auth.logout()
    assert wrong == []
    assert {state: _footprint(d.id) for state, d in deals.items()} == before


def test_a_member_who_is_not_the_chair_is_not_offered_the_resolution(client, auth, world,
                                                                    funds):
    wrong = []
    for state, trigger in (("ic_voted_for", "ic_approve"), ("ic_voted_against", "ic_reject")):
        deal = _deal(world, funds, state)
        before = _footprint(deal.id)
        login(auth, funds.members1[1])
        page = text(client.get(f"/applications/{deal.id}"))
        if f'id="action-{trigger}"' in page:
            wrong.append(f"the page offers {trigger}")
        response = client.post(f"/applications/{deal.id}/fire/{trigger}",
                               data={f"{trigger}-comment": "我来记录决议。"})
        if response.status_code not in (403, 409, 422):  # refused, whichever way
            wrong.append(f"{trigger}: {response.status_code}")
        assert _footprint(deal.id) == before
        auth.logout()
    assert wrong == []


def test_nobody_claims_an_item_before_the_committee_and_no_claim_holds_it(client, auth,
                                                                           world, funds):
    deal = deal_in(world, funds, "ic_review")
    login(auth, funds.members1[1])
    page = text(client.get(f"/applications/{deal.id}"))
    assert 'id="claim"' not in page and "Claim this application" not in page
    claimed = client.post(f"/applications/{deal.id}/claim")
    assert claimed.status_code in (403, 409) and fresh(deal.id).claimed_by_id is None
    # A claim left from before (data of an older release) holds no member back.
    stored = fresh(deal.id)
    stored.claimed_by_id = funds.members1[2].id
    db.session.commit()
    page = text(client.get(f"/applications/{deal.id}"))
    assert "Ask them to release it" not in page
    assert not claim_blocks(funds.members1[1], fresh(deal.id))
