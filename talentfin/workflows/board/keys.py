"""人才板's numbers in the policy table: Qingdao 2021's financing rewards, the 200-holder
limit of 证监会令第132号, and the [P] disclosure deadlines (NEEQ's shape)."""

from talentfin.i18n import _l
from talentfin.models.policy import PolicyKey

POLICY_KEYS = (
    PolicyKey("board_reward_band1_min_fen", "100000000",
              "Qingdao 2021: a firm raising 1-5 M in a year earns a reward",
              _l("Smallest financing rewarded in a year"),
              _l("Smallest financing rewarded in a year (fen)"),
              _l("Qingdao 2021: from 1 million a year"), at_least_one=True),
    PolicyKey("board_reward_band2_min_fen", "500000000", "Qingdao 2021: 5-20 M",
              _l("Financing of the middle reward"), _l("Financing of the middle reward (fen)"),
              _l("Qingdao 2021: from 5 million a year"), at_least_one=True),
    PolicyKey("board_reward_band3_min_fen", "2000000000", "Qingdao 2021: over 20 M",
              _l("Financing of the top reward"), _l("Financing of the top reward (fen)"),
              _l("Qingdao 2021: over 20 million a year"), at_least_one=True),
    PolicyKey("board_reward_band1_fen", "20000000", "Qingdao 2021: 200,000",
              _l("Reward for 1-5 million raised"), _l("Reward for 1-5 million raised (fen)"),
              _l("Qingdao 2021: 200,000 yuan")),
    PolicyKey("board_reward_band2_fen", "30000000", "Qingdao 2021: 300,000",
              _l("Reward for 5-20 million raised"), _l("Reward for 5-20 million raised (fen)"),
              _l("Qingdao 2021: 300,000 yuan")),
    PolicyKey("board_reward_band3_fen", "50000000", "Qingdao 2021: 500,000",
              _l("Reward for over 20 million raised"),
              _l("Reward for over 20 million raised (fen)"), _l("Qingdao 2021: 500,000 yuan")),
    PolicyKey("board_max_holders", "200", "证监会令第132号: at most 200 holders",
              _l("Most holders of a listed firm"), _l("Most holders of a listed firm"),
              _l("CSRC Order No. 132 (2017): at most 200 holders"), at_least_one=True),
    PolicyKey("board_annual_report_months", "4",
              "proposed (NEEQ): the annual report within 4 months of the year's end",
              _l("Months to file the annual report"),
              _l("Months after the year's end to file the annual report"),
              _l("Proposed default (NEEQ): 4 months"), at_least_one=True),
    PolicyKey("board_delisting_late_months", "2",
              "proposed: delisting proposed when the annual report is 2 months late",
              _l("Months late before delisting is proposed"),
              _l("Months an annual report is late before delisting is proposed"),
              _l("Proposed default: 2 months"), at_least_one=True),
)
