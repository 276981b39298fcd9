"""What a founder and the pool administrator are told about a subsidy request's input: the
year (nothing typed, not a whole number, a year to come, a year before the loan was repaid)
and the refusal's note (at most 2,000 characters), each refused with its own message and
what was typed kept; nothing is stored."""

import html
import re

import pytest
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.pool import subsidies
from talentfin.pool.models import SubsidyClaim
from tests import factories
from tests.pool.test_subsidies import _repaid
from tests.web import fresh
from tests.web import login
from tests.web import text

YEAR = business_today().year


def _ask(client, loan, year: str):
    return client.post(f"/subsidies/applications/{loan.id}", data={"year": year})


def _year_input(page: str) -> str:
    found = re.search(r'<input[^>]*id="subsidy-year"[^>]*>', page)
    assert found, "the year field is on the page again"
    return found.group(0)


@pytest.mark.parametrize("typed, message", [
    ("", "Please enter the year the interest subsidy is for."),
    ("   ", "Please enter the year the interest subsidy is for."),
    ("abc", f"Enter the year as a whole number, such as {YEAR}."),
    ("-1", f"Enter the year as a whole number, such as {YEAR}."),
    ("2025.5", f"Enter the year as a whole number, such as {YEAR}."),
    ("２０２５", f"Enter the year as a whole number, such as {YEAR}."),
    ("2099", f"The year cannot be in the future: enter {YEAR} or an earlier year."),
    (str(YEAR + 1), f"The year cannot be in the future: enter {YEAR} or an earlier year."),
    ("9" * 40, f"The year cannot be in the future: enter {YEAR} or an earlier year."),
    ("9" * 5000, f"The year cannot be in the future: enter {YEAR} or an earlier year."),
])
def test_a_wrong_year_is_told_what_is_wrong_and_kept(client, auth, world, typed, message):
    loan = _repaid(world, (100_000, True))
    login(auth, world.founder)
    response = _ask(client, loan, typed)
    assert response.status_code == 422
    page = text(response)
    assert message in html.unescape(page)
    # Not the old messages: the year read as 0, or a repaying loan called not repaid.
    assert "No interest was paid on time in 0" not in page
    assert "on a loan being repaid" not in page
    assert f'value="{html.escape(typed)}"' in _year_input(page)
    # Said under the field, which is marked invalid and described by it.
    assert 'aria-describedby="subsidy-year-errors"' in _year_input(page)
    under = re.search(r'<div[^>]*id="subsidy-year-errors"[^>]*>([^<]*)<', page)
    assert under and message in html.unescape(under.group(1))
    assert db.session.query(SubsidyClaim).count() == 0


def test_a_year_before_the_loan_was_repaid_names_the_years_it_may_be(client, auth, world):
    loan = _repaid(world, (100_000, True))
    first = fresh(loan.id).disbursed_on.year
    login(auth, world.founder)
    for typed in (str(first - 1), "0", "0001"):
        response = _ask(client, loan, typed)
        assert response.status_code == 422
        year = int(typed)
        assert (f"The loan was not being repaid yet in {year}: enter a year from {first} "
                f"to {YEAR}.") in text(response)
        assert f'value="{typed}"' in _year_input(text(response))
    assert db.session.query(SubsidyClaim).count() == 0


def test_the_year_as_typed_with_spaces_or_leading_zeros_is_asked_for(client, auth, world):
    loan = _repaid(world, (100_000, True))
    login(auth, world.founder)
    response = _ask(client, loan, f" 0{YEAR} ")
    assert response.status_code == 302
    assert [claim.year for claim in subsidies.for_application(loan)] == [YEAR]
    # Asked again: the year's own refusal, on the page with the year kept.
    response = _ask(client, loan, str(YEAR))
    assert response.status_code == 422
    assert f"The subsidy of this loan for {YEAR} was asked for already." in text(response)


def test_the_service_refuses_a_year_to_come_or_before_the_loan(world):
    loan = _repaid(world, (100_000, True))
    with force_locale("en"), pytest.raises(subsidies.SubsidyError, match="future") as refused:
        subsidies.request(loan, 2099, world.founder)
    assert refused.value.field == "year"
    with force_locale("en"), pytest.raises(subsidies.SubsidyError, match="not being repaid"):
        subsidies.request(loan, 1999, world.founder)
    # The worker's and the scheduler's language is Chinese (no request says otherwise).
    with pytest.raises(subsidies.SubsidyError, match="将来的年份"):
        subsidies.request(loan, 2099, world.founder)


def _waiting_claim(world) -> SubsidyClaim:
    factories.fund_pool(world)
    loan = _repaid(world, (100_000, True))
    return subsidies.request(loan, YEAR, world.founder)


def test_a_refusal_note_longer_than_2000_characters_is_refused_and_kept(client, auth, world):
    claim = _waiting_claim(world)
    login(auth, world.pool_admin)
    note = "x" * 5000
    response = client.post(f"/subsidies/{claim.id}/decide",
                           data={"decision": "reject", "note": note})
    assert response.status_code == 422
    page = text(response)
    found = re.search(rf'<input[^>]*id="note-{claim.id}"[^>]*>', page)
    assert found and f'value="{note}"' in found.group(0) and "is-invalid" in found.group(0)
    error = re.search(rf'<div class="invalid-feedback text-break" id="note-{claim.id}-error">'
                      r'([^<]*)</div>', page)
    assert error and error.group(1) == ("The note is too long: at most 2000 characters "
                                        "(it has 5000).")
    db.session.expire_all()
    stored = db.session.get(SubsidyClaim, claim.id)
    assert (stored.status, stored.note, stored.decided_by_id) == ("requested", "", None)


def test_an_empty_refusal_is_told_beside_the_note(client, auth, world):
    claim = _waiting_claim(world)
    login(auth, world.pool_admin)
    response = client.post(f"/subsidies/{claim.id}/decide",
                           data={"decision": "reject", "note": "  "})
    assert response.status_code == 422
    assert f'id="note-{claim.id}-error">Please give a reason.</div>' in text(response)
    assert db.session.get(SubsidyClaim, claim.id).status == "requested"


def test_a_refusal_note_of_2000_characters_is_stored(client, auth, world):
    claim = _waiting_claim(world)
    login(auth, world.pool_admin)
    note = "拒" * 2000
    response = client.post(f"/subsidies/{claim.id}/decide",
                           data={"decision": "reject", "note": note})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(SubsidyClaim, claim.id)
    assert (stored.status, stored.note) == ("rejected", note)
    with pytest.raises(subsidies.SubsidyError, match="decided already"):
        subsidies.decide(stored, False, world.pool_admin, "y" * 3000)
