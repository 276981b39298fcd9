"""人才贷 (talent loan): from the founder's draft to the pool filing and the loan's end.

The common route (draft, park review, requests for information, withdrawal, expiry) comes
first, then the bank's two-step decision, contract, disbursement and the pool filing; after
the filing, the bank's reports (repayments, arrears), the compensation claim with the pool's
two-step review, recoveries and clawback. Each state says whose queue it is in and its SLA.
"""

from talentfin.i18n import _l
from talentfin.pool import claims
from talentfin.pool import filing
from talentfin.pool import recoveries
from talentfin.workflows import common
from talentfin.workflows.loan import effects
from talentfin.workflows.loan import eligibility
from talentfin.workflows.loan import partner
from talentfin.workflows.loan import servicing
from talentfin.workflows.loan import terms
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

OFFICER, APPROVER = "bank_officer", "bank_approver"
BANK = (OFFICER, APPROVER)
OPEN = ("draft", "park_review", "info_requested", "partner_review", "bank_approval",
        "bank_info_requested", "approved")
# What a (re)submission to the park checks: the documents, the loan's rules, the bank.
SUBMISSION = (common.attachments_complete, eligibility.eligible, eligibility.within_tier_limit,
              terms.within_caps, partner.bank_takes_applications)

STATES = (
    State("draft", _l("Draft"), founder_holds=True),
    State("park_review", _l("Park review"), actor="park_reviewer", sla=Sla("pool_admin")),
    State("info_requested", _l("Information requested"), founder_holds=True),
    State("partner_review", _l("Bank review"), actor=OFFICER, sla=Sla(APPROVER)),
    State("bank_approval", _l("Awaiting bank approval"), actor=APPROVER, sla=Sla("pool_admin")),
    State("bank_info_requested", _l("Information requested by the bank"), founder_holds=True),
    State("approved", _l("Approved"), actor=OFFICER),
    State("contracted", _l("Contract signed"), actor=OFFICER),
    State("disbursed", _l("Disbursed"), actor="pool_admin", sla=Sla("pool_committee")),
    State("covered", _l("Filed with the pool (covered)")),
    State("not_covered", _l("Not covered (filing window missed)"), terminal=True),
    State("rejected", _l("Rejected"), terminal=True),
    State("withdrawn", _l("Withdrawn"), terminal=True),
    State("expired", _l("Expired"), terminal=True),
    State("active", _l("Repaying")),
    State("overdue", _l("Overdue")),
    # The bank may lodge a claim (again); from here on the firm's default is on record.
    State("npl", _l("Non-performing"), actor=OFFICER, default=True),
    State("repaid", _l("Repaid")),
    State("closed", _l("Closed"), terminal=True),
    State("claim_review", _l("Claim under pool review"), actor="pool_admin",
          sla=Sla("pool_committee", "claim_admin_working_days"), default=True),
    State("committee_review", _l("Claim before the committee"), actor="pool_committee",
          sla=Sla("auditor", "claim_committee_working_days"), default=True),
    # Recoveries are reported next.
    State("compensated", _l("Compensated"), actor=OFFICER, default=True),
    State("in_recovery", _l("In recovery"), default=True),
    State("recovered", _l("Recovery finished"), default=True),
    State("written_off", _l("Written off"), default=True),
    State("clawed_back", _l("Compensation clawed back"), terminal=True, default=True),
)

TRANSITIONS = (
    *common.park_route("partner_review", SUBMISSION, partner.bank_takes_applications,
                       submit_label=_l("Submit application"),
                       recommend_label=_l("Recommend to the bank")),
    T("recommend", ("partner_review",), "bank_approval", (OFFICER,), _l("Recommend terms"),
      guards=(terms.security_recorded, terms.terms_within_rules,
              partner.bank_takes_applications),
      effects=(effects.record_recommendation,), form="recommendation", style="success",
      internal=True),
    *common.partner_info_request("bank", ("partner_review", "bank_approval"),
                                 "partner_review", BANK, _l("Resubmit to the bank"),
                                 (partner.bank_takes_applications,)),
    T("bank_return", ("bank_approval",), "partner_review", (APPROVER,),
      _l("Return to the credit officer"), guards=(common.comment_given,), form="decision",
      style="secondary", internal=True),
    T("bank_approve", ("bank_approval",), "approved", (APPROVER,), _l("Approve loan"),
      guards=(terms.not_self_approval, terms.terms_within_rules,
              partner.bank_takes_applications),
      # The terms' guard counts the caps behind their locks: what it checks commits.
      locks=(terms.lock_caps,), effects=(effects.record_approval,), form="decision",
      dossier="bank_decision", decides=True, style="success", outcome=APPROVE),
    T("bank_reject", ("bank_approval", "partner_review"), "rejected", (APPROVER,),
      _l("Reject loan"), guards=(common.comment_given, terms.not_self_approval),
      effects=(effects.record_approval,), form="decision", dossier="bank_decision",
      decides=True, style="danger", outcome=REFUSE),
    T("contract", ("approved",), "contracted", BANK, _l("Record contract"),
      guards=(effects.contract_valid,), effects=(effects.record_contract,), form="contract"),
    T("disburse", ("contracted",), "disbursed", BANK, _l("Record disbursement"),
      guards=(effects.disbursement_valid,), effects=(effects.record_disbursement,),
      form="disbursement"),
    T("file_with_pool", ("disbursed",), "covered", ("pool_admin",), _l("File with the pool"),
      guards=(effects.within_filing_window, filing.bank_in_good_standing,
              filing.within_leverage, terms.caps_at_filing),
      effects=(effects.record_filing,), form="decision", dossier="pool_filing",
      decides=True, style="success"),
    T("lapse_filing", ("disbursed",), "not_covered", (SYSTEM,), _l("Filing window missed"),
      guards=(effects.filing_window_passed,), job="lapse_unfiled_loans"),
    common.withdrawal(OPEN, _l("Withdraw application")),
    # After the filing: the bank reports.
    T("report_repayment", ("covered", "active", "overdue"), "active", BANK,
      _l("Report a repayment"), guards=(servicing.repayment_valid,),
      effects=(servicing.record_repayment,), form="repayment", queued=False),
    T("report_overdue", ("covered", "active"), "overdue", BANK, _l("Report arrears"),
      guards=(servicing.overdue_valid,), effects=(servicing.record_overdue,), form="overdue",
      style="secondary", queued=False),
    T("classify_npl", ("overdue",), "npl", (*BANK, SYSTEM), _l("Classify as non-performing"),
      guards=(servicing.npl_reached,), effects=(servicing.record_npl,),
      form="classification", style="danger", job="classify_non_performing"),
    T("report_repaid", ("active",), "repaid", BANK, _l("Report fully repaid"),
      guards=(servicing.fully_repaid,), form="decision", style="success", queued=False),
    T("close", ("repaid",), "closed", ("pool_admin", SYSTEM), _l("Close the loan"),
      form="decision"),
    # The compensation claim: bank lodges, pool administrator assesses, committee decides.
    T("lodge_claim", ("npl",), "claim_review", BANK, _l("Lodge a compensation claim"),
      guards=(servicing.claim_documents_complete, claims.claim_amounts_valid),
      effects=(claims.lodge_claim,), form="claim", dossier="claim_form", style="success"),
    T("assess_claim", ("claim_review",), "committee_review", ("pool_admin",),
      _l("Pass the claim to the committee"), effects=(claims.assess_claim,), form="decision",
      style="success"),
    T("return_claim", ("claim_review",), "npl", ("pool_admin",),
      _l("Return the claim to the bank"), guards=(common.comment_given,),
      effects=(claims.return_claim,), form="decision", style="secondary"),
    T("approve_compensation", ("committee_review",), "compensated", ("pool_committee",),
      _l("Approve compensation"), effects=(claims.pay_compensation,), form="decision",
      dossier="compensation_decision", decides=True, style="success", event="claim.decided"),
    T("reject_compensation", ("committee_review",), "npl", ("pool_committee",),
      _l("Reject compensation"), guards=(common.comment_given,),
      effects=(claims.reject_claim,), form="decision", dossier="compensation_decision",
      decides=True, style="danger", event="claim.decided"),
    T("report_recovery", ("compensated", "in_recovery"), "in_recovery", BANK,
      _l("Report a recovery"), guards=(recoveries.recovery_valid,),
      effects=(recoveries.record_recovery,), form="recovery", dossier="recovery_notice",
      queued=False),
    T("finish_recovery", ("in_recovery",), "recovered", BANK, _l("Recovery finished"),
      form="decision", queued=False),
    # A claim returned or rejected leaves the loan non-performing: the bank may lodge
    # again, or close it on its own books with no public money involved.
    T("close_uncompensated", ("npl",), "closed", (APPROVER,),
      _l("Close without compensation"), guards=(claims.claim_declined, common.comment_given),
      form="decision", style="secondary", queued=False),
    T("write_off", ("compensated", "in_recovery"), "written_off", ("pool_committee",),
      _l("Write off"), guards=(common.comment_given,), form="decision",
      dossier="recovery_notice", decides=True, style="secondary", queued=False),
    T("claw_back", ("compensated", "in_recovery", "recovered", "written_off"),
      "clawed_back", ("pool_committee",), _l("Claw back for fraud"),
      guards=(common.comment_given,), effects=(recoveries.claw_back,), form="decision",
      dossier="recovery_notice", decides=True, style="danger", queued=False),
    common.expiry("bank"),
)

WORKFLOW = Workflow(product="loan", initial="draft", states=STATES, transitions=TRANSITIONS)
