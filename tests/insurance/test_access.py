"""Who sees a policy: the 404 rule for everyone off its route or in another organisation
(and nothing of it in their lists), the pool once a subsidy is asked for, the auditor once
it is submitted; and an insurer's terms page, read by its staff, changed by its approvers."""

import re

import pytest
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.workflows.insurance.models import InsuranceOffer
from tests.insurance.factories import policy_in
from tests.insurance.helpers import offer
from tests.insurance.helpers import text
from tests.web import login
from tests.web import switch_to

MISSING_ID = 999_999
LIST = {"founder2": "/applications/"}


def _outsiders(world, insurers) -> dict:
    """Everyone who must not know of a policy of insurer 1, founder 1 and park 1."""
    return {"underwriter2": insurers.underwriter2, "approver2": insurers.approver2,
            "bank officer": world.officer1, "bank approver": world.approver1,
            "park2_reviewer": world.park2_reviewer, "founder2": world.founder2,
            "committee": world.committee, "admin": world.admin}


def _page(response) -> str:
    """The body without the language switch's return address (the only per-URL part)."""
    return re.sub(r'name="next" value="[^"]*"', "", text(response))


@pytest.mark.parametrize("state", ["underwriting", "premium_paid", "claim_adjusting"])
def test_outsiders_get_the_same_404_as_for_nothing_and_do_not_list_it(client, auth, world,
                                                                      insurers, state):
    policy = policy_in(world, insurers, state)
    wrong = []
    for name, user in _outsiders(world, insurers).items():
        login(auth, user)
        missing = _page(client.get(f"/applications/{MISSING_ID}"))
        for url in (f"/applications/{policy.id}", f"/applications/{policy.id}/edit/request"):
            response = client.get(url)
            if response.status_code != 404 or _page(response) != missing:
                wrong.append(f"{name} {url}: {response.status_code}")
        listing = client.get(LIST.get(name, "/queue/"))
        if policy.reference in text(listing):
            wrong.append(f"{name} lists it")
        auth.logout()
    assert wrong == []


def test_the_insurer_sees_its_own_quotes_from_the_parks_recommendation(client, auth, world,
                                                                       insurers):
    waiting = policy_in(world, insurers, "park_review")
    routed = policy_in(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    assert client.get(f"/applications/{waiting.id}").status_code == 404
    assert client.get(f"/applications/{routed.id}").status_code == 200
    queue = text(client.get("/queue/"))
    assert routed.reference in queue and waiting.reference not in queue


def test_the_pool_sees_a_policy_once_its_subsidy_is_asked_for(client, auth, world, insurers):
    paid = policy_in(world, insurers, "premium_paid")
    asked = policy_in(world, insurers, "subsidy_review")
    subsidised = policy_in(world, insurers, "subsidy_paid")
    login(auth, world.pool_admin)
    assert client.get(f"/applications/{paid.id}").status_code == 404
    for visible in (asked, subsidised):
        assert client.get(f"/applications/{visible.id}").status_code == 200
    queue = text(client.get("/queue/"))
    assert asked.reference in queue and paid.reference not in queue


def test_the_auditor_reads_every_submitted_policy_and_acts_on_none(client, auth, world,
                                                                   insurers):
    draft = policy_in(world, insurers, "draft")
    others = [policy_in(world, insurers, state) for state in (
        "park_review", "underwriting", "bound", "subsidy_review", "claim_adjusting",
        "declined")]
    others.append(policy_in(world, insurers, "underwriting", insurer=insurers.insurer2,
                            founder=world.founder2))
    login(auth, world.auditor)
    assert client.get(f"/applications/{draft.id}").status_code == 404
    for policy in others:
        page = text(client.get(f"/applications/{policy.id}"))
        assert policy.reference in page and 'id="action-' not in page


# --- the insurer's terms -------------------------------------------------------------------

def _terms_row(page: str, label: str) -> str:
    return page.split(label, 1)[1].split("</tr>", 1)[0]


def test_the_officer_reads_the_terms_and_may_not_change_them(client, auth, world, insurers):
    login(auth, insurers.underwriter1)
    page = text(client.get("/insurance/terms"))
    assert "1.50%" in _terms_row(page, "R&D-loss insurance")
    assert "2.00%" in _terms_row(page, "Loan-guarantee insurance")
    assert "Save the terms" not in page
    response = client.post("/insurance/terms", data={"cover": "rd_loss", "rate": "1.00",
                                                     "active": "y"})
    assert response.status_code == 403
    assert "Only the insurer's approvers change its terms." in text(response)
    db.session.expire_all()
    assert offer(insurers.insurer1, "rd_loss").premium_rate_bp == 150


@pytest.mark.parametrize(("rate", "message"), [
    ("3.01", "A loan-guarantee premium may be at most 3.00% a year."),
    ("0", "Enter a positive rate with at most two decimals, e.g. 3.75.")])
def test_the_approver_changes_a_rate_within_the_rules(client, auth, world, insurers, rate,
                                                      message):
    login(auth, insurers.approver1)
    data = {"cover": "loan_guarantee", "active": "y"}
    response = client.post("/insurance/terms", data={**data, "rate": rate})
    assert response.status_code == 422 and message in text(response)
    db.session.expire_all()
    assert offer(insurers.insurer1, "loan_guarantee").premium_rate_bp == 200
    assert client.post("/insurance/terms", data={**data, "rate": "3.00"}).status_code == 302
    db.session.expire_all()
    changed = offer(insurers.insurer1, "loan_guarantee")
    assert (changed.premium_rate_bp, changed.active, changed.updated_by_id) == (
        300, True, insurers.approver1.id)
    assert "3.00%" in _terms_row(text(client.get("/insurance/terms")),
                                 "Loan-guarantee insurance")


def test_withdrawing_a_cover_and_each_insurer_its_own_terms(client, auth, world, insurers):
    login(auth, insurers.approver2)
    assert client.post("/insurance/terms", data={"cover": "rd_loss", "rate": "1.75"}) \
        .status_code == 302  # "active" unticked: no longer offered
    page = text(client.get("/insurance/terms"))
    assert "1.75%" in _terms_row(page, "R&D-loss insurance")
    assert "<td>no</td>" in _terms_row(page, "R&D-loss insurance")
    switch_to(auth, insurers.underwriter1)
    page = text(client.get("/insurance/terms"))
    assert "1.50%" in _terms_row(page, "R&D-loss insurance") and "1.75%" not in page
    db.session.expire_all()
    rows = {(o.org_id, o.premium_rate_bp, o.active) for o in db.session.scalars(
        select(InsuranceOffer).where(InsuranceOffer.cover == "rd_loss"))}
    assert rows == {(insurers.insurer1.id, 150, True), (insurers.insurer2.id, 175, False)}


@pytest.mark.parametrize("who", ["founder", "park_reviewer", "officer1", "approver1",
                                 "pool_admin", "committee", "auditor", "admin"])
def test_other_roles_do_not_know_the_terms_page(client, auth, world, insurers, who):
    login(auth, getattr(world, who))
    assert client.get("/insurance/terms").status_code == 404
    response = client.post("/insurance/terms", data={"cover": "rd_loss", "rate": "0.01",
                                                     "active": "y"})
    assert response.status_code == 404
    db.session.expire_all()
    assert offer(insurers.insurer1, "rd_loss").premium_rate_bp == 150
    assert "/insurance/terms" not in text(client.get("/"))
