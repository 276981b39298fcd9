"""Per-object authorization: every application URL x every role x several states.

A user not on the application's route, or in another organisation, gets the same 404 as
for an application that does not exist, and nothing changes. A user who may see it but
not do an action gets 403 (409 when the role could act, but not in this state).
"""

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.services.applications import current_attachments
from talentfin.storage import dossier_path
from talentfin.workflows.registry import workflow_for
from tests import factories
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import text

LOAN = workflow_for("loan")
TRIGGERS = [t.trigger for t in LOAN.transitions]
STEPS = ("company", "request", "documents", "review")
WHO = ("founder", "founder2", "park_reviewer", "park2_reviewer", "officer1", "approver1",
       "officer2", "approver2", "pool_admin", "committee", "auditor", "admin")

_PARK = {"founder", "park_reviewer", "auditor"}
_BANK = _PARK | {"officer1", "approver1"}
VISIBLE = {
    "draft": {"founder"},
    "park_review": _PARK,
    "withdrawn": _PARK,
    "partner_review": _BANK,
    "bank_approval": _BANK,
    "disbursed": _BANK | {"pool_admin", "committee"},
    "covered": _BANK | {"pool_admin", "committee"},
}
MISSING_ID = 999_999


def application_urls(application_id: int, attachment_id: int, dossier_id: int):
    """(method, url) of every page and action of one application."""
    base = f"/applications/{application_id}"
    yield "GET", base
    for trigger in TRIGGERS:
        yield "POST", f"{base}/fire/{trigger}"
    yield "POST", f"{base}/claim"
    yield "POST", f"{base}/release"
    for step in STEPS:
        yield "GET", f"{base}/edit/{step}"
        yield "POST", f"{base}/edit/{step}"
    yield "GET", f"{base}/files/{attachment_id}"
    yield "GET", f"{base}/dossiers/{dossier_id}"
    yield "POST", f"/applications/{application_id}/documents"


def _ready_dossier(application) -> Dossier:
    """A rendered dossier on disk, so its download URL has something to serve."""
    item = Dossier(application_id=application.id, stage="park_opinion", version=99,
                   status="ready", verify_code=f"TEST-AUTH-{application.id:04d}",
                   data_version=application.version, made_at=application.created_at,
                   file_name=f"auth-test-{application.id}.pdf", summary={})
    db.session.add(item)
    db.session.commit()
    path = dossier_path(item)
    path.write_bytes(factories.DEMO_PDF)
    return item


def _footprint(application_id: int) -> tuple:
    """Everything an action could have changed."""
    application = fresh(application_id)
    files = db.session.scalar(select(func.count(Attachment.id))
                              .where(Attachment.application_id == application_id))
    return (application.status, application.version, application.claimed_by_id,
            application.requested_amount_fen, len(logs(application_id)), files)


def _post_data(url: str) -> dict:
    """Form data a determined user would send: filled in, so only authorization can stop it."""
    trigger = url.rsplit("/", 1)[-1]
    if "/edit/" in url:
        return {"requested_amount": "9999999", "purpose": "an outsider's change of purpose",
                "requested_term_months": "12", "kind": "other"}
    return {f"{trigger}-comment": "outsider", f"{trigger}-amount": "1000",
            f"{trigger}-rate": "3.00", f"{trigger}-term_months": "12",
            f"{trigger}-contract_no": "X", f"{trigger}-signed_on": "2020-01-01",
            f"{trigger}-disbursed_on": "2020-01-01", f"{trigger}-fields": "purpose"}


def _page(response) -> str:
    """The body without the language switch's return address (the only per-URL part)."""
    return re.sub(r'name="next" value="[^"]*"', "", text(response))


def _request(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=_post_data(url))


OUTSIDERS = [(who, state) for state in sorted(VISIBLE) for who in WHO
             if who not in VISIBLE[state]]
INSIDERS = [(who, state) for state in sorted(VISIBLE) for who in WHO if who in VISIBLE[state]]


@pytest.mark.parametrize(("who", "state"), OUTSIDERS)
def test_outsiders_get_404_and_change_nothing(client, auth, world, state, who):
    application = factories.loan_in(world, state)
    attachment_id = current_attachments(application)[0].id
    dossier_id = _ready_dossier(application).id
    login(auth, getattr(world, who))
    missing = _page(client.get(f"/applications/{MISSING_ID}"))
    before = _footprint(application.id)
    wrong = []
    for method, url in application_urls(application.id, attachment_id, dossier_id):
        response = _request(client, method, url)
        if response.status_code != 404 or _page(response) != missing:
            wrong.append(f"{method} {url}: {response.status_code}")
    assert wrong == []
    assert _footprint(application.id) == before


def _expected_fire_status(who_role: str, state: str, trigger: str) -> int | None:
    transition = LOAN.transition(trigger)
    if who_role not in transition.roles:
        return 403
    if state not in transition.sources:
        return 409
    return None  # allowed: the route tests fire it


@pytest.mark.parametrize(("who", "state"), INSIDERS)
def test_users_on_the_route_may_only_do_their_part(client, auth, world, state, who):
    application = factories.loan_in(world, state)
    user = getattr(world, who)
    attachment_id = current_attachments(application)[0].id
    dossier_id = _ready_dossier(application).id
    login(auth, user)
    base = f"/applications/{application.id}"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/files/{attachment_id}").status_code == 200
    assert client.get(f"{base}/dossiers/{dossier_id}").status_code == 200
    editable = user.role == "founder" and state in LOAN.founder_holds
    for step in STEPS:
        assert client.get(f"{base}/edit/{step}").status_code == (200 if editable else 302)
    before = _footprint(application.id)
    wrong = []
    for trigger in TRIGGERS:
        expected = _expected_fire_status(user.role, state, trigger)
        if expected is None:
            continue
        # Filled in or empty, the refusal is about who and when, never about the form.
        for data in (_post_data(f"x/{trigger}"), {}):
            response = client.post(f"{base}/fire/{trigger}", data=data)
            if response.status_code != expected:
                wrong.append(f"{trigger} {bool(data)}: {response.status_code}, not {expected}")
    assert wrong == []
    if not editable:
        client.post(f"{base}/edit/request", data=_post_data("/edit/request"))
    assert _footprint(application.id) == before


@pytest.mark.parametrize("who", ["founder", "park_reviewer", "auditor", "pool_admin"])
def test_roles_with_nothing_to_do_cannot_claim(client, auth, world, who):
    application = factories.loan_in(world, "partner_review")  # the bank's turn
    login(auth, getattr(world, who) if who != "pool_admin" else world.officer1)
    if who == "pool_admin":  # not on the route yet: 404, not 403
        auth.logout()
        login(auth, world.pool_admin)
        assert client.post(f"/applications/{application.id}/claim").status_code == 404
        return
    assert client.post(f"/applications/{application.id}/claim").status_code == 403
    assert fresh(application.id).claimed_by_id is None


def test_an_attachment_is_served_only_under_its_own_application(client, auth, world):
    mine = factories.loan_in(world, "park_review")
    theirs = factories.loan_in(world, "park_review", founder=world.founder2, bank=world.bank2)
    login(auth, world.founder2)
    foreign = current_attachments(mine)[0].id
    assert client.get(f"/applications/{theirs.id}/files/{foreign}").status_code == 404
    foreign_dossier = _ready_dossier(mine).id
    assert client.get(f"/applications/{theirs.id}/dossiers/{foreign_dossier}").status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    application = factories.loan_in(world, "covered")
    attachment_id = current_attachments(application)[0].id
    dossier_id = _ready_dossier(application).id
    urls = [*application_urls(application.id, attachment_id, dossier_id),
            ("GET", "/applications/"), ("POST", "/applications/new"), ("GET", "/queue/"),
            ("GET", "/company/"), ("GET", "/company/talent")]
    wrong = []
    for method, url in urls:
        response = _request(client, method, url)
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/login?next="):
            wrong.append(f"{method} {url}: {response.status_code} {location}")
    assert wrong == []
    assert fresh(application.id).status == "covered"


ALL_STATES = sorted(VISIBLE)


def _references(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return text(response)


def test_queues_show_only_the_own_organisations_applications(client, auth, world):
    bank1 = [factories.loan_in(world, s) for s in ALL_STATES]
    bank2 = [factories.loan_in(world, s, founder=world.founder2, bank=world.bank2)
             for s in ALL_STATES]
    bank1_refs = [a.reference for a in bank1]
    bank2_refs = [a.reference for a in bank2]
    routed2 = [a.reference for a in bank2 if a.partner_routed_at is not None]
    for who in ("officer2", "approver2"):
        login(auth, getattr(world, who))
        page = _references(client, "/queue/?status=all")
        assert not [ref for ref in bank1_refs if ref in page], who
        assert all(ref in page for ref in routed2), who
        for state in ALL_STATES:
            page = _references(client, f"/queue/?status={state}")
            assert not [ref for ref in bank1_refs if ref in page], (who, state)
        auth.logout()

    login(auth, world.park2_reviewer)
    page = _references(client, "/queue/?status=all")
    assert not [ref for ref in bank1_refs if ref in page]
    auth.logout()

    login(auth, world.founder2)
    page = _references(client, "/applications/")
    assert not [ref for ref in bank1_refs if ref in page]
    assert all(ref in page for ref in bank2_refs)
    assert client.get("/queue/").status_code == 404
