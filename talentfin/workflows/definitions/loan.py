"""人才贷 (talent loan): from the founder's draft to the pool filing (covered).

The common route (draft, park review, requests for information, withdrawal, expiry) comes
first, then the bank's two-step decision, contract, disbursement and the pool filing.
"""

from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

OPEN = ("draft", "park_review", "info_requested", "partner_review", "bank_approval",
        "bank_info_requested", "approved")

WORKFLOW = Workflow(
    product="loan",
    initial="draft",
    states=(
        "draft", "park_review", "info_requested", "partner_review", "bank_approval",
        "bank_info_requested", "approved", "contracted", "disbursed", "covered",
        "not_covered", "rejected", "withdrawn", "expired",
    ),
    terminal=("covered", "not_covered", "rejected", "withdrawn", "expired"),
    founder_holds=("draft", "info_requested", "bank_info_requested"),
    transitions=(
        T("submit", ("draft",), "park_review", ("founder",),
          guards=("attachments_complete", "eligible", "within_tier_limit", "within_caps"),
          effects=("mark_submitted",), dossier="application_form", style="success"),
        T("park_approve", ("park_review",), "partner_review", ("park_reviewer",),
          effects=("route_to_partner",), form="decision", dossier="park_opinion",
          decides=True, style="success"),
        T("park_request_info", ("park_review",), "info_requested", ("park_reviewer",),
          guards=("names_what_to_fix",), effects=("record_info_request",),
          form="info_request", style="secondary"),
        T("park_reject", ("park_review",), "rejected", ("park_reviewer",),
          guards=("comment_given",), form="decision", dossier="park_opinion",
          decides=True, style="danger"),
        T("resubmit", ("info_requested",), "park_review", ("founder",),
          guards=("attachments_complete", "eligible", "within_tier_limit", "within_caps"),
          effects=("mark_submitted",), dossier="application_form", style="success"),
        T("recommend", ("partner_review",), "bank_approval", ("bank_officer",),
          guards=("terms_within_rules",), effects=("record_recommendation",),
          form="recommendation", style="success", internal=True),
        T("bank_request_info", ("partner_review", "bank_approval"), "bank_info_requested",
          ("bank_officer", "bank_approver"), guards=("names_what_to_fix",),
          effects=("record_info_request",), form="info_request", style="secondary"),
        T("bank_resubmit", ("bank_info_requested",), "partner_review", ("founder",),
          guards=("attachments_complete",), effects=("mark_submitted",),
          dossier="application_form", style="success"),
        T("bank_return", ("bank_approval",), "partner_review", ("bank_approver",),
          guards=("comment_given",), form="decision", style="secondary", internal=True),
        T("bank_approve", ("bank_approval",), "approved", ("bank_approver",),
          guards=("not_self_approval", "terms_within_rules"), effects=("record_approval",),
          form="decision", dossier="bank_decision", decides=True, style="success"),
        T("bank_reject", ("bank_approval", "partner_review"), "rejected",
          ("bank_approver",), guards=("comment_given", "not_self_approval"),
          effects=("record_approval",), form="decision", dossier="bank_decision",
          decides=True, style="danger"),
        T("contract", ("approved",), "contracted", ("bank_officer", "bank_approver"),
          guards=("contract_valid",), effects=("record_contract",), form="contract"),
        T("disburse", ("contracted",), "disbursed", ("bank_officer", "bank_approver"),
          guards=("disbursement_valid",), effects=("record_disbursement",),
          form="disbursement"),
        T("file_with_pool", ("disbursed",), "covered", ("pool_admin",),
          guards=("within_filing_window",), effects=("record_filing",), form="decision",
          dossier="pool_filing", decides=True, style="success"),
        T("lapse_filing", ("disbursed",), "not_covered", (SYSTEM,),
          guards=("filing_window_passed",)),
        T("withdraw", OPEN, "withdrawn", ("founder",), form="decision",
          style="danger"),
        T("expire", ("info_requested", "bank_info_requested"), "expired", (SYSTEM,)),
    ),
)
