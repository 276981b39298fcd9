"""人才投's numbers in the policy table: the ticket by talent tier and the fund's stake
(the [P] defaults of products.md, after Qingdao's and E-Town's funds), the 初创期 firm rules
(Shanghai), the investment committee's quorum and majority, the publicity period and the
portfolio's reports."""

from talentfin.i18n import _l
from talentfin.models.policy import PolicyKey

TIERS = ("A", "B", "C", "D")
_TICKETS = {"A": "1000000000", "B": "500000000", "C": "300000000", "D": "100000000"}


def ticket_key(tier: str | None) -> str:
    """The policy key of a talent tier's ticket limit."""
    return f"equity_ticket_limit_{(tier or 'D').lower()}_fen"


POLICY_KEYS = (
    *(PolicyKey(ticket_key(tier), _TICKETS[tier],
                f"proposed: tier {tier}; E-Town's talent fund invests at most 5M a project",
                _l("Investment limit, talent tier %(tier)s", tier=tier),
                _l("Investment limit, talent tier %(tier)s (fen)", tier=tier),
                _l("Proposed default (A 10M, B 5M, C 3M, D 1M); E-Town 2024: at most 5M"),
                at_least_one=True) for tier in TIERS),
    PolicyKey("equity_stake_cap_bp", "3000",
              "Qingdao guidance fund: at most 30 % and never the largest holder",
              _l("The fund's largest stake"), _l("The fund's largest stake (basis points)"),
              _l("Qingdao's guidance fund: at most 30%, never the largest holder"),
              at_least_one=True),
    PolicyKey("equity_max_firm_age_years", "5", "Shanghai 初创期: at most 5 years old",
              _l("Oldest firm invested in"), _l("Oldest firm invested in (years)"),
              _l("Shanghai's start-up stage: at most 5 years old"), at_least_one=True),
    PolicyKey("equity_max_staff", "300", "Shanghai 初创期: at most 300 staff",
              _l("Largest staff"), _l("Largest staff (people)"),
              _l("Shanghai's start-up stage: at most 300 staff"), at_least_one=True),
    PolicyKey("equity_min_rd_staff_bp", "2000", "Shanghai 初创期: R&D staff at least 20 %",
              _l("Smallest share of R&D staff"),
              _l("Smallest share of R&D staff (basis points)"),
              _l("Shanghai's start-up stage: R&D staff at least 20%")),
    PolicyKey("equity_max_assets_fen", "5000000000", "Shanghai 初创期: assets at most 50M",
              _l("Largest total assets"), _l("Largest total assets (fen)"),
              _l("Shanghai's start-up stage: total assets at most 50M"), at_least_one=True),
    PolicyKey("equity_max_revenue_fen", "5000000000", "Shanghai 初创期: revenue at most 50M",
              _l("Largest revenue"), _l("Largest revenue last year (fen)"),
              _l("Shanghai's start-up stage: revenue at most 50M"), at_least_one=True),
    PolicyKey("equity_ic_quorum_bp", "6666",
              "proposed: two thirds of all members present",
              _l("Investment committee quorum"),
              _l("Investment committee quorum (basis points of the members)"),
              _l("Proposed default: two thirds of the members present"), at_least_one=True),
    PolicyKey("equity_ic_approval_bp", "6666",
              "proposed: approval by two thirds of all members",
              _l("Investment committee majority"),
              _l("Investment committee majority (basis points of all members)"),
              _l("Proposed default: approval by two thirds of all members"),
              at_least_one=True),
    PolicyKey("equity_publicity_working_days", "5",
              "proposed: a government fund's decision is made public for 5 working days",
              _l("Publicity period"), _l("Publicity period (working days)"),
              _l("Proposed default: 5 working days"), at_least_one=True),
    PolicyKey("equity_quarterly_report_days", "30",
              "proposed: quarterly accounts within 30 days of the quarter's end",
              _l("Days to file quarterly accounts"),
              _l("Days after a quarter's end to file its accounts"),
              _l("Proposed default: 30 days after the quarter"), at_least_one=True),
    PolicyKey("equity_annual_report_months", "4",
              "proposed: audited annual accounts within 4 months of the year's end",
              _l("Months to file audited accounts"),
              _l("Months after the year's end to file audited accounts"),
              _l("Proposed default: 4 months after the year"), at_least_one=True),
)
