"""人才险's documents, dossiers and the names of its covers, proposals and fields."""

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.workflows.spec import DocumentKind
from talentfin.workflows.spec import DossierKind

OFFICER, APPROVER = "insurer_officer", "insurer_approver"
# The states a policy is in force in (a premium paid), and those a claim is handled in.
IN_FORCE = ("premium_paid", "subsidy_paid", "claim_paid", "claim_denied")
CLAIM_STATES = ("claim_notified", "claim_adjusting")

COVERS = {
    "loan_guarantee": _l("Loan-guarantee insurance"),
    "rd_loss": _l("R&D-loss insurance"),
    "key_person": _l("Key-person cover"),
}
PROPOSALS = {
    "accept": _l("Accept as asked"),
    "counter": _l("Counter-terms"),
    "decline": _l("Decline"),
}
CLAIM_STATUSES = {
    "notified": _l("Notified"), "adjusting": _l("Being adjusted"), "agreed": _l("Agreed"),
    "paid": _l("Paid"), "denied": _l("Denied"),
}
SUBSIDY_STATUSES = {
    "requested": _l("Asked for"), "paid": _l("Paid"), "declined": _l("Declined"),
}

DOCUMENTS = (
    DocumentKind("business_licence", _l("Business licence"), required=True),
    DocumentKind("talent_certificate", _l("Talent certificate"), required=True),
    DocumentKind("authorisation_letter", _l("Letter of authorisation (授权委托书)")),
    DocumentKind("loan_contract", _l("Loan contract (guarantee cover)")),
    DocumentKind("other", _l("Other document")),
    # Later stages: the premium's invoice, the account the subsidy is paid to, a claim's
    # papers (the insurer may file those it received).
    DocumentKind("premium_invoice", _l("Premium invoice"), roles=(FOUNDER,),
                 states=("bound", *IN_FORCE, "subsidy_review", *CLAIM_STATES, "claim_agreed")),
    DocumentKind("bank_account", _l("Bank account for the subsidy"), roles=(FOUNDER,),
                 states=IN_FORCE),
    DocumentKind("claim_form", _l("Claim form (索赔申请书)"), roles=(FOUNDER, OFFICER),
                 states=CLAIM_STATES),
    DocumentKind("loss_evidence", _l("Evidence of the loss"), roles=(FOUNDER, OFFICER),
                 states=CLAIM_STATES),
)
CLAIM_DOCUMENTS = ("claim_form", "loss_evidence")

_PDF = "pdf/insurance/"
DOSSIERS = {
    "application_form": DossierKind(_l("Quote request"), _PDF + "application_form.html"),
    "park_opinion": DossierKind(_l("Park recommendation opinion"),
                                _PDF + "park_opinion.html"),
    "underwriting_decision": DossierKind(_l("Underwriting decision"),
                                         _PDF + "underwriting_decision.html"),
    "policy_summary": DossierKind(_l("Policy summary"), _PDF + "policy_summary.html"),
    "subsidy_request": DossierKind(_l("Premium subsidy request"),
                                   _PDF + "subsidy_request.html"),
    "subsidy_decision": DossierKind(_l("Premium subsidy decision and payment voucher"),
                                    _PDF + "subsidy_decision.html"),
    "claim_decision": DossierKind(_l("Claim decision"), _PDF + "claim_decision.html"),
    "denial_notice": DossierKind(_l("Claim denial notice"), _PDF + "denial_notice.html"),
}

# Fields a reviewer can ask the founder to fix.
FIELDS = {
    "cover": _l("Cover"),
    "sum_insured": _l("Sum insured"),
    "period": _l("Period"),
    "loan": _l("Guaranteed loan"),
    "insured_person": _l("Key person insured"),
    "project": _l("R&D project"),
    "purpose": _l("Description of the risk"),
    "company_profile": _l("Company profile"),
    "talent_certification": _l("Talent certification"),
}

SNAPSHOT_LABELS = {
    "cover": _l("Cover"),
    "loan_id": _l("Guaranteed loan"),
    "requested_period_months": _l("Period (months)"),
    "insured_name": _l("Key person insured"),
    "insured_id_number": _l("Key person's ID number"),
    "insured_position": _l("Key person's position"),
    "project_name": _l("R&D project"),
}


def cover_label(cover: str | None) -> str:
    """A cover in the reader's language."""
    return str(COVERS.get(cover or "", cover or ""))


def proposal_label(proposal: str | None) -> str:
    """An underwriting proposal in the reader's language."""
    return str(PROPOSALS.get(proposal or "", proposal or ""))


def claim_status_label(status: str | None) -> str:
    """A claim's status in the reader's language."""
    return str(CLAIM_STATUSES.get(status or "", status or ""))


def subsidy_status_label(status: str | None) -> str:
    """A premium subsidy's status in the reader's language."""
    return str(SUBSIDY_STATUSES.get(status or "", status or ""))
