"""The loan's documents, dossiers and the names of its fields, grades and securities."""

from talentfin.i18n import _l
from talentfin.workflows.loan.servicing import CLAIM_DOCUMENTS
from talentfin.workflows.spec import DocumentKind
from talentfin.workflows.spec import DossierKind

BANK = ("bank_officer", "bank_approver")
# The loan's own webhook event and API scope: the bank's reports on its covered loans.
REPAYMENTS_PROCESSED = "repayments.processed"
WEBHOOK_EVENTS = {REPAYMENTS_PROCESSED: _l("repayments.processed: a file or a batch of the "
                                           "bank's repayments was applied or refused")}
API_SCOPES = {"report": _l("report: repayments and arrears")}
_CLAIM_LABELS = {
    "loan_contract": _l("Loan contract"),
    "disbursement_proof": _l("Disbursement proof"),
    "repayment_history": _l("Repayment history"),
    "collection_records": _l("Collection records"),
    "classification_evidence": _l("Classification evidence"),
    "litigation_papers": _l("Litigation or enforcement papers"),
    "diligence_statement": _l("Due diligence statement"),
}
DOCUMENTS = (
    DocumentKind("business_licence", _l("Business licence"), required=True),
    DocumentKind("talent_certificate", _l("Talent certificate"), required=True),
    DocumentKind("financial_statements", _l("Financial statements"), required=True),
    DocumentKind("business_plan", _l("Business plan"), required=True),
    DocumentKind("other", _l("Other document")),
    # The bank's papers for a compensation claim.
    *(DocumentKind(key, _CLAIM_LABELS[key], roles=BANK, states=("npl",))
      for key in CLAIM_DOCUMENTS),
)

DOSSIERS = {
    "application_form": DossierKind(_l("Application form"), "pdf/loan/application_form.html"),
    "park_opinion": DossierKind(_l("Park recommendation opinion"),
                                "pdf/loan/park_opinion.html"),
    "bank_decision": DossierKind(_l("Bank decision notice"), "pdf/loan/bank_decision.html"),
    "pool_filing": DossierKind(_l("Pool filing confirmation"), "pdf/loan/pool_filing.html"),
    "claim_form": DossierKind(_l("Compensation claim form"), "pdf/loan/claim_form.html"),
    "compensation_decision": DossierKind(_l("Compensation decision and payment voucher"),
                                         "pdf/loan/compensation_decision.html"),
    "recovery_notice": DossierKind(_l("Recovery report and pro-rata return notice"),
                                   "pdf/loan/recovery_notice.html"),
}

# Fields a reviewer can ask the founder to fix.
FIELDS = {
    "requested_amount": _l("Requested amount"),
    "requested_term": _l("Requested term"),
    "purpose": _l("Purpose of the loan"),
    "annual_revenue": _l("Revenue last year"),
    "net_profit": _l("Net profit last year"),
    "employees": _l("Employees"),
    "company_profile": _l("Company profile"),
    "talent_certification": _l("Talent certification"),
}

# The loan's keys of the resubmission snapshot, as a diff shows them.
SNAPSHOT_LABELS = {
    "requested_term_months": _l("Requested term (months)"),
    "purpose": _l("Purpose of the loan"),
    "details.annual_revenue_fen": _l("Revenue last year (yuan)"),
    "details.net_profit_fen": _l("Net profit last year (yuan)"),
    "details.employees": _l("Employees"),
}

CLASSIFICATIONS = {
    "normal": _l("Normal"),
    "special_mention": _l("Special mention"),
    "substandard": _l("Substandard"),
    "doubtful": _l("Doubtful"),
    "loss": _l("Loss"),
}

SECURITY = {
    "pure_credit": _l("Pure credit (no guarantee, pledge or collateral)"),
    "guarantee": _l("Guarantee"),
    "pledge": _l("Pledge"),
    "collateral": _l("Collateral (mortgage)"),
}


def classification_label(grade: str | None) -> str:
    """Label of a five-grade loan classification."""
    return str(CLASSIFICATIONS.get(grade or "", grade or ""))


def security_label(security: str | None) -> str:
    """How the loan is secured, in words; "not recorded" for loans recommended before the
    bank was asked."""
    if security is None:
        return str(_l("not recorded"))
    return str(SECURITY.get(security, security))
REQUIRED_DOCUMENTS = tuple(d.key for d in DOCUMENTS if d.required)
