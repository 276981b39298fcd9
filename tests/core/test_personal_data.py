"""Personal information (个人信息保护法): a founder downloads what the programme holds about
them (their account, company, talent certification with its ID number, applications with
their steps but not the institutions' internal notes, documents, dossiers, notifications,
identity changes, security log), recorded in the security log; nobody else downloads it.
The uploads of applications rejected, withdrawn or expired longer than the policy's
retention ago are removed; their rows and hashes stay."""

import json
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import SecurityEvent
from talentfin.models.base import utcnow
from talentfin.services.resubmissions import change_value
from talentfin.services.uploads import attachment_path
from talentfin.services.uploads import remove_expired_uploads
from tests import factories
from tests.web import login
from tests.web import switch_to


def test_a_founder_downloads_their_data_without_the_banks_internal_notes(client, auth,
                                                                           world):
    loan = factories.loan_in(world, "bank_approval")  # the officer's note is internal
    login(auth, world.founder)
    response = client.get("/company/my-data.json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == world.founder.email
    assert data["talent"]["id_number"] == world.founder.enterprise.talent.id_number
    [application] = [a for a in data["applications"] if a["reference"] == loan.reference]
    assert {d["kind"] for d in application["documents"]} >= {"business_plan"}
    recommend = next(s for s in application["steps"] if s["trigger"] == "recommend")
    assert recommend["comment"] is None  # the officer's note to the approver
    assert any(s["trigger"] == "submit" for s in application["steps"])
    assert db.session.scalar(select(SecurityEvent.kind).where(
        SecurityEvent.user_id == world.founder.id,
        SecurityEvent.kind == "personal_data_exported")) is not None
    for user in (world.officer1, world.park_reviewer, world.auditor):
        switch_to(auth, user)
        assert client.get("/company/my-data.json").status_code == 404


def test_ended_applications_lose_their_uploads_after_the_retention(app, world):
    withdrawn = factories.loan_in(world, "withdrawn")
    recent = factories.loan_in(world, "rejected")
    open_one = factories.loan_in(world, "park_review")
    db.session.execute(update(Application).where(Application.id.in_([withdrawn.id,
                                                                     open_one.id]))
                       .values(status_changed_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    files = {a.id: [attachment_path(x) for x in db.session.scalars(
        select(Attachment).where(Attachment.application_id == a.id))]
        for a in (withdrawn, recent, open_one)}
    assert all(path.exists() for paths in files.values() for path in paths)
    assert remove_expired_uploads(business_today()) == len(files[withdrawn.id]) > 0
    assert not any(path.exists() for path in files[withdrawn.id])
    assert all(path.exists() for path in files[recent.id] + files[open_one.id])
    # The rows and their hashes stay.
    assert db.session.scalar(select(Attachment.sha256).where(
        Attachment.application_id == withdrawn.id).limit(1))


def test_an_id_number_changed_on_resubmission_is_shown_masked():
    assert change_value("insured_id_number", "370212198808080012") == "370212********0012"
    assert change_value("insured_id_number", "12") == "****"


def _page(client, application_id: int) -> str:
    return client.get(f"/applications/{application_id}").get_data(as_text=True)


def test_the_deciding_staff_see_a_whole_id_number_on_request_and_the_view_is_recorded(
        client, auth, world):
    application = factories.loan_in(world, "partner_review")
    whole = application.enterprise.talent.id_number
    masked = whole[:6] + "********" + whole[-4:]

    login(auth, world.officer1)
    page = _page(client, application.id)
    assert masked in page and whole not in page
    assert "Show the whole number" in page
    shown = client.post(f"/applications/{application.id}/identity")
    assert shown.status_code == 200
    assert whole in shown.get_data(as_text=True)
    assert "your view is recorded" in shown.get_data(as_text=True)
    [event] = db.session.scalars(select(SecurityEvent).where(
        SecurityEvent.kind == "identity_number_viewed")).all()
    assert (event.user_id, event.detail) == (world.officer1.id, application.reference)
    assert whole not in _page(client, application.id)  # masked again on the next view

    # The founder sees their own masked, the auditor masked, and neither may ask; those
    # who cannot open the application (another bank, the pool before it is filed) get 404.
    for user in (world.founder, world.auditor, world.pool_admin, world.officer2):
        switch_to(auth, user)
        page = client.get(f"/applications/{application.id}")
        if page.status_code == 200:
            assert whole not in page.get_data(as_text=True)
            assert "Show the whole number" not in page.get_data(as_text=True)
            # The founder is told where their whole number is; nobody else is.
            told = "the whole number is on your talent certification" in page.get_data(
                as_text=True)
            assert told == (user is world.founder)
        expected = 403 if page.status_code == 200 else 404
        assert client.post(f"/applications/{application.id}/identity").status_code == expected
        assert user not in (world.founder, world.auditor) or expected == 403
    assert db.session.scalar(select(func.count(SecurityEvent.id)).where(
        SecurityEvent.kind == "identity_number_viewed")) == 1

    # The auditor reads who saw it, and when.
    switch_to(auth, world.auditor)
    log = client.get("/audit/security").get_data(as_text=True)
    assert "Whole ID number viewed" in log and application.reference in log


def test_the_park_reviewer_may_see_it_too(client, auth, world):
    application = factories.loan_in(world, "park_review")
    login(auth, world.park_reviewer)
    shown = client.post(f"/applications/{application.id}/identity")
    assert application.enterprise.talent.id_number in shown.get_data(as_text=True)
