"""人才投's roles, documents, dossiers and the names of its workstreams, votes, reports and
exits."""

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.workflows.spec import DocumentKind
from talentfin.workflows.spec import DossierKind

MANAGER, APPROVER, COMMITTEE = "fund_officer", "fund_approver", "fund_ic"
FUND_STAFF = (MANAGER, APPROVER)
FUND = ("fund",)  # the kind of organisation that reads the fund's deliberations
# The portfolio: funded and watched until the fund exits.
PORTFOLIO = ("monitoring", "exit_approval")

WORKSTREAMS = {
    "business": _l("Business due diligence"),
    "legal": _l("Legal due diligence"),
    "financial": _l("Financial due diligence"),
}
FINDINGS = {"clear": _l("No red flag"), "red_flag": _l("Red flag")}
VOTES = {
    "for": _l("For"), "against": _l("Against"), "abstain": _l("Abstain"),
    "recuse": _l("Recused (conflict of interest)"),
}
EXIT_METHODS = {
    "transfer": _l("Share transfer"),
    "buyback": _l("Founder buy-back"),
    "merger": _l("Merger or acquisition"),
    "ipo": _l("IPO"),
    "write_off": _l("Write-off (liquidation)"),
}
REPORTS = {
    "quarterly": _l("Quarterly management accounts"),
    "annual": _l("Audited annual accounts"),
}

DOCUMENTS = (
    DocumentKind("business_plan", _l("Business plan"), required=True),
    DocumentKind("financials", _l("Financial statements (3 years and the latest month)"),
                 required=True),
    DocumentKind("articles", _l("Articles of association and cap table"), required=True),
    DocumentKind("talent_certificate", _l("Talent certificate"), required=True),
    DocumentKind("team_cvs", _l("Team CVs"), required=True),
    DocumentKind("integrity_pledge", _l("Integrity pledge (承诺书)"), required=True),
    DocumentKind("ip_certificates", _l("IP certificates")),
    DocumentKind("other", _l("Other document")),
    # The fund's papers of later stages; the founder's reports while in the portfolio.
    DocumentKind("dd_business", _l("Business due diligence report"), roles=FUND_STAFF,
                 states=("due_diligence",), readers=FUND),
    DocumentKind("dd_legal", _l("Legal due diligence report"), roles=FUND_STAFF,
                 states=("due_diligence",), readers=FUND),
    DocumentKind("dd_financial", _l("Financial due diligence report"), roles=FUND_STAFF,
                 states=("due_diligence",), readers=FUND),
    DocumentKind("investment_agreement", _l("Investment agreement (增资协议)"),
                 roles=FUND_STAFF, states=("signing",)),
    DocumentKind("funding_voucher", _l("Funding voucher (出资凭证)"), roles=FUND_STAFF,
                 states=("signed",)),
    DocumentKind("registration_change", _l("Registration of the change (工商变更)"),
                 roles=(FOUNDER, *FUND_STAFF), states=("signed",)),
    DocumentKind("quarterly_accounts", REPORTS["quarterly"], roles=(FOUNDER,),
                 states=PORTFOLIO),
    DocumentKind("annual_accounts", REPORTS["annual"], roles=(FOUNDER,), states=PORTFOLIO),
)
FUNDING_PAPERS = ("funding_voucher", "registration_change")

_PDF = "pdf/equity/"
DOSSIERS = {
    "application_form": DossierKind(_l("Investment application"),
                                    _PDF + "application_form.html"),
    "park_opinion": DossierKind(_l("Park recommendation opinion"), _PDF + "park_opinion.html"),
    "project_approval": DossierKind(_l("Project approval report"),
                                    _PDF + "project_approval.html"),
    # The findings and the named votes are the fund's (and the auditor's) to read.
    "dd_summary": DossierKind(_l("Due diligence summary"), _PDF + "dd_summary.html",
                              readers=FUND),
    "ic_resolution": DossierKind(_l("Investment committee resolution"),
                                 _PDF + "ic_resolution.html", readers=FUND),
    "investment_notice": DossierKind(_l("Investment notice"), _PDF + "investment_notice.html"),
    "exit_report": DossierKind(_l("Exit report"), _PDF + "exit_report.html"),
}

# Fields a reviewer can ask the founder to fix.
FIELDS = {
    "amount": _l("Investment asked for"),
    "valuation": _l("Pre-money valuation asked"),
    "cap_table": _l("Cap table"),
    "firm_size": _l("Staff, assets and revenue"),
    "purpose": _l("Use of the funds"),
    "company_profile": _l("Company profile"),
    "talent_certification": _l("Talent certification"),
}

SNAPSHOT_LABELS = {
    "asked_pre_money_fen": _l("Pre-money valuation asked"),
    "staff": _l("Staff"),
    "rd_staff": _l("R&D staff"),
    "total_assets_fen": _l("Total assets"),
    "revenue_fen": _l("Revenue last year"),
    "cap_table": _l("Cap table"),
}


def label_of(table: dict, key: str | None) -> str:
    """A key of one of the tables above in the reader's language."""
    return str(table.get(key or "", key or ""))
