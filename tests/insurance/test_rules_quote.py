"""The founder's quote request at its boundaries, as the founder reads it on the request
step and on submitting: which loans a guarantee may follow, the key person's ID number, the
R&D project, an insurer that does not offer the cover."""

import pytest

from talentfin.extensions import db
from tests import factories
from tests.insurance.factories import KEY_PERSON_ID
from tests.insurance.factories import policy_in
from tests.insurance.factories import quote
from tests.insurance.helpers import guaranteed
from tests.insurance.helpers import offer
from tests.insurance.helpers import text
from tests.web import fire
from tests.web import fresh
from tests.web import login

REQUEST = {"cover": "rd_loss", "requested_amount": "5,000,000", "requested_period_months": "12",
           "project_name": "深海传感器样机", "purpose": "为研发样机试验提供损失保障。",
           "loan_id": "0"}


def _submit(client, application_id: int) -> str:
    """Submit from the review step; the page the founder lands on."""
    response = fire(client, application_id, "submit", follow=True)
    assert response.status_code == 200
    return text(response)


def _save_request(client, application_id: int, insurer_id: int, **changes):
    return client.post(f"/applications/{application_id}/edit/request",
                       data={**REQUEST, "partner_org_id": str(insurer_id), **changes},
                       follow_redirects=True)


def test_a_guarantee_follows_one_of_the_firms_own_loans(client, auth, world, insurers):
    theirs = factories.loan_in(world, "covered", founder=world.founder2, bank=world.bank2)
    mine = quote(world, insurers, cover="rd_loss")
    login(auth, world.founder)
    # The request step offers only the firm's own loans ...
    page = text(client.get(f"/applications/{mine.id}/edit/request"))
    assert theirs.reference not in page
    response = _save_request(client, mine.id, insurers.insurer1.id, cover="loan_guarantee",
                             loan_id=str(theirs.id))
    assert response.status_code == 422 and "Choose one of" in text(response)
    assert fresh(mine.id).loan_id is None
    # ... and a draft that names another firm's loan anyway cannot be submitted.
    forged = quote(world, insurers, cover="loan_guarantee", loan=theirs)
    page = _submit(client, forged.id)
    assert "A guarantee policy covers one of the firm's own loans." in page
    assert fresh(forged.id).status == "draft"


@pytest.mark.parametrize(("loan_state", "label"), [
    ("bank_approval", "Awaiting bank approval"), ("overdue", "Overdue"),
    ("npl", "Non-performing")])
def test_a_loan_is_guaranteed_from_its_approval_until_it_falls_into_arrears(
        client, auth, world, insurers, loan_state, label):
    loan = factories.loan_in(world, loan_state)
    policy = quote(world, insurers, cover="loan_guarantee", loan=loan)
    login(auth, world.founder)
    page = _submit(client, policy.id)
    assert (f"The loan {loan.reference} is “{label}”: a loan can be guaranteed from its "
            "approval until it falls into arrears.") in page
    assert fresh(policy.id).status == "draft"


def test_an_approved_loan_may_be_guaranteed(client, auth, world, insurers):
    loan = factories.loan_in(world, "approved")
    policy = quote(world, insurers, cover="loan_guarantee", loan=loan)
    login(auth, world.founder)
    _submit(client, policy.id)
    assert fresh(policy.id).status == "park_review"


@pytest.mark.parametrize(("first_state", "blocks"), [
    ("park_review", True), ("bound", True), ("premium_paid", True),
    ("withdrawn", False), ("declined", False), ("rejected", False)])
def test_a_loan_is_guaranteed_by_one_live_policy(client, auth, world, insurers, first_state,
                                                 blocks):
    loan, first = guaranteed(world, insurers, first_state)
    second = quote(world, insurers, cover="loan_guarantee", loan=loan,
                   insurer=insurers.insurer2)
    login(auth, world.founder)
    page = _submit(client, second.id)
    named = fresh(first.id).policy_no or first.reference
    message = f"The loan {loan.reference} is already guaranteed by {named}."
    assert (message in page) is blocks
    assert fresh(second.id).status == ("draft" if blocks else "park_review")


def test_a_key_persons_id_number_needs_a_valid_check_digit(client, auth, world, insurers):
    policy = quote(world, insurers)
    login(auth, world.founder)
    key_person = {"cover": "key_person", "insured_name": "刘首席", "project_name": "",
                  "insured_position": "首席科学家"}
    bad = KEY_PERSON_ID[:-1] + ("3" if KEY_PERSON_ID[-1] != "3" else "4")
    response = _save_request(client, policy.id, insurers.insurer1.id, **key_person,
                             insured_id_number=bad)
    assert response.status_code == 422
    assert "The check digit of this ID number is wrong; please check the number." in text(
        response)
    assert fresh(policy.id).cover == "rd_loss"
    response = _save_request(client, policy.id, insurers.insurer1.id, **key_person,
                             insured_id_number=KEY_PERSON_ID)
    assert response.status_code == 200 and fresh(policy.id).cover == "key_person"
    # A draft holding a bad number (kept from before) is refused on submission.
    factories.set_columns(policy, insured_id_number=bad)
    page = _submit(client, policy.id)
    assert ("Enter the key person's resident ID number (18 characters, with a valid check "
            "digit).") in page
    assert fresh(policy.id).status == "draft"


def test_r_and_d_loss_cover_names_its_project(client, auth, world, insurers):
    policy = quote(world, insurers)
    login(auth, world.founder)
    page = text(_save_request(client, policy.id, insurers.insurer1.id, project_name=""))
    assert "Saved. What the request still needs is listed below." in page
    assert "Name the R&D project insured." in page
    assert "Name the R&D project insured." in _submit(client, policy.id)
    assert fresh(policy.id).status == "draft"


def test_an_insurer_that_does_not_offer_the_cover_is_refused(client, auth, world, insurers):
    offer(insurers.insurer2, "rd_loss").active = False
    db.session.commit()
    policy = quote(world, insurers, insurer=insurers.insurer2)
    login(auth, world.founder)
    message = "insurer-2 does not offer R&D-loss insurance; choose another insurer."
    assert message in _submit(client, policy.id)
    assert fresh(policy.id).status == "draft"
    page = text(_save_request(client, policy.id, insurers.insurer2.id))
    assert "Saved. What the request still needs is listed below." in page and message in page
    _save_request(client, policy.id, insurers.insurer1.id)
    _submit(client, policy.id)
    assert fresh(policy.id).status == "park_review"


def test_a_cover_withdrawn_after_submission_is_sent_back_by_the_park(client, auth, world,
                                                                    insurers):
    policy = policy_in(world, insurers, "park_review")
    offer(insurers.insurer1, "rd_loss").active = False
    db.session.commit()
    login(auth, world.park_reviewer)
    response = fire(client, policy.id, "park_approve", comment="属实")
    assert response.status_code == 422
    assert ("insurer-1 no longer offers R&D-loss insurance. Ask the founder, with a request "
            "for information, to choose another insurer.") in text(response)
    assert fresh(policy.id).status == "park_review"
