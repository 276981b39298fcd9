"""Generated input to the forms (Hypothesis): every form posted with arbitrary text, odd
unicode, control characters, huge and malformed numbers answers with a page, a redirect or
a refusal, never a server error; nothing it stores holds what the form must refuse (a
control character, an amount beyond the money's bounds); a refusal in a Chinese session
is in Chinese. ``make test`` runs a bounded share; ``make fuzz`` runs 10,000 cases and more
(the ``fuzz`` profile)."""

import re

import pytest
from hypothesis import given
from hypothesis import settings
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.money import MAX_FEN
from tests import factories
from tests.fuzzing import CASES
from tests.fuzzing import ENGLISH
from tests.fuzzing import ODD
from tests.fuzzing import STATUSES
from tests.fuzzing import check
from tests.fuzzing import check_followed
from tests.web import login

pytestmark = pytest.mark.fuzz



def _stored_text_is_clean() -> None:
    for enterprise in db.session.scalars(select(Enterprise)):
        for value in (enterprise.name, enterprise.uscc, enterprise.address or "",
                      enterprise.legal_representative or "", enterprise.industry or ""):
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]", value)
    for application in db.session.scalars(select(Application)):
        for amount in (application.requested_amount_fen, application.amount_fen):
            assert amount is None or 0 <= amount <= MAX_FEN
        assert "\x00" not in (application.purpose or "")


def _check(response, chinese: bool) -> None:
    assert response.status_code in STATUSES, response.status_code
    if chinese and response.status_code == 422:
        assert not ENGLISH.search(response.get_data(as_text=True))


@settings(CASES)
@given(amount=ODD, term=ODD, purpose=ODD, partner=ODD)
def test_the_loan_request_step(client, auth, world, amount, term, purpose, partner):
    application = factories.draft(world) if not hasattr(world, "fuzz_draft") else None
    if application is not None:
        world.fuzz_draft = application.id
        login(auth, world.founder)
        client.post("/language", data={"lang": "zh"})
    response = client.post(f"/applications/{world.fuzz_draft}/edit/request", data={
        "partner_org_id": partner, "requested_amount": amount,
        "requested_term_months": term, "purpose": purpose})
    _check(response, chinese=True)
    _stored_text_is_clean()


@settings(CASES)
@given(name=ODD, uscc=ODD, founded=ODD, capital=ODD, employees=ODD, address=ODD)
def test_the_company_profile(client, auth, world, name, uscc, founded, capital, employees,
                             address):
    if not hasattr(world, "fuzz_login"):
        world.fuzz_login = True
        login(auth, world.founder)
        client.post("/language", data={"lang": "zh"})
    response = client.post("/company/", data={
        "name": name, "uscc": uscc, "park_id": str(world.park.id),
        "registered_in_district": "y", "founded_on": founded, "registered_capital": capital,
        "legal_representative": name, "address": address, "industry": address,
        "employees": employees})
    _check(response, chinese=True)
    _stored_text_is_clean()


@settings(CASES)
@given(status=ODD, product=ODD, tier=ODD, low=ODD, high=ODD, page=ODD, sort=ODD)
def test_the_queue_filters(client, auth, world, status, product, tier, low, high, page,
                           sort):
    if not hasattr(world, "fuzz_login"):
        world.fuzz_login = True
        login(auth, world.officer1)
        client.post("/language", data={"lang": "zh"})
    response = client.get("/queue/", query_string={
        "status": status, "product": product, "tier": tier, "min_amount": low,
        "max_amount": high, "page": page, "sort": sort})
    check(response, chinese=True)


@settings(CASES)
@given(amount=ODD, rate=ODD, term=ODD, comment=ODD)
def test_the_banks_recommendation(client, auth, world, amount, rate, term, comment):
    if not hasattr(world, "fuzz_loan"):
        world.fuzz_loan = factories.loan_in(world, "partner_review").id
        login(auth, world.officer1)
        client.post("/language", data={"lang": "zh"})
    response = client.post(f"/applications/{world.fuzz_loan}/fire/recommend", data={
        "recommend-amount": amount, "recommend-rate": rate, "recommend-term_months": term,
        "recommend-security": "pure_credit", "recommend-comment": comment})
    _check(response, chinese=True)
    _stored_text_is_clean()


@settings(CASES)
@given(email=ODD, password=ODD, name=ODD, company=ODD, uscc=ODD)
def test_registration_and_login(client, world, email, password, name, company, uscc):
    if not hasattr(world, "fuzz_language"):
        world.fuzz_language = True
        client.post("/language", data={"lang": "zh"})
    response = client.post("/register", data={
        "name": name, "email": email, "company_name": company, "uscc": uscc,
        "password": password, "confirm": password})
    check(response, chinese=True)
    response = client.post("/login", data={"email": email, "password": password})
    check_followed(client, response, chinese=True)
