"""A proposed policy value that is not a whole number or out of range is told so in its
parameter's unit: an amount in fen, a ratio in basis points, days, months, years, a
multiple or a count; never a word about basis points for an amount."""

import html

import pytest

from talentfin.clock import business_today
from talentfin.services.parameters import UNITS
from talentfin.services.parameters import policy_keys
from talentfin.services.parameters import unit_of
from talentfin.services.policy_changes import NEGATIVE
from talentfin.services.policy_changes import NOT_WHOLE
from talentfin.services.policy_changes import pending
from tests.web import login
from tests.web import text


def _propose(client, key: str, value: str):
    return client.post("/policy/", data={
        "key": key, "value": value, "effective_from": business_today().isoformat(),
        "reason": "市财政局通知"})


def _message(response) -> str:
    assert response.status_code == 422
    return html.unescape(text(response))


@pytest.mark.parametrize("key, value, message", [
    ("cap_per_talent_fen", "-5", "An amount cannot be negative."),
    ("cap_per_talent_fen", "12.50",
     "Enter the amount in fen as a whole number (100 fen = 1 yuan)."),
    ("compensation_ratio_bp", "-1", "A ratio is 0 to 10000 basis points (100 basis points = 1%)."),
    ("compensation_ratio_bp", "10001",
     "A ratio is 0 to 10000 basis points (100 basis points = 1%)."),
    ("compensation_ratio_bp", "70%",
     "Enter the ratio in basis points as a whole number (100 basis points = 1%)."),
    ("claim_admin_working_days", "-3", "A number of working days cannot be negative."),
    ("claim_admin_working_days", "ten", "Enter a whole number of working days."),
    ("filing_window_days", "-30", "A number of days cannot be negative."),
    ("npl_days_overdue", "-90", "A number of days cannot be negative."),
    ("npl_days_overdue", "90.5", "Enter a whole number of days."),
    ("term_max_months", "-1", "A number of months cannot be negative."),
    ("term_max_months", "3y", "Enter a whole number of months."),
    ("firm_max_age_years", "-5", "A number of years cannot be negative."),
    ("firm_max_age_years", "five", "Enter a whole number of years."),
    ("leverage_limit", "-10", "A multiple cannot be negative."),
    ("leverage_limit", "10x", "Enter the multiple as a whole number."),
    ("board_max_holders", "-200", "A count cannot be negative."),
    ("board_max_holders", "2e2", "Enter a whole number."),
])
def test_a_wrong_value_is_told_in_its_unit(client, auth, world, key, value, message):
    login(auth, world.pool_admin)
    page = _message(_propose(client, key, value))
    assert message in page
    if unit_of(key) != "bp":
        assert "basis points are" not in page and "(100 basis points = 1%)." not in page
    assert pending() == []


def test_every_key_has_a_unit_the_messages_know(app):
    units = {key: unit_of(key) for key in policy_keys()}
    assert set(units.values()) <= set(UNITS) == set(NOT_WHOLE) == set(NEGATIVE)
    assert units["cap_per_talent_fen"] == "fen"
    assert units["info_request_expiry_working_days"] == "working_days"
    assert units["equity_max_staff"] == "count"
    # A key whose name ends in a unit word is read as that unit, whatever comes before it.
    assert all(unit == "fen" for key, unit in units.items() if key.endswith("_fen"))
    assert all(unit == "bp" for key, unit in units.items() if key.endswith("_bp"))


def test_a_right_value_in_each_unit_is_proposed(client, auth, world):
    login(auth, world.pool_admin)
    for key, value in (("cap_per_talent_fen", "300000000"), ("compensation_ratio_bp", "10000"),
                       ("filing_window_days", "30"), ("leverage_limit", "8")):
        assert _propose(client, key, f" {value} ").status_code == 302
    assert sorted((p.key, p.value) for p in pending()) == [
        ("cap_per_talent_fen", "300000000"), ("compensation_ratio_bp", "10000"),
        ("filing_window_days", "30"), ("leverage_limit", "8")]
