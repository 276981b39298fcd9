"""人才债's roles, states, documents and dossiers: the bond itself (product ``bond_issue``)
and the firms' allocations of its proceeds (product ``bond``)."""

from talentfin.i18n import _l
from talentfin.workflows.spec import DocumentKind
from talentfin.workflows.spec import DossierKind

OFFICER, APPROVER, ISSUER = "underwriter_officer", "underwriter_approver", "issuer_officer"
UNDERWRITER = (OFFICER, APPROVER)
# An allocation decided for and neither repaid nor given back: it holds part of the bond's
# size and counts toward the firm's and the talent's outstanding caps together with loans
# (a default's loss stays with the firm).
COMMITTED = ("allocated", "contracted", "disbursed", "repaying", "overdue", "defaulted")

ISSUE_DOCUMENTS = (
    DocumentKind("board_resolution", _l("Issuer's board resolution (董事会决议)"),
                 roles=(ISSUER,), states=("planned",)),
    DocumentKind("registration_letter", _l("Registration letter (注册通知/无异议函)"),
                 roles=UNDERWRITER, states=("planned",)),
    DocumentKind("prospectus", _l("Prospectus (募集说明书)"), roles=UNDERWRITER,
                 states=("registered",)),
    DocumentKind("issue_announcement", _l("Issue announcement (发行公告)"),
                 roles=UNDERWRITER, states=("registered",)),
    DocumentKind("redemption_notice", _l("Redemption notice (兑付公告)"),
                 roles=UNDERWRITER, states=("servicing",)),
)

_ISSUE_PDF = "pdf/bond_issue/"
ISSUE_DOSSIERS = {
    "registration": DossierKind(_l("Bond registration record"),
                                _ISSUE_PDF + "registration.html"),
    "issue_terms": DossierKind(_l("Bond issue terms"), _ISSUE_PDF + "issue_terms.html"),
    "allocation_result": DossierKind(_l("Allocation result"),
                                     _ISSUE_PDF + "allocation_result.html"),
    "redemption": DossierKind(_l("Redemption record"), _ISSUE_PDF + "redemption.html"),
}

DOCUMENTS = (
    DocumentKind("loan_application", _l("Borrowing application (借款申请书)"), required=True),
    DocumentKind("audited_accounts", _l("Audited accounts (3 years)"), required=True),
    DocumentKind("use_of_funds", _l("Use-of-funds plan (用款计划)"), required=True),
    DocumentKind("credit_report", _l("Credit report (征信报告)"), required=True),
    DocumentKind("board_resolution", _l("The firm's board resolution"), required=True),
    DocumentKind("undertaking", _l("Undertaking (承诺函)"), required=True),
    DocumentKind("talent_certificate", _l("Talent certificate"), required=True),
    DocumentKind("other", _l("Other document")),
    DocumentKind("onlending_contract", _l("On-lending contract (委托贷款/借款合同)"),
                 roles=UNDERWRITER, states=("allocated",)),
    DocumentKind("collection_records", _l("Collection records (催收记录)"), roles=UNDERWRITER,
                 states=("overdue",)),
    DocumentKind("disbursement_voucher", _l("Disbursement voucher"), roles=UNDERWRITER,
                 states=("contracted",)),
)

_PDF = "pdf/bond/"
DOSSIERS = {
    "application_form": DossierKind(_l("Allocation application"),
                                    _PDF + "application_form.html"),
    "park_opinion": DossierKind(_l("Park recommendation opinion"), _PDF + "park_opinion.html"),
    "allocation_notice": DossierKind(_l("Allocation notice"), _PDF + "allocation_notice.html"),
    "default_record": DossierKind(_l("Default and loss-sharing record"),
                                  _PDF + "default_record.html"),
}

FIELDS = {
    "bond": _l("Bond"),
    "amount": _l("Amount asked for"),
    "term": _l("Term"),
    "purpose": _l("Use of the funds"),
    "company_profile": _l("Company profile"),
    "talent_certification": _l("Talent certification"),
}
SNAPSHOT_LABELS = {
    "bond_id": _l("Bond"),
    "requested_term_months": _l("Term (months)"),
}
