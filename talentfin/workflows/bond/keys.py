"""人才债's numbers in the policy table (products.md section 3, the [P] defaults after the
2013 小微企业增信集合债 model): a firm's share of a bond, the on-lending spread, and the
government's layer of a default's loss."""

from talentfin.i18n import _l
from talentfin.models.policy import PolicyKey

POLICY_KEYS = (
    PolicyKey("bond_firm_share_bp", "1000",
              "proposed: a firm's allocation at most 10 % of the bond (and its loan tier limit)",
              _l("A firm's largest share of a bond"),
              _l("A firm's largest share of a bond (basis points of its size)"),
              _l("Proposed default: a tenth of the bond, and never above the firm's loan "
                 "tier limit"), at_least_one=True),
    PolicyKey("bond_spread_cap_bp", "150",
              "proposed: on-lending rate at most the coupon plus 150 bp, the spread to the reserve",
              _l("Largest on-lending spread over the coupon"),
              _l("Largest on-lending spread over the coupon (basis points a year)"),
              _l("Proposed default: 1.5% a year over the coupon; the spread feeds the "
                 "bond's risk reserve")),
    PolicyKey("bond_government_share_bp", "500",
              "2013 small-firm collective bond model: a government fund of 5 % of the issue "
              "size is the second loss layer, after the risk reserve",
              _l("Government's share of a bond's losses"),
              _l("Government's share of a bond's losses (basis points of its size)"),
              _l("The 2013 small-firm collective bond model: a government fund of 5 per cent of "
                 "the issue size absorbs a default's loss once the bond's risk reserve is "
                 "spent; the issuer bears the rest")),
)
