"""人才板's roles, documents, dossiers and the names of its tiers, instruments and reasons."""

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.workflows.spec import DocumentKind
from talentfin.workflows.spec import DossierKind

BROKER, BROKER_APPROVER = "broker_officer", "broker_approver"
OFFICER, COMMITTEE = "exchange_officer", "listing_committee"
EXCHANGE = ("exchange_officer", "exchange_approver")
# The firm is on the board: listed, and while its reward or its delisting is under review
# (it still owes and files its annual reports, records its financings, counts in its tier).
LISTED = ("listed", "reward_review", "reward_approval", "delisting_review")

TIERS = {"incubation": _l("Incubation tier (孵化层)"), "standard": _l("Standard tier (规范层)"),
         "cultivation": _l("Cultivation tier (培育层)")}
INSTRUMENTS = {"private_placement": _l("Private placement (定向增资)"),
               "convertible_bond": _l("Private convertible bond (私募可转债)"),
               "share_pledge": _l("Share pledge (股权质押)")}
DELISTING_REASONS = {
    "late_disclosure": _l("Annual report more than two months late"),
    "certificate_lapsed": _l("Talent certificate lapsed"),
    "left_district": _l("The firm left the district"),
    "bankruptcy": _l("Bankruptcy"),
    "voluntary": _l("Voluntary"),
}
MARKETS = {"neeq": _l("NEEQ (新三板)"), "bse": _l("Beijing Stock Exchange (北交所)"),
           "ipo": _l("IPO on another exchange")}

DOCUMENTS = (
    DocumentKind("listing_application", _l("Listing application (挂牌申请书)"), required=True),
    DocumentKind("business_licence", _l("Business licence"), required=True),
    DocumentKind("articles", _l("Articles of association (章程)"), required=True),
    DocumentKind("shareholder_register", _l("Register of shareholders (股东名册)"),
                 required=True),
    DocumentKind("financials", _l("Financial statements (2 years)"), required=True),
    DocumentKind("talent_certificate", _l("Talent certificate"), required=True),
    DocumentKind("shareholder_resolution", _l("Shareholders' resolution (股东会决议)"),
                 required=True),
    DocumentKind("ip_list", _l("List of intellectual property")),
    DocumentKind("other", _l("Other document")),
    DocumentKind("dd_report", _l("Due diligence report (尽调报告)"),
                 roles=(BROKER, BROKER_APPROVER), states=("broker_dd",)),
    DocumentKind("recommendation_report", _l("Recommendation report (推荐报告)"),
                 roles=(BROKER, BROKER_APPROVER), states=("broker_dd",)),
    DocumentKind("annual_report", _l("Annual report (年报)"), roles=(FOUNDER,),
                 states=LISTED),
)

_PDF = "pdf/board/"
DOSSIERS = {
    "application_form": DossierKind(_l("Listing application"), _PDF + "application_form.html"),
    "park_opinion": DossierKind(_l("Park recommendation letter"), _PDF + "park_opinion.html"),
    "broker_recommendation": DossierKind(_l("Recommending institution's opinion"),
                                         _PDF + "broker_recommendation.html"),
    "listing_notice": DossierKind(_l("Listing notice"), _PDF + "listing_notice.html"),
    "reward_decision": DossierKind(_l("Financing reward decision"),
                                   _PDF + "reward_decision.html"),
    "delisting_notice": DossierKind(_l("Delisting notice"), _PDF + "delisting_notice.html"),
}

FIELDS = {
    "listing": _l("Listing asked for"),
    "shareholders": _l("Shareholders"),
    "purpose": _l("Business and plans"),
    "company_profile": _l("Company profile"),
    "talent_certification": _l("Talent certification"),
}
SNAPSHOT_LABELS = {"requested_tier": _l("Tier asked for"), "shareholders": _l("Shareholders")}


def label_of(table: dict, key: str | None) -> str:
    """A key of one of the tables above in the reader's language."""
    return str(table.get(key or "", key or ""))
