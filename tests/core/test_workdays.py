"""Working days follow China's holiday schedule, including adjusted weekend working days."""

from datetime import date
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from talentfin.workdays import add_working_days
from talentfin.workdays import is_working_day
from talentfin.workdays import working_days_between


def test_national_day_holiday_is_not_a_working_day():
    assert not is_working_day(date(2026, 10, 1))


def test_adjusted_weekend_days_are_working_days():
    # Worked in exchange for the National Day holiday of 2026.
    assert is_working_day(date(2026, 9, 20))  # a Sunday
    assert is_working_day(date(2026, 10, 10))  # a Saturday


def test_ordinary_weekend_is_not_a_working_day():
    assert not is_working_day(date(2026, 11, 28))  # Saturday


def test_counting_skips_weekends():
    assert working_days_between(date(2026, 11, 27), date(2026, 11, 30)) == 1  # Fri -> Mon


def test_years_without_a_schedule_fall_back_to_monday_to_friday():
    assert is_working_day(date(2030, 1, 7))  # a Monday
    assert not is_working_day(date(2030, 1, 5))  # a Saturday


def test_add_working_days_skips_the_spring_festival():
    # Saturday 14 February 2026 is worked; the holiday runs until the 23rd.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_counting_matches_day_by_day_across_years():


    @given(st.dates(date(2019, 1, 1), date(2028, 12, 31)), st.integers(0, 800))
    def check(start, length):
        end = start + timedelta(days=length)
        by_day = sum(is_working_day(start + timedelta(days=i)) for i in range(1, length + 1))
        assert working_days_between(start, end) == by_day

    check()
