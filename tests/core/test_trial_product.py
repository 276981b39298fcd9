"""A product registered only here, with its own kind of partner and role, works end to end
through the unchanged core: the founder applies, the park routes it, the lab decides from
its queue; the log and the audit chain, the dossiers, the notifications, the SLA and the
404 rule all follow from its registration."""

import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.decisions import FORMS
from talentfin.models import Dossier
from talentfin.models import Notification
from talentfin.models import TransitionLog
from talentfin.models.base import utcnow
from talentfin.services.audit_chains import verify_all
from talentfin.services.outbox import run_pending
from talentfin.services.sla import send_sla_escalations
from talentfin.storage import dossier_path
from talentfin.workdays import is_working_day
from talentfin.workflows.checker import product_defects
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import status_label
from tests.web import switch_to
from tests.web import text
from tests.web import upload

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def labs(trial, world):
    """Two labs, a reviewer and a head at the first, a reviewer at the second."""
    lab = factories.organisation("lab", "lab-1", "一号实验室")
    other = factories.organisation("lab", "lab-2", "二号实验室")
    return {
        "lab": lab,
        "reviewer": factories.user("reviewer@lab.cn", "lab_reviewer", lab),
        "head": factories.user("head@lab.cn", "lab_head", lab),
        "outsider": factories.user("reviewer@lab2.cn", "lab_reviewer", other),
    }


def _apply(client, auth, world, labs) -> int:
    """The founder applies for a trial through the pages and submits it."""
    login(auth, world.founder)
    response = client.post("/applications/new", data={"product": "trial"})
    assert response.status_code == 302
    assert "/edit/company" in response.headers["Location"]
    application_id = int(response.headers["Location"].split("/")[-3])
    assert client.post(f"/applications/{application_id}/edit/request", data={
        "partner_org_id": labs["lab"].id, "requested_amount_fen": "300000",
        "purpose": "试验新材料"}).status_code == 302
    assert upload(client, application_id, "plan").status_code == 302
    assert fire(client, application_id, "submit").status_code == 302
    return application_id


def test_the_trial_product_passes_the_definition_check(trial):
    assert product_defects(trial, frozenset(FORMS)) == []


def test_a_trial_goes_through_park_and_lab_with_log_chain_and_dossiers(client, auth, world,
                                                                      labs):
    application_id = _apply(client, auth, world, labs)
    assert fresh(application_id).reference.startswith("TRY")
    switch_to(auth, world.park_reviewer)
    assert fresh(application_id).reference in text(client.get("/queue/"))
    assert fire(client, application_id, "park_approve", comment="属实").status_code == 302

    switch_to(auth, labs["reviewer"])
    queue = text(client.get("/queue/"))
    assert fresh(application_id).reference in queue and "Lab review" in queue
    page = text(client.get(f"/applications/{application_id}"))
    assert "Trial plan" in page and 'id="trial-note"' in page and "Grant" in page
    response = fire(client, application_id, "grant", follow=True, comment="准予")
    assert status_label(response) == "Granted"

    logs = db.session.scalars(select(TransitionLog).where(
        TransitionLog.application_id == application_id).order_by(TransitionLog.id)).all()
    assert [(log.trigger, log.to_state) for log in logs] == [
        ("submit", "park_review"), ("park_approve", "lab_review"), ("grant", "done")]
    assert logs[-1].actor_id == labs["reviewer"].id
    assert verify_all() == []

    run_pending(limit=100)
    decisions = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application_id, Dossier.stage == "lab_decision")).all()
    assert [d.status for d in decisions] == ["ready"]
    pdf_text = subprocess.run(["pdftotext", str(dossier_path(decisions[0])), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert "试验决定书" in pdf_text and "准予" in pdf_text and "实验室审核人" in pdf_text
    page = text(client.get(f"/applications/{application_id}"))
    assert "Lab decision" in page


def test_the_lab_hears_of_the_trial_in_its_queue(client, auth, world, labs):
    application_id = _apply(client, auth, world, labs)
    switch_to(auth, world.park_reviewer)
    fire(client, application_id, "park_approve", comment="属实")
    run_pending(limit=100)
    notified = set(db.session.scalars(select(Notification.user_id).where(
        Notification.application_id == application_id, Notification.kind == "status_change")))
    assert labs["reviewer"].id in notified  # its queue (State.actor)
    assert labs["outsider"].id not in notified  # another lab's reviewer
    assert labs["head"].id not in notified  # not the queue's role


def test_a_trial_waiting_too_long_goes_to_the_lab_head(client, auth, world, labs):
    application_id = _apply(client, auth, world, labs)
    switch_to(auth, world.park_reviewer)
    fire(client, application_id, "park_approve", comment="属实")
    factories.set_columns(fresh(application_id),
                          status_changed_at=utcnow() - timedelta(days=30))
    today = business_today()
    while not is_working_day(today):  # nothing is sent on days off
        today += timedelta(days=1)
    assert send_sla_escalations(today) >= 1
    escalated = set(db.session.scalars(select(Notification.user_id).where(
        Notification.application_id == application_id, Notification.kind == "escalation")))
    assert escalated == {labs["head"].id}  # the state's supervisor, of the same lab


@pytest.mark.parametrize("who", ["outsider", "officer1", "pool_admin", "park2_reviewer",
                                 "founder2"])
def test_everyone_off_the_trials_route_gets_404(client, auth, world, labs, who):
    application_id = _apply(client, auth, world, labs)
    switch_to(auth, world.park_reviewer)
    fire(client, application_id, "park_approve", comment="属实")
    user = labs[who] if who in labs else getattr(world, who)
    switch_to(auth, user)
    assert client.get(f"/applications/{application_id}").status_code == 404
    assert fire(client, application_id, "grant", comment="x").status_code == 404
    assert client.post(f"/applications/{application_id}/claim").status_code == 404
    assert fresh(application_id).status == "lab_review"


def test_a_lab_claim_is_the_lab_heads_to_release_and_any_step_releases_it(client, auth,
                                                                            world, labs):
    application_id = _apply(client, auth, world, labs)
    switch_to(auth, world.park_reviewer)
    assert client.post(f"/applications/{application_id}/claim").status_code == 302
    fire(client, application_id, "park_approve", comment="属实")
    assert fresh(application_id).claimed_by_id is None  # the hand-over released it
    switch_to(auth, labs["reviewer"])
    assert client.post(f"/applications/{application_id}/claim").status_code == 302
    switch_to(auth, labs["head"])
    page = text(client.get(f"/applications/{application_id}"))
    assert "reviewer has claimed this application" in page  # who holds it, and how
    assert client.post(f"/applications/{application_id}/release").status_code == 302
    assert fresh(application_id).claimed_by_id is None
