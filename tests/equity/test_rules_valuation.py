"""The valuation the investment manager files, at its boundaries: the ticket within the
limit of the talent's tier (as the park checked it at submission), the fund's stake at most
30 % and never the largest holder's (a tie is refused), and the stake rounded half up to a
basis point, on the cap table after the round too."""

import pytest
from flask_babel import force_locale

from talentfin.extensions import db
from talentfin.workflows.equity.summary import summary
from tests.equity.factories import advance
from tests.equity.factories import equity_in
from tests.equity.factories import refused
from tests.equity.factories import set_parameter

YUAN = 100  # fen


def _valuation(world, funds, tier: str = "B", **kwargs):
    """A deal of a founder of ``tier`` whose valuation is to be filed."""
    world.founder.enterprise.talent.tier = tier
    db.session.commit()
    application = equity_in(world, funds, "valuation", **kwargs)
    assert application.talent_tier == tier
    return application


def _file(world, funds, application, pre_money_fen, ticket_fen):
    advance(world, funds, application, "file_valuation",
            data={"pre_money_fen": pre_money_fen, "ticket_fen": ticket_fen})
    assert application.status == "ic_review"


def _refused(world, funds, application, pre_money_fen, ticket_fen) -> str:
    return refused(world, funds, application, "file_valuation",
                   data={"pre_money_fen": pre_money_fen, "ticket_fen": ticket_fen})


@pytest.mark.parametrize(("tier", "limit"), [("A", "10,000,000.00"), ("B", "5,000,000.00"),
                                             ("C", "3,000,000.00"), ("D", "1,000,000.00")])
def test_the_ticket_is_within_the_tiers_limit(world, funds, tier, limit):
    application = _valuation(world, funds, tier)
    limit_fen = int(limit.replace(",", "").replace(".", ""))
    over = f"{(limit_fen + 1) / 100:,.2f}"
    message = _refused(world, funds, application, 100_000_000 * YUAN, limit_fen + 1)
    assert message == (f"The investment of {over} yuan is over the limit of {limit} yuan for "
                       f"a tier {tier} talent.")
    _file(world, funds, application, 100_000_000 * YUAN, limit_fen)
    assert application.ticket_fen == limit_fen


def test_a_changed_policy_moves_the_tiers_limit(world, funds):
    set_parameter("equity_ticket_limit_b_fen", "400000000")
    application = _valuation(world, funds, "B")
    assert (_refused(world, funds, application, 20_000_000 * YUAN, 4_000_000 * YUAN + 1)
            == "The investment of 4,000,000.01 yuan is over the limit of 4,000,000.00 yuan "
               "for a tier B talent.")
    _file(world, funds, application, 20_000_000 * YUAN, 4_000_000 * YUAN)


def test_the_tier_is_the_one_checked_at_submission(world, funds):
    application = _valuation(world, funds, "B")
    world.founder.enterprise.talent.tier = "A"  # certified higher since
    db.session.commit()
    assert (_refused(world, funds, application, 100_000_000 * YUAN, 6_000_000 * YUAN)
            == "The investment of 6,000,000.00 yuan is over the limit of 5,000,000.00 yuan "
               "for a tier B talent.")


def test_the_stake_is_at_most_30_percent(world, funds):
    application = _valuation(world, funds)
    # 3,000,000 of 10,000,000 after the round is 30 % exactly; a fen more is over.
    assert (_refused(world, funds, application, 7_000_000 * YUAN, 3_000_000 * YUAN + 1)
            == "The fund would hold 30.01% after the round; it holds at most 30.00%.")
    _file(world, funds, application, 7_000_000 * YUAN, 3_000_000 * YUAN)
    assert application.stake_bp == 3000


def test_a_changed_policy_moves_the_stake_cap(world, funds):
    set_parameter("equity_stake_cap_bp", "2000")
    application = _valuation(world, funds)
    assert (_refused(world, funds, application, 8_000_000 * YUAN, 2_000_000 * YUAN + 1)
            == "The fund would hold 20.01% after the round; it holds at most 20.00%.")
    _file(world, funds, application, 8_000_000 * YUAN, 2_000_000 * YUAN)
    assert application.stake_bp == 2000


# 甲 is the largest holder though not the first row; 30 % of 7,000,000 pre-money.
HOLDERS = [{"name": "乙", "stake_bp": 2000}, {"name": "甲", "stake_bp": 3000},
           {"name": "丙", "stake_bp": 2500}, {"name": "丁", "stake_bp": 2500}]


def test_the_fund_is_never_the_largest_holder_not_even_tied(world, funds):
    application = _valuation(world, funds, cap_table=HOLDERS)
    # 2,100,000 into 7,000,000: the fund and 甲 both hold 2.1 / 9.1 = 23.08 % after.
    assert (_refused(world, funds, application, 7_000_000 * YUAN, 2_100_000 * YUAN)
            == "The fund's 23.08% would not be below 甲's 23.08%: the fund is never the "
               "largest holder.")
    assert (_refused(world, funds, application, 7_000_000 * YUAN, 2_500_000 * YUAN)
            == "The fund's 26.32% would not be below 甲's 22.11%: the fund is never the "
               "largest holder.")
    _file(world, funds, application, 7_000_000 * YUAN, 2_100_000 * YUAN - 1)
    assert application.stake_bp == 2308  # below 甲's, though both round to 23.08 %


def test_every_rule_the_valuation_breaks_is_named(world, funds):
    application = _valuation(world, funds)  # the founder holds 60 % before the round
    assert (_refused(world, funds, application, 10_000_000 * YUAN, 6_000_000 * YUAN)
            == "The investment of 6,000,000.00 yuan is over the limit of 5,000,000.00 yuan "
               "for a tier B talent. The fund would hold 37.50% after the round; it holds at "
               "most 30.00%. The fund's 37.50% would not be below 测试人才's 37.50%: the fund "
               "is never the largest holder.")


@pytest.mark.parametrize(("pre_money", "ticket"), [(None, 3_000_000 * YUAN),
                                                   (20_000_000 * YUAN, None),
                                                   (0, 3_000_000 * YUAN),
                                                   (20_000_000 * YUAN, -1)])
def test_the_valuation_and_the_ticket_are_entered(world, funds, pre_money, ticket):
    application = _valuation(world, funds)
    assert (_refused(world, funds, application, pre_money, ticket)
            == "Enter the pre-money valuation and the investment.")
    assert application.ticket_fen is None and application.stake_bp is None


def test_the_filed_valuation_is_recorded_with_its_stake_and_who_filed_it(world, funds):
    application = _valuation(world, funds)
    _file(world, funds, application, 20_000_000 * YUAN, 3_000_000 * YUAN)
    db.session.expire_all()
    assert (application.pre_money_fen, application.ticket_fen, application.stake_bp) == (
        20_000_000 * YUAN, 3_000_000 * YUAN, 1304)  # 3 / 23 = 13.043 %
    assert application.valued_by_id == funds.manager1.id
    assert application.amount_fen == 3_000_000 * YUAN  # the queues show the ticket now


@pytest.mark.parametrize(("ticket", "stake"), [(246_900_000, 1235), (246_899_999, 1234)])
def test_the_stake_is_rounded_half_up_to_a_basis_point(world, funds, ticket, stake):
    # 2,469,000 yuan into 17,531,000: exactly 12.345 % after the round; a fen less is below.
    application = _valuation(world, funds)
    _file(world, funds, application, 2_000_000_000 - 246_900_000, ticket)
    assert application.stake_bp == stake


def test_the_cap_table_after_the_round_dilutes_each_holder_half_up(world, funds):
    application = _valuation(world, funds)
    _file(world, funds, application, 1_753_100_000, 246_900_000)  # post-money 20,000,000
    with force_locale("en"):
        valuation = summary(application)["valuation"]
    assert valuation == {
        "pre_money_fen": 1_753_100_000, "ticket_fen": 246_900_000,
        "post_money_fen": 2_000_000_000, "stake_bp": 1235,
        # 60 %, 25 % and 15 % times 0.87655: 52.593, 21.91375 and 13.14825 %.
        # The fund's row is marked and named after the fund, in any language.
        "cap_table_after": [{"name": "测试人才", "stake_bp": 5259, "fund": False},
                            {"name": "蓝海创投", "stake_bp": 2191, "fund": False},
                            {"name": "员工持股平台", "stake_bp": 1315, "fund": False},
                            {"name": application.partner.name, "stake_bp": 1235,
                             "fund": True}]}
