"""人才债's two routes. The bond (``bond_issue``): planned, registered, issued with its
terms, open for allocations, then serviced until it is redeemed, each step the
underwriter's. A firm's allocation (``bond``): the common route (draft, park review,
requests for information, withdrawal, expiry), then the underwriter's credit review and
approval (which takes its part of the bond's size), the on-lending contract, the money and
its repayment (arrears, and a default whose loss the layers absorb)."""

from talentfin.i18n import _l
from talentfin.workflows import common
from talentfin.workflows.bond import allocation
from talentfin.workflows.bond import issue
from talentfin.workflows.bond import partner
from talentfin.workflows.bond import servicing
from talentfin.workflows.bond.labels import APPROVER
from talentfin.workflows.bond.labels import OFFICER
from talentfin.workflows.bond.labels import UNDERWRITER
from talentfin.workflows.eligibility import programme_problems
from talentfin.workflows.loan import servicing as loan_servicing
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

ISSUE_STATES = (
    State("planned", _l("Planned: to be registered"), actor=OFFICER, sla=Sla(APPROVER)),
    State("registered", _l("Registered: to be issued"), actor=APPROVER, sla=Sla(APPROVER)),
    State("issued", _l("Issued"), actor=OFFICER, sla=Sla(APPROVER)),
    State("allocating", _l("Open for allocations")),
    State("servicing", _l("Allocated: being serviced")),
    State("redeemed", _l("Redeemed"), terminal=True),
    State("cancelled", _l("Cancelled"), terminal=True),
)

ISSUE_TRANSITIONS = (
    T("register", ("planned",), "registered", (OFFICER,), _l("Record the registration"),
      guards=(issue.registration_valid,), effects=(issue.record_registration,),
      form="bond_registration", dossier="registration", decides=True, style="success"),
    T("issue", ("registered",), "issued", (APPROVER,), _l("Record the issue and its terms"),
      guards=(issue.issue_valid,), effects=(issue.record_issue,), form="bond_issue_terms",
      dossier="issue_terms", decides=True, style="success"),
    T("open_allocation", ("issued",), "allocating", (OFFICER,),
      _l("Open the bond for allocations"), form="decision", style="success"),
    T("close_allocation", ("allocating",), "servicing", (APPROVER,),
      _l("Close the allocations"), guards=(issue.allocation_closable,), form="decision",
      dossier="allocation_result", decides=True, style="secondary", queued=False),
    T("redeem", ("servicing",), "redeemed", (OFFICER,), _l("Record the redemption"),
      guards=(issue.matured,), effects=(issue.record_redemption,), form="decision",
      dossier="redemption", decides=True, style="success", queued=False),
    T("cancel", ("planned", "registered"), "cancelled", (APPROVER,), _l("Cancel the bond"),
      guards=(common.comment_given,), form="decision", style="danger"),
)

ISSUE_WORKFLOW = Workflow(product="bond_issue", initial="planned", states=ISSUE_STATES,
                          transitions=ISSUE_TRANSITIONS)


def eligible(ctx) -> str | None:
    """The programme's eligibility rules."""
    problems = programme_problems(ctx.application, ctx.today)
    return " ".join(problems) if problems else None


OPEN = ("draft", "park_review", "info_requested", "credit_review",
        "underwriter_info_requested", "allocation_approval")
SUBMISSION = (common.attachments_complete, allocation.request_complete, eligible,
              partner.underwriter_takes_applications)

STATES = (
    State("draft", _l("Application (draft)"), founder_holds=True),
    State("park_review", _l("Park review"), actor="park_reviewer", sla=Sla("pool_admin")),
    State("info_requested", _l("Information requested"), founder_holds=True),
    State("credit_review", _l("Underwriter's credit review"), actor=OFFICER,
          sla=Sla(APPROVER)),
    State("underwriter_info_requested", _l("Information requested by the underwriter"),
          founder_holds=True),
    State("allocation_approval", _l("Awaiting the underwriter's approval"), actor=APPROVER,
          sla=Sla(APPROVER)),
    State("allocated", _l("Allocated: contract to be signed"), actor=OFFICER,
          sla=Sla(APPROVER)),
    State("contracted", _l("Contract signed: to be paid out"), actor=OFFICER,
          sla=Sla(APPROVER)),
    State("disbursed", _l("Paid out: repayments to come")),
    State("repaying", _l("Repaying")),
    State("overdue", _l("In arrears")),
    State("defaulted", _l("In default: loss absorbed"), terminal=True, default=True),
    State("closed", _l("Repaid"), terminal=True),
    State("declined", _l("Declined by the underwriter"), terminal=True),
    State("cancelled", _l("Allocation cancelled"), terminal=True),
    State("rejected", _l("Rejected"), terminal=True),
    State("withdrawn", _l("Withdrawn"), terminal=True),
    State("expired", _l("Expired"), terminal=True),
)

TRANSITIONS = (
    *common.park_route("credit_review", SUBMISSION, partner.underwriter_takes_applications,
                       submit_label=_l("Submit the application"),
                       recommend_label=_l("Recommend to the underwriter")),
    T("recommend", ("credit_review",), "allocation_approval", (OFFICER,),
      _l("Recommend the allocation"), guards=(allocation.bond_open,
                                              allocation.recommendation_valid),
      effects=(allocation.record_recommendation,), form="bond_recommendation",
      style="success", internal=True),
    *common.partner_info_request("underwriter", ("credit_review", "allocation_approval"),
                                 "credit_review", UNDERWRITER, _l("Resubmit to the underwriter"),
                                 (allocation.request_complete, allocation.bond_open)),
    T("return_recommendation", ("allocation_approval",), "credit_review", (APPROVER,),
      _l("Return to the underwriting officer"), guards=(common.comment_given,),
      form="decision", style="secondary", internal=True),
    T("approve_allocation", ("allocation_approval",), "allocated", (APPROVER,),
      _l("Approve the allocation"), guards=(allocation.bond_open, allocation.approval_valid),
      effects=(allocation.take_headroom,), form="decision", dossier="allocation_notice",
      decides=True, style="success", outcome=APPROVE),
    T("decline", ("credit_review", "allocation_approval"), "declined", UNDERWRITER,
      _l("Decline the allocation"), guards=(common.comment_given,), form="decision",
      dossier="allocation_notice", decides=True, style="danger", outcome=REFUSE),
    T("sign_contract", ("allocated",), "contracted", (OFFICER,),
      _l("Record the on-lending contract"), guards=(allocation.contract_valid,),
      effects=(allocation.record_contract,), form="bond_contract", style="success"),
    T("disburse", ("contracted",), "disbursed", (OFFICER,), _l("Record the money paid out"),
      guards=(allocation.disbursement_valid,), effects=(allocation.record_disbursement,),
      form="bond_disbursement", style="success"),
    # The on-lent loan, as the underwriter reports it.
    T("record_repayment", ("disbursed", "repaying", "overdue"), "repaying", UNDERWRITER,
      _l("Record a repayment"), guards=(loan_servicing.repayment_valid,
                                        servicing.repayment_plausible),
      effects=(servicing.record_repayment,), form="repayment", queued=False),
    T("report_arrears", ("disbursed", "repaying"), "overdue", UNDERWRITER,
      _l("Report arrears"), guards=(loan_servicing.overdue_valid,
                                    servicing.arrears_after_payout),
      effects=(loan_servicing.record_overdue,), form="overdue", style="secondary",
      queued=False),
    T("declare_default", ("overdue",), "defaulted", (APPROVER,),
      _l("Declare the default (the loss layers absorb the loss)"),
      guards=(servicing.default_reached, servicing.loss_owed, common.comment_given),
      effects=(loan_servicing.record_npl, servicing.absorb_loss), form="classification",
      dossier="default_record", decides=True, style="danger", queued=False),
    T("record_repaid", ("repaying",), "closed", UNDERWRITER, _l("Record the loan repaid"),
      guards=(servicing.repaid_in_full,), effects=(servicing.record_repaid,), form="decision",
      style="success", queued=False),
    T("cancel_allocation", ("allocated", "contracted"), "cancelled", (APPROVER,),
      _l("Cancel the allocation"), guards=(common.comment_given,),
      effects=(allocation.give_back,), form="decision", style="danger"),
    common.withdrawal(OPEN),
    common.expiry("underwriter"),
)

WORKFLOW = Workflow(product="bond", initial="draft", states=STATES, transitions=TRANSITIONS)
