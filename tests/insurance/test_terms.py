"""The insurer's terms page as its approver uses it: the form opens on a cover with the
terms in force filled in (saving the "offered" switch alone keeps the rate), a rate too
large is told it is above 100 %, and the loan guarantee's ceiling is said beside the
rate and enforced."""

import re

import pytest

from talentfin.extensions import db
from tests.insurance.helpers import offer
from tests.insurance.helpers import text
from tests.web import login

TOO_LARGE = "A rate is at most 100%."


def _form(page: str) -> str:
    part = page[page.index('id="change"'):]
    return part[:part.index("</form>")]


def _field(form: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', form)
    assert found, name
    return found.group(0)


def test_the_form_opens_on_the_first_cover_with_its_terms_in_force(client, auth, insurers):
    login(auth, insurers.approver1)
    form = _form(text(client.get("/insurance/terms")))
    assert "Change the terms of Loan-guarantee insurance" in form
    assert 'value="loan_guarantee"' in _field(form, "cover")
    assert 'value="2.00"' in _field(form, "rate")  # insurer 1's rate, not an empty box
    assert "checked" in _field(form, "active")
    assert "At most 3.00% a year for this cover." in form


def test_saving_the_switch_alone_keeps_the_rate(client, auth, insurers):
    login(auth, insurers.approver1)
    form = _form(text(client.get("/insurance/terms")))
    rate = re.search(r'value="([^"]*)"', _field(form, "rate")).group(1)
    # The approver unticks "Offered to founders" and saves the form as it was filled in.
    response = client.post("/insurance/terms", data={"cover": "loan_guarantee", "rate": rate})
    assert response.status_code == 302
    db.session.expire_all()
    changed = offer(insurers.insurer1, "loan_guarantee")
    assert (changed.premium_rate_bp, changed.active) == (200, False)
    form = _form(text(client.get("/insurance/terms?cover=loan_guarantee")))
    assert 'value="2.00"' in _field(form, "rate") and "checked" not in _field(form, "active")


@pytest.mark.parametrize("cover", ["rd_loss", "loan_guarantee"])
@pytest.mark.parametrize("rate", ["999999999999", "1000", "150", "0000150", "100.5"])
def test_a_rate_too_large_is_told_so(client, auth, insurers, cover, rate):
    login(auth, insurers.approver1)
    before = offer(insurers.insurer1, cover).premium_rate_bp
    response = client.post("/insurance/terms", data={"cover": cover, "rate": rate,
                                                     "active": "y"})
    page = text(response)
    assert response.status_code == 422 and TOO_LARGE in page
    assert "Enter a positive rate" not in page
    assert f'value="{rate}"' in _field(_form(page), "rate")  # what was typed, kept
    db.session.expire_all()
    assert offer(insurers.insurer1, cover).premium_rate_bp == before


def test_the_loan_guarantee_ceiling_is_enforced_the_other_covers_have_none(
        client, auth, insurers):
    login(auth, insurers.approver1)
    response = client.post("/insurance/terms", data={"cover": "loan_guarantee",
                                                     "rate": "100", "active": "y"})
    assert response.status_code == 422
    assert "A loan-guarantee premium may be at most 3.00% a year." in text(response)
    db.session.expire_all()
    assert offer(insurers.insurer1, "loan_guarantee").premium_rate_bp == 200
    form = _form(text(client.get("/insurance/terms?cover=rd_loss")))
    assert "Change the terms of R&D-loss insurance" in form
    assert "for this cover" not in form  # the programme's documents set no ceiling here


def test_an_unknown_cover_is_said_not_hidden(client, auth, insurers):
    login(auth, insurers.approver1)
    response = client.post("/insurance/terms", data={"cover": "pets", "rate": "1.00",
                                                     "active": "y"})
    assert response.status_code == 422 and "Unknown cover." in text(response)
    assert client.get("/insurance/terms?cover=pets").status_code == 200
