"""The founder's request at its boundaries, as the founder is told on submitting: the cap
table adds up to 100 % with each holder once, and the fund's start-up rules (the firm's
age, staff, share of R&D staff, assets and revenue) each hold at the figure the policy
table says, so that a changed policy moves the rule, from the day it is in force."""

from datetime import date
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta

from talentfin.extensions import db
from tests.equity.factories import advance
from tests.equity.factories import draft
from tests.equity.factories import equity_in
from tests.equity.factories import refused
from tests.equity.factories import set_parameter
from tests.equity.factories import upload

ON = date(2026, 11, 30)  # the day the founder submits


def _set(application, **fields) -> None:
    """The request's figures (``founded_on`` is the firm's, in its profile)."""
    if "founded_on" in fields:
        application.enterprise.founded_on = fields.pop("founded_on")
    for key, value in fields.items():
        setattr(application, key, value)
    db.session.commit()


def _submitted(world, funds, on: date = ON, **fields):
    application = draft(world, funds)
    _set(application, **fields)
    advance(world, funds, application, "submit", today=on)
    assert application.status == "park_review"
    return application


def _refused(world, funds, on: date = ON, **fields) -> str:
    application = draft(world, funds)
    _set(application, **fields)
    return refused(world, funds, application, "submit", today=on)


def _holders(*stakes: int) -> list[dict]:
    names = ("测试人才", "蓝海创投", "员工持股平台", "天使投资人")
    return [{"name": name, "stake_bp": stake} for name, stake in zip(names, stakes,
                                                                     strict=False)]


@pytest.mark.parametrize(("stakes", "shown"), [((6000, 2500, 1499), "99.99%"),
                                               ((6000, 2500, 1501), "100.01%"),
                                               ((5000, 5000, 5000), "150.00%")])
def test_the_cap_table_adds_up_to_100_percent(world, funds, stakes, shown):
    message = _refused(world, funds, cap_table=_holders(*stakes))
    assert message == (f"The cap table's stakes add up to {shown}; they must add up to "
                       "100%.")


def test_a_cap_table_of_exactly_100_percent_is_taken_as_given(world, funds):
    application = _submitted(world, funds, cap_table=_holders(6000, 2500, 1499, 1))
    db.session.expire_all()
    assert application.cap_table == _holders(6000, 2500, 1499, 1)


def test_each_holder_is_named_once(world, funds):
    twice = [{"name": "测试人才", "stake_bp": 5000}, {"name": "测试人才", "stake_bp": 5000}]
    assert _refused(world, funds, cap_table=twice) == "Name each holder of the cap table once."


@pytest.mark.parametrize("stake", [0, -100])
def test_every_holder_holds_more_than_nothing(world, funds, stake):
    rows = [{"name": "测试人才", "stake_bp": 10000 - stake}, {"name": "蓝海创投",
                                                            "stake_bp": stake}]
    assert (_refused(world, funds, cap_table=rows)
            == "Every holder of the cap table holds more than 0%.")


def test_an_empty_cap_table_is_asked_for(world, funds):
    assert (_refused(world, funds, cap_table=[])
            == "Enter the cap table: every holder before this round with their stake.")


def test_everything_the_request_lacks_is_named_at_once(world, funds):
    message = _refused(world, funds, asked_pre_money_fen=None, staff=10, rd_staff=11,
                       revenue_fen=None, cap_table=_holders(6000, 3000))
    assert message == " ".join([
        "Enter the pre-money valuation you propose.",
        "The R&D staff cannot be more than the whole staff.",
        "Enter the firm's total assets and last year's revenue.",
        "The cap table's stakes add up to 90.00%; they must add up to 100%."])


FIVE_YEARS = ON - relativedelta(years=5)  # 2021-11-30
# (rule, figures within it, figures one step past it, what the founder is told)
FIRM_RULES = [
    ("age", {"founded_on": FIVE_YEARS}, {"founded_on": FIVE_YEARS - timedelta(days=1)},
     "The firm was founded on 2021-11-29, more than 5 years ago; the fund invests in firms "
     "at most 5 years old."),
    ("staff", {"staff": 300, "rd_staff": 100}, {"staff": 301, "rd_staff": 100},
     "The firm has 301 staff; the fund invests in firms of at most 300."),
    ("rd_share", {"staff": 100, "rd_staff": 20}, {"staff": 100, "rd_staff": 19},
     "R&D staff are 19.00% of the staff; the fund asks for at least 20.00%."),
    # 20 % of 28 people is 5.6: 6 are enough, 5 (17.85 %) are not.
    ("rd_share_rounded", {"staff": 28, "rd_staff": 6}, {"staff": 28, "rd_staff": 5},
     "R&D staff are 17.85% of the staff; the fund asks for at least 20.00%."),
    ("assets", {"total_assets_fen": 50_000_000_00}, {"total_assets_fen": 50_000_000_01},
     "The firm's total assets are 50,000,000.01 yuan; the fund invests in firms with at "
     "most 50,000,000.00 yuan."),
    ("revenue", {"revenue_fen": 50_000_000_00}, {"revenue_fen": 50_000_000_01},
     "The firm's revenue last year was 50,000,000.01 yuan; the fund invests in firms with "
     "at most 50,000,000.00 yuan."),
]


@pytest.mark.parametrize(("rule", "within", "past", "message"), FIRM_RULES,
                         ids=[rule[0] for rule in FIRM_RULES])
def test_each_firm_rule_holds_at_its_boundary(world, funds, rule, within, past, message):
    _submitted(world, funds, **within)
    assert _refused(world, funds, **past) == message


# (policy key, its new value, figures within the new rule, one step past it, the message):
# the age limit and the assets are loosened (what was refused passes), the others tightened.
POLICIES = [
    ("equity_max_firm_age_years", "6", {"founded_on": ON - relativedelta(years=6)},
     {"founded_on": ON - relativedelta(years=6, days=1)},
     "The firm was founded on 2020-11-29, more than 6 years ago; the fund invests in firms "
     "at most 6 years old."),
    ("equity_max_staff", "100", {"staff": 100, "rd_staff": 50},
     {"staff": 101, "rd_staff": 50},
     "The firm has 101 staff; the fund invests in firms of at most 100."),
    ("equity_min_rd_staff_bp", "3000", {"staff": 10, "rd_staff": 3},
     {"staff": 10, "rd_staff": 2},
     "R&D staff are 20.00% of the staff; the fund asks for at least 30.00%."),
    ("equity_max_assets_fen", "6000000000", {"total_assets_fen": 60_000_000_00},
     {"total_assets_fen": 60_000_000_01},
     "The firm's total assets are 60,000,000.01 yuan; the fund invests in firms with at "
     "most 60,000,000.00 yuan."),
    ("equity_max_revenue_fen", "1000000000", {"revenue_fen": 10_000_000_00},
     {"revenue_fen": 10_000_000_01},
     "The firm's revenue last year was 10,000,000.01 yuan; the fund invests in firms with "
     "at most 10,000,000.00 yuan."),
]


@pytest.mark.parametrize(("key", "value", "within", "past", "message"), POLICIES,
                         ids=[policy[0] for policy in POLICIES])
def test_a_changed_policy_moves_the_rule(world, funds, key, value, within, past, message):
    set_parameter(key, value)
    _submitted(world, funds, **within)
    assert _refused(world, funds, **past) == message


def test_a_policy_applies_from_the_day_it_is_in_force(world, funds):
    set_parameter("equity_max_staff", "100", since=ON + timedelta(days=1))
    _submitted(world, funds, staff=101, rd_staff=50)  # the day before: 300 staff
    assert (_refused(world, funds, on=ON + timedelta(days=1), staff=101, rd_staff=50)
            == "The firm has 101 staff; the fund invests in firms of at most 100.")


def test_every_rule_broken_is_named_with_its_figures(world, funds):
    message = _refused(world, funds, founded_on=date(2020, 1, 1), staff=400, rd_staff=40,
                       total_assets_fen=60_000_000_00, revenue_fen=70_000_000_00)
    assert message == " ".join([
        "The firm was founded on 2020-01-01, more than 5 years ago; the fund invests in "
        "firms at most 5 years old.",
        "The firm has 400 staff; the fund invests in firms of at most 300.",
        "R&D staff are 10.00% of the staff; the fund asks for at least 20.00%.",
        "The firm's total assets are 60,000,000.00 yuan; the fund invests in firms with at "
        "most 50,000,000.00 yuan.",
        "The firm's revenue last year was 70,000,000.00 yuan; the fund invests in firms "
        "with at most 50,000,000.00 yuan."])


def test_the_rules_are_checked_again_when_the_founder_resubmits(world, funds):
    application = equity_in(world, funds, "info_requested")  # asked for the financials
    upload(application, "financials", world.founder)
    _set(application, staff=301, rd_staff=100)
    assert (refused(world, funds, application, "resubmit")
            == "The firm has 301 staff; the fund invests in firms of at most 300.")
    _set(application, staff=300)
    advance(world, funds, application, "resubmit")
    assert application.status == "park_review"
