"""What the queue's filter says about what it was given (found by a browser walk): a
reversed or negative amount range, a mistyped thousands separator, two states of one name,
and an empty result that is the filter's, not an empty queue."""

import pytest

from talentfin.money import MoneyError
from talentfin.money import parse_yuan
from tests import factories
from tests.web import login
from tests.web import page_references
from tests.web import queue_page_text


@pytest.fixture
def loan(world):
    return factories.loan_in(world, "partner_review")


def test_a_reversed_range_applies_neither_amount_and_says_so(client, auth, world, loan):
    login(auth, world.officer1)
    page = queue_page_text(client, "/queue/?min_amount=1000000&max_amount=10")
    assert "The maximum is below the minimum: neither amount is applied." in page
    assert page_references(page) == [loan.reference]  # not "Nothing is waiting"
    client.post("/language", data={"lang": "zh"})
    page = queue_page_text(client, "/queue/?min_amount=1000000&max_amount=10")
    assert "最高金额低于最低金额：两个金额条件均未生效。" in page


def test_a_negative_amount_is_refused_with_a_message(client, auth, world, loan):
    login(auth, world.officer1)
    page = queue_page_text(client, "/queue/?min_amount=-5")
    assert "An amount cannot be negative. This filter is not applied." in page
    assert page_references(page) == [loan.reference]


@pytest.mark.parametrize("typed", ["1,00,0", "12,3456", ",100", "100,"])
def test_a_misplaced_thousands_separator_is_not_an_amount(typed):
    with pytest.raises(MoneyError):
        parse_yuan(typed)


@pytest.mark.parametrize("typed, fen", [("1,000", 100_000), ("1,234,567.89", 123_456_789),
                                        ("１，０００", 100_000), ("-1,000.5", -100_050)])
def test_thousands_separators_where_they_belong_are_read(typed, fen):
    assert parse_yuan(typed) == fen


def test_a_filter_that_matches_nothing_says_so_not_that_nothing_waits(client, auth, world,
                                                                      loan):
    login(auth, world.officer1)
    assert "Nothing is waiting for you." not in queue_page_text(client, "/queue/")
    page = queue_page_text(client, "/queue/?min_amount=99999999")
    assert "No application matches these filters." in page
    assert "Nothing is waiting for you." not in page


def test_two_states_of_one_name_are_told_apart_by_their_products(client, auth, world):
    # The park sees every product: a loan's "active" and a bond allocation's "repaying"
    # are both called "Repaying".
    login(auth, world.park_reviewer)
    page = queue_page_text(client, "/queue/")
    assert 'value="active" >Repaying (Talent loan)<' in page
    assert 'value="repaying" >Repaying (Talent bond)<' in page
    client.post("/language", data={"lang": "zh"})
    page = queue_page_text(client, "/queue/")
    options = [line for line in page.split("<option") if "还款中" in line]
    assert len(options) >= 2 and all("还款中（" in option for option in options)
