"""Who knows of a bond and of a firm's allocation of it: the 404 rule for everyone off their
route or in another organisation (a second underwriter, another issuer, an insurer, a fund,
a bank, another founder, another park), on every page and POST, and nothing of them in
their lists; the issuer's own bond; the underwriter's book and the planning page for the
underwriter's staff only (the plan for its officer); each underwriter's queue its own; and
every transition x every role x another organisation of both products (as
tests/insurance/test_access_matrix.py)."""

import io
import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.policy import can
from talentfin.workflows.bond.definition import ISSUE_WORKFLOW
from talentfin.workflows.bond.definition import WORKFLOW
from talentfin.workflows.bond.models import BondIssue
from tests.bond.web_helpers import ISSUE_PATHS
from tests.bond.web_helpers import PATHS
from tests.bond.web_helpers import allocation_in
from tests.bond.web_helpers import bond_in
from tests.bond.web_helpers import book_line
from tests.bond.web_helpers import issuer_uscc
from tests.bond.web_helpers import stage_upload
from tests.bond.web_helpers import text
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import switch_to

MISSING_ID = 999_999


def _page(response) -> str:
    """The body without the language switch's return address (the only per-URL part)."""
    return re.sub(r'name="next" value="[^"]*"', "", text(response))


def _footprint(application_id: int) -> tuple:
    application = fresh(application_id)
    attachments = db.session.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.application_id == application_id))
    own = (application.allocated_fen, getattr(application, "recommended_amount_fen", None),
           getattr(application, "registration_no", None), getattr(application, "size_fen", None))
    return (application.status, application.version, application.claimed_by_id,
            len(logs(application_id)), attachments, *own)


def _outsiders(world, desk) -> dict:
    """Everyone who must not know of a bond of underwriter 1 (issuer 1) nor of founder 1's
    allocation of it (park 1)."""
    return {"officer2": desk.officer2, "approver2": desk.approver2,
            "issuer2": desk.issuer_officer2, "insurer_officer": desk.insurer_officer,
            "insurer_approver": desk.insurer_approver, "fund_officer": desk.fund_officer,
            "fund_approver": desk.fund_approver, "bank_officer": world.officer1,
            "bank_approver": world.approver1, "founder2": world.founder2,
            "park2_reviewer": world.park2_reviewer, "pool_admin": world.pool_admin,
            "committee": world.committee, "admin": world.admin}


def _files(world, desk) -> dict:
    """Bonds of underwriter 1 and allocations of founder 1 where every route could act."""
    bond = bond_in(desk, "allocating")
    files = {f"bond {state}": bond_in(desk, state) for state in ("planned", "servicing")}
    files["bond allocating"] = bond
    for state in ("credit_review", "allocation_approval", "allocated", "disbursed"):
        files[f"allocation {state}"] = allocation_in(world, desk, state, bond=bond)
    return files


def _posts(application) -> list[tuple[str, dict]]:
    """Every POST a determined user could send on a file."""
    workflow = ISSUE_WORKFLOW if application.product == "bond_issue" else WORKFLOW
    base = f"/applications/{application.id}"
    return [
        *((f"{base}/fire/{t.trigger}", {f"{t.trigger}-comment": "outsider"})
          for t in workflow.transitions),
        (f"{base}/claim", {}), (f"{base}/release", {}),
        (f"{base}/documents", {"document-kind": "board_resolution",
                               "document-file": (io.BytesIO(DEMO_PDF), "x.pdf")}),
        (f"{base}/edit/request", {"bond_id": "1", "requested_amount": "1"}),
        (f"{base}/edit/documents", {"kind": "other",
                                    "file": (io.BytesIO(DEMO_PDF), "x.pdf")}),
    ]


def test_outsiders_get_the_same_404_as_for_nothing_on_every_page_and_post(
        client, auth, world, desk):
    files = _files(world, desk)
    before = {name: _footprint(f.id) for name, f in files.items()}
    wrong = []
    for who, user in _outsiders(world, desk).items():
        login(auth, user)
        missing = _page(client.get(f"/applications/{MISSING_ID}"))
        for name, application in files.items():
            base = f"/applications/{application.id}"
            for url in (base, f"{base}/edit/request", f"{base}/edit/documents",
                        f"{base}/edit/review"):
                response = client.get(url)
                if response.status_code != 404 or _page(response) != missing:
                    wrong.append(f"{who} GET {url} ({name}): {response.status_code}")
            for url, data in _posts(application):
                response = client.post(url, data=data, content_type="multipart/form-data")
                if response.status_code != 404:
                    wrong.append(f"{who} POST {url} ({name}): {response.status_code}")
            for listing in ("/queue/?status=all", "/applications/"):
                if application.reference in text(client.get(listing)):
                    wrong.append(f"{who} lists {name} on {listing}")
        auth.logout()
    assert wrong == []
    assert {name: _footprint(f.id) for name, f in files.items()} == before


def test_the_issuer_does_not_open_the_firms_allocations(client, auth, world, desk):
    bond = bond_in(desk, "allocating")
    allocations = [allocation_in(world, desk, state, bond=bond)
                   for state in ("credit_review", "allocated", "disbursed")]
    before = [_footprint(a.id) for a in allocations]
    login(auth, desk.issuer_officer1)
    wrong = []
    for allocation in allocations:
        for url, data in [(f"/applications/{allocation.id}", None), *_posts(allocation)]:
            response = (client.get(url) if data is None else
                        client.post(url, data=data, content_type="multipart/form-data"))
            if response.status_code != 404:
                wrong.append(f"{url}: {response.status_code}")
        if allocation.reference in text(client.get("/queue/?status=all")):
            wrong.append(f"lists {allocation.reference}")
    assert wrong == []
    assert [_footprint(a.id) for a in allocations] == before


def test_the_issuer_sees_its_bond_and_files_its_board_resolution(client, auth, world, desk):
    bond = bond_in(desk, "planned")
    theirs = bond_in(desk, "planned", underwriter=desk.uw2, issuer=desk.issuer2)
    login(auth, desk.issuer_officer1)
    page = text(client.get(f"/applications/{bond.id}"))
    assert 'id="party-documents"' in page and 'value="board_resolution"' in page
    assert 'id="action-' not in page  # the underwriter's steps are not the issuer's
    assert stage_upload(client, bond.id, "board_resolution").status_code == 302
    assert db.session.scalar(select(Attachment.uploaded_by_id).where(
        Attachment.application_id == bond.id)) == desk.issuer_officer1.id
    response = client.post(f"/applications/{bond.id}/fire/register",
                           data={"register-registration_no": "X-1"})
    assert response.status_code == 403
    assert bond.reference in text(client.get("/queue/?status=all"))
    assert client.get(f"/applications/{theirs.id}").status_code == 404  # another issuer's


def test_the_auditor_reads_every_bond(client, auth, world, desk):
    bonds = [bond_in(desk, state) for state in ("planned", "allocating")]
    login(auth, world.auditor)
    for bond in bonds:
        assert client.get(f"/applications/{bond.id}").status_code == 200
        assert client.post(f"/applications/{bond.id}/fire/cancel",
                           data={"cancel-comment": "x"}).status_code == 403
    # ... and finds them in the queue: a bond starts planned, filed (submitted) by its
    # underwriter, not a founder's draft the auditor's queue leaves out.
    for url in ("/queue/", "/queue/?status=planned", "/queue/?status=all&product=bond_issue"):
        page = text(client.get(url))
        assert bonds[0].reference in page, url
    assert bonds[1].reference in text(client.get("/queue/"))


def test_the_bonds_page_lists_only_the_allocations_its_reader_may_open(client, auth, world,
                                                                       desk):
    bond = bond_in(desk, "allocating")
    waiting = {state: allocation_in(world, desk, state, bond=bond, founder=world.founder2)
               for state in ("park_review", "info_requested", "rejected")}
    routed = allocation_in(world, desk, "credit_review", bond=bond)
    login(auth, desk.officer1)
    page = text(client.get(f"/applications/{bond.id}"))
    assert routed.reference in page
    for state, application in waiting.items():
        assert client.get(f"/applications/{application.id}").status_code == 404, state
        assert application.reference not in page, state
    assert "测试企业2" not in page


# --- the underwriter's book and the planning page ------------------------------------------

@pytest.mark.parametrize("who", ["founder", "park_reviewer", "officer1", "approver1",
                                 "pool_admin", "committee", "auditor", "admin"])
def test_the_book_and_the_planning_page_are_404_for_every_other_role(client, auth, world,
                                                                     desk, who):
    bond = bond_in(desk, "allocating")
    login(auth, getattr(world, who))
    for url in ("/bond/book", "/bond/new"):
        assert client.get(url).status_code == 404, url
    response = client.post("/bond/new", data={"name": "假债券", "issuer_org_id": str(
        desk.issuer1.id), "issuer_uscc": issuer_uscc(desk, desk.issuer1)})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 1
    page = text(client.get("/", follow_redirects=True))
    assert "/bond/book" not in page and bond.name not in page


def test_the_other_partners_staff_do_not_know_the_book(client, auth, world, desk):
    bond_in(desk, "allocating")
    for user in (desk.issuer_officer1, desk.insurer_officer, desk.insurer_approver,
                 desk.fund_officer, desk.fund_approver):
        login(auth, user)
        for url in ("/bond/book", "/bond/new"):
            assert client.get(url).status_code == 404, (user.email, url)
        response = client.post("/bond/new", data={"name": "假债券", "issuer_org_id": str(
            desk.issuer1.id), "issuer_uscc": issuer_uscc(desk, desk.issuer1)})
        assert response.status_code == 404
        auth.logout()
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 1


def test_the_approver_reads_the_book_but_does_not_plan_a_bond(client, auth, world, desk):
    bond_in(desk, "allocating")
    login(auth, desk.approver1)
    book = text(client.get("/bond/book"))
    assert "Underwriter's book" in book and 'id="plan-bond"' not in book
    assert "/bond/book" in text(client.get("/queue/"))  # the navigation's link
    for response in (client.get("/bond/new"), client.post("/bond/new", data={
            "name": "审批人的债券", "issuer_org_id": str(desk.issuer1.id),
            "issuer_uscc": issuer_uscc(desk, desk.issuer1)})):
        assert response.status_code == 403
        assert "The underwriting officer plans a bond." in text(response)
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 1
    switch_to(auth, desk.officer1)
    assert 'id="plan-bond"' in text(client.get("/bond/book"))
    assert client.get("/bond/new").status_code == 200


def test_a_bond_is_planned_for_the_officers_own_underwriter(client, auth, world, desk):
    login(auth, desk.officer2)
    response = client.post("/bond/new", data={
        "name": "二号证券承销债券", "issuer_org_id": str(desk.issuer2.id),
        "issuer_uscc": issuer_uscc(desk, desk.issuer2)})
    assert response.status_code == 302
    bond = db.session.scalar(select(BondIssue))
    assert (bond.partner_org_id, bond.issuer_org_id) == (desk.uw2.id, desk.issuer2.id)
    assert bond.name in text(client.get("/bond/book"))
    switch_to(auth, desk.officer1)
    assert client.get(f"/applications/{bond.id}").status_code == 404
    assert bond.name not in text(client.get("/bond/book"))


# --- the queues and the books of two underwriters ------------------------------------------

def test_each_underwriters_queue_and_book_hold_only_its_own(client, auth, world, desk):
    mine = {"planned": bond_in(desk, "planned"), "registered": bond_in(desk, "registered"),
            "issued": bond_in(desk, "issued")}
    bond = bond_in(desk, "allocating")
    for state in ("credit_review", "allocation_approval", "allocated"):
        mine[state] = allocation_in(world, desk, state, bond=bond)
    theirs = {"planned": bond_in(desk, "planned", underwriter=desk.uw2, issuer=desk.issuer2),
              "registered": bond_in(desk, "registered", underwriter=desk.uw2,
                                    issuer=desk.issuer2),
              "issued": bond_in(desk, "issued", underwriter=desk.uw2, issuer=desk.issuer2)}
    other = bond_in(desk, "allocating", underwriter=desk.uw2, issuer=desk.issuer2)
    for state in ("credit_review", "allocation_approval", "allocated"):
        theirs[state] = allocation_in(world, desk, state, bond=other, founder=world.founder2)
    # Whose default queue holds each: whoever acts on it now (the approver may cancel a
    # planned bond or an allocation, and ask for information or decline in the review).
    queues = {"planned": {"officer", "approver"}, "registered": {"approver"},
              "issued": {"officer"}, "credit_review": {"officer", "approver"},
              "allocation_approval": {"officer", "approver"},
              "allocated": {"officer", "approver"}}
    wrong = []
    for files, others, staff in ((mine, theirs, (desk.officer1, desk.approver1)),
                                 (theirs, mine, (desk.officer2, desk.approver2))):
        for role, user in zip(("officer", "approver"), staff, strict=True):
            login(auth, user)
            queue = text(client.get("/queue/"))
            every = text(client.get("/queue/?status=all"))
            book = text(client.get("/bond/book"))
            for state, application in files.items():
                if (application.reference in queue) != (role in queues[state]):
                    wrong.append(f"{user.email}: {state} in the queue "
                                 f"{application.reference in queue}")
                if application.reference not in every:
                    wrong.append(f"{user.email}: {state} not among all")
            for state, application in others.items():
                if application.reference in every:
                    wrong.append(f"{user.email} lists the other's {state}")
                if isinstance(application, BondIssue) and book_line(book, application.id):
                    wrong.append(f"{user.email}'s book shows the other's {state}")
            auth.logout()
    assert wrong == [], "\n".join(wrong)


# --- every transition x every role x another organisation ----------------------------------

# The state each allocation's transition is tried in (one of its sources).
CASES = {
    "submit": "draft", "withdraw": "credit_review",
    "park_approve": "park_review", "park_request_info": "park_review",
    "park_reject": "park_review", "resubmit": "info_requested", "expire": "info_requested",
    "recommend": "credit_review", "underwriter_request_info": "credit_review",
    "underwriter_resubmit": "underwriter_info_requested",
    "return_recommendation": "allocation_approval",
    "approve_allocation": "allocation_approval", "decline": "allocation_approval",
    "sign_contract": "allocated", "cancel_allocation": "allocated",
    "disburse": "contracted", "record_repayment": "disbursed", "report_arrears": "disbursed",
    "declare_default": "overdue", "record_repaid": "repaying",
}
_PARK = {"founder", "park_reviewer", "auditor"}
_UNDERWRITER = _PARK | {"officer1", "approver1"}
VISIBLE = {state: _UNDERWRITER for state in set(CASES.values())}
VISIBLE.update({"draft": {"founder"}, "park_review": _PARK, "info_requested": _PARK})
# The account of each role that may act (the allocation's own founder, park, underwriter).
RIGHT = {"founder": "founder", "park_reviewer": "park_reviewer",
         "underwriter_officer": "officer1", "underwriter_approver": "approver1"}

# The state each bond's transition is tried in; who sees a bond of underwriter 1.
ISSUE_CASES = {"register": "planned", "cancel": "planned", "issue": "registered",
               "open_allocation": "issued", "close_allocation": "allocating",
               "redeem": "servicing"}
ISSUE_VISIBLE = {"officer1", "approver1", "issuer1", "auditor"}


def _users(world, desk) -> dict:
    return {"founder": world.founder, "founder2": world.founder2,
            "park_reviewer": world.park_reviewer, "park2_reviewer": world.park2_reviewer,
            "officer1": desk.officer1, "approver1": desk.approver1,
            "officer2": desk.officer2, "approver2": desk.approver2,
            "issuer1": desk.issuer_officer1, "issuer2": desk.issuer_officer2,
            "insurer_officer": desk.insurer_officer, "fund_approver": desk.fund_approver,
            "bank_officer": world.officer1, "bank_approver": world.approver1,
            "pool_admin": world.pool_admin, "committee": world.committee,
            "auditor": world.auditor, "admin": world.admin}


def _filled(trigger: str) -> dict:
    """What a determined user would send: every field of both products filled in."""
    values = {"comment": "outsider", "amount": "1,000,000", "rate": "4.20",
              "term_months": "24", "contract_no": "X-1", "signed_on": "2026-01-05",
              "disbursed_on": "2026-01-05", "repaid_on": "2026-01-05", "fields": "purpose",
              "documents": "credit_report", "registration_no": "X-1",
              "registered_on": "2026-01-05", "code": "X1", "size": "1,000,000",
              "coupon": "3.20", "coupon_months": "12", "issued_on": "2026-01-05",
              "due_on": "2026-01-05", "paid_on": "2026-01-05", "principal": "1,000",
              "interest": "100", "overdue_since": "2026-01-05", "classification": "loss"}
    return {f"{trigger}-{name}": value for name, value in values.items()}


def test_the_cases_cover_every_transition():
    assert set(CASES) == {t.trigger for t in WORKFLOW.transitions}
    for trigger, state in CASES.items():
        assert state in WORKFLOW.transition(trigger).sources
    assert set(PATHS) >= set(CASES.values())
    assert set(ISSUE_CASES) == {t.trigger for t in ISSUE_WORKFLOW.transitions}
    for trigger, state in ISSUE_CASES.items():
        assert state in ISSUE_WORKFLOW.transition(trigger).sources
    assert set(ISSUE_PATHS) >= set(ISSUE_CASES.values())


def _matrix(client, auth, users: dict, files: dict, cases: dict, workflow, visible) -> list:
    """What goes wrong when every user tries every transition on its file."""
    wrong = []
    for name, user in users.items():
        login(auth, user)
        for state, application in files.items():
            base = f"/applications/{application.id}"
            sees = name in visible(state)
            page = client.get(base)
            if page.status_code != (200 if sees else 404):
                wrong.append(f"{name} sees {state}: {page.status_code}")
            for trigger in (t for t, s in cases.items() if s == state):
                transition = workflow.transition(trigger)
                if any(RIGHT.get(role) == name for role in transition.roles):
                    if not can(user, f"fire:{trigger}", fresh(application.id))[0]:
                        wrong.append(f"{name} may not {trigger} in {state}")
                    if not transition.submits and f'id="action-{trigger}"' not in page.text:
                        wrong.append(f"{name}'s page lacks {trigger} in {state}")
                    continue
                if f'id="action-{trigger}"' in page.text:
                    wrong.append(f"{name}'s page offers {trigger} in {state}")
                expected = (409 if user.role in transition.roles else 403) if sees else 404
                for data in (_filled(trigger), {}):
                    status = client.post(f"{base}/fire/{trigger}", data=data).status_code
                    if status != expected:
                        wrong.append(f"{name} {trigger} in {state} ({bool(data)}): {status}")
        auth.logout()
    return wrong


def test_only_the_right_role_of_the_right_organisation_fires_each_allocation_step(
        client, auth, world, desk):
    bond = bond_in(desk, "allocating")
    states = sorted(set(CASES.values()))
    files = {state: allocation_in(world, desk, state, bond=bond) for state in states}
    assert {s: fresh(a.id).status for s, a in files.items()} == {s: s for s in states}
    before = {state: _footprint(a.id) for state, a in files.items()}
    wrong = _matrix(client, auth, _users(world, desk), files, CASES, WORKFLOW,
                    lambda state: VISIBLE[state])
    assert wrong == []
    assert {state: _footprint(a.id) for state, a in files.items()} == before


def test_only_the_right_role_of_the_right_organisation_fires_each_step_of_a_bond(
        client, auth, world, desk):
    states = sorted(set(ISSUE_CASES.values()))
    files = {state: bond_in(desk, state) for state in states}
    assert {s: fresh(b.id).status for s, b in files.items()} == {s: s for s in states}
    before = {state: _footprint(b.id) for state, b in files.items()}
    wrong = _matrix(client, auth, _users(world, desk), files, ISSUE_CASES, ISSUE_WORKFLOW,
                    lambda state: ISSUE_VISIBLE)
    assert wrong == []
    assert {state: _footprint(b.id) for state, b in files.items()} == before


def _offered(page: str, select_id: str) -> set[str]:
    """The values a filter's <select> offers (its "all" options aside)."""
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert found, select_id
    return set(re.findall(r'<option value="([^"]+)"', found.group(1))) - {"all"}


def test_the_queue_filter_offers_the_users_own_products_and_states(client, auth, world,
                                                                   desk):
    login(auth, desk.officer1)
    page = client.get("/queue/").get_data(as_text=True)
    assert _offered(page, "product") == {"bond", "bond_issue"}
    states = _offered(page, "filter-status")
    assert {"allocation_approval", "overdue", "defaulted", "planned"} <= states
    assert not states & {"npl", "claim_review", "committee_review", "prescreen", "listed"}
    switch_to(auth, world.officer1)  # a bank's officer: the loan's
    page = client.get("/queue/").get_data(as_text=True)
    assert _offered(page, "product") == {"loan"}
    assert "npl" in _offered(page, "filter-status")
    assert "allocation_approval" not in _offered(page, "filter-status")
    switch_to(auth, world.auditor)  # reads every product's
    page = client.get("/queue/").get_data(as_text=True)
    assert {"loan", "bond", "board"} <= _offered(page, "product")
