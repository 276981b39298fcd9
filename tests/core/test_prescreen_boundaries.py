"""The pre-screener at the boundary of each rule it reads: the founder's equity share, the
dishonesty look-back, 人才投's R&D share, assets and revenue, and the programme's rules
(the park, the district, the tier, the certificate); each refusal gives its figures, and
only the products whose rule it is are stopped."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import PolicyParameter
from talentfin.services.prescreen import prescreen
from tests.bond.factories import bond_in
from tests.bond.factories import make_underwriters
from tests.web import login
from tests.web import text

PRODUCTS = {"loan", "insurance", "equity", "bond", "board"}
LIMIT_FEN = 50_000_000_00  # 人才投's largest assets and revenue by default: 50,000,000 yuan


def _verdicts(world, on=None, **answers) -> dict:
    with force_locale("en"):
        return {v.product: v for v in prescreen(world.founder, on or business_today(),
                                                answers)}


def _stopped(verdicts: dict) -> set[str]:
    return {product for product, verdict in verdicts.items() if not verdict.may_apply}


def _policy(key: str, value: int) -> None:
    db.session.add(PolicyParameter(key=key, value=str(value), effective_from=business_today(),
                                   source="测试"))
    db.session.commit()


@pytest.fixture
def open_bond(world):
    """A bond open for allocations: the allocation's own rule is met."""
    bond_in(make_underwriters(), "allocating")


def test_the_founders_share_at_the_minimum_and_a_basis_point_below(world, open_bond):
    talent = world.founder.enterprise.talent
    talent.equity_bp = 3000  # the policy's 30 % exactly
    db.session.commit()
    assert _stopped(_verdicts(world)) == set()
    talent.equity_bp = 2999
    db.session.commit()
    verdicts = _verdicts(world)
    assert _stopped(verdicts) == {"loan"}  # the loan's rule alone
    assert verdicts["loan"].problems == (
        "The founder holds 29.99% of the equity; at least 30.00% is required.",)


def test_a_dishonesty_record_stops_the_loan_until_the_day_it_stops_counting(world, open_bond):
    today = business_today()
    enterprise = world.founder.enterprise
    enterprise.last_dishonesty_on = today - relativedelta(years=3)  # three years ago today
    db.session.commit()
    assert _stopped(_verdicts(world)) == set()
    # A record that counts ten days more (not a 29 February: three years on has no such day).
    record = today - relativedelta(years=3) + timedelta(days=10)
    if (record.month, record.day) == (2, 29):
        record += timedelta(days=1)
    enterprise.last_dishonesty_on = record
    db.session.commit()
    until = record + relativedelta(years=3)
    verdicts = _verdicts(world)
    assert _stopped(verdicts) == {"loan"}
    assert verdicts["loan"].problems == (
        f"The firm has a serious dishonesty record of {record.isoformat()}; such a record "
        f"counts for 3 years, so the firm may apply from {until.isoformat()}.",)
    # Asked about the day it names, the firm may apply; the day before, not.
    assert _verdicts(world, on=until)["loan"].may_apply
    assert not _verdicts(world, on=until - timedelta(days=1))["loan"].may_apply


@pytest.mark.parametrize(("staff", "rd_staff", "policy_bp", "message"), [
    (300, 60, None, None),  # 20 % exactly: the default minimum
    (300, 59, None, "R&D staff are 19.66% of the staff; the fund asks for at least 20.00%."),
    # 59 of 300 is 19.666..%: in at a minimum of 19.66 %, out at 19.67 % (no rounding up).
    (300, 59, 1966, None),
    (300, 59, 1967, "R&D staff are 19.66% of the staff; the fund asks for at least 19.67%."),
])
def test_the_funds_rd_share_at_its_minimum(world, staff, rd_staff, policy_bp, message):
    if policy_bp is not None:
        _policy("equity_min_rd_staff_bp", policy_bp)
    problems = _verdicts(world, staff=staff, rd_staff=rd_staff)["equity"].problems
    assert problems == ((message,) if message else ())


@pytest.mark.parametrize(("answer", "message"), [
    ("total_assets_fen", "The firm's total assets are 50,000,000.01 yuan; the fund invests in "
                         "firms with at most 50,000,000.00 yuan."),
    ("revenue_fen", "The firm's revenue last year was 50,000,000.01 yuan; the fund invests in "
                    "firms with at most 50,000,000.00 yuan."),
])
def test_the_funds_assets_and_revenue_at_their_limits(world, open_bond, answer, message):
    at_limit = _verdicts(world, **{answer: LIMIT_FEN})
    assert _stopped(at_limit) == set()
    over = _verdicts(world, **{answer: LIMIT_FEN + 1})
    assert _stopped(over) == {"equity"}
    assert over["equity"].problems == (message,)


def test_the_page_gives_the_assets_figure_a_fen_over(client, auth, world):
    login(auth, world.founder)
    page = text(client.get("/company/eligibility", query_string={
        "total_assets": "50,000,000.00", "revenue": "50,000,000.01"}))
    assert "The firm&#39;s total assets are" not in page
    assert ("The firm&#39;s revenue last year was 50,000,000.01 yuan; the fund invests in "
            "firms with at most 50,000,000.00 yuan.") in page


def _break(world, rule: str):
    enterprise = world.founder.enterprise
    if rule == "park":
        enterprise.park_id = None
    elif rule == "district":
        enterprise.registered_in_district = False
    elif rule == "tier":
        enterprise.talent.tier = "E"
    elif rule == "founded":
        enterprise.founded_on = None
    db.session.commit()


@pytest.mark.parametrize(("rule", "message"), [
    ("park", "Choose the firm's park in the company profile: the park reviews the "
             "application first."),
    ("district", "The firm must be registered in the district."),
    ("tier", "The founder's talent tier on file is E; the programme takes tiers A, B, C and D."),
    ("founded", "Enter the firm's founding date in the company profile."),
])
def test_each_programme_rule_stops_every_product(world, open_bond, rule, message):
    assert _stopped(_verdicts(world)) == set()
    _break(world, rule)
    verdicts = _verdicts(world)
    assert set(verdicts) == PRODUCTS
    for verdict in verdicts.values():
        assert verdict.problems == (message,), verdict.product


@pytest.mark.parametrize("tier", ["A", "B", "C", "D"])
def test_every_tier_of_the_programme_may_apply(world, open_bond, tier):
    world.founder.enterprise.talent.tier = tier
    db.session.commit()
    assert _stopped(_verdicts(world)) == set()


def test_a_certificate_counts_to_its_last_day(world, open_bond):
    talent = world.founder.enterprise.talent
    today = business_today()
    talent.valid_until = today  # valid today
    db.session.commit()
    assert _stopped(_verdicts(world)) == set()
    expired = f"The talent certificate expired on {today.isoformat()}; upload a valid one."
    verdicts = _verdicts(world, on=today + timedelta(days=1))  # the day after
    assert all(v.problems == (expired,) for v in verdicts.values())
