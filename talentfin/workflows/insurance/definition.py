"""人才险 (talent insurance): from the founder's quote request to the policy's end.

The common route (draft, park review, requests for information, withdrawal, expiry), then
underwriting: the underwriter proposes (accept, counter-terms or decline), the insurer's
approver decides, the founder accepts or refuses counter-terms, and the insurer issues the
policy. While it is in force the founder pays each year's premium and asks the pool for the
premium subsidy, and a loss is notified, adjusted and paid or denied on the legal clocks.
"""

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.workflows import common
from talentfin.workflows.insurance import claims
from talentfin.workflows.insurance import eligibility
from talentfin.workflows.insurance import partner
from talentfin.workflows.insurance import premiums
from talentfin.workflows.insurance import quote
from talentfin.workflows.insurance import underwriting as uw
from talentfin.workflows.insurance.labels import APPROVER
from talentfin.workflows.insurance.labels import IN_FORCE
from talentfin.workflows.insurance.labels import OFFICER
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

INSURER = (OFFICER, APPROVER)
OPEN = ("draft", "park_review", "info_requested", "underwriting", "underwriting_approval",
        "insurer_info_requested", "counter_offered", "accepted")
SUBMISSION = (common.attachments_complete, eligibility.eligible, quote.quote_complete,
              partner.insurer_takes_quotes)

STATES = (
    State("draft", _l("Quote request (draft)"), founder_holds=True),
    State("park_review", _l("Park review"), actor="park_reviewer", sla=Sla("pool_admin")),
    State("info_requested", _l("Information requested"), founder_holds=True),
    State("underwriting", _l("Underwriting"), actor=OFFICER, sla=Sla(APPROVER)),
    State("underwriting_approval", _l("Awaiting the insurer's approval"), actor=APPROVER,
          sla=Sla(APPROVER)),
    State("insurer_info_requested", _l("Information requested by the insurer"),
          founder_holds=True),
    State("counter_offered", _l("Counter-terms offered")),  # the founder answers
    State("accepted", _l("Accepted: policy to be issued"), actor=OFFICER, sla=Sla(APPROVER)),
    State("bound", _l("Policy issued: premium due")),
    State("premium_paid", _l("In force: premium paid")),
    State("subsidy_review", _l("Premium subsidy under pool review"), actor="pool_admin",
          sla=Sla("pool_committee")),
    State("subsidy_paid", _l("In force: premium subsidy paid")),
    State("claim_notified", _l("Claim notified"), actor=OFFICER, sla=Sla(APPROVER)),
    # The legal clocks: the insurer's approvers decide and are told, then told again past it.
    State("claim_adjusting", _l("Claim being adjusted"), actor=APPROVER,
          sla=Sla(APPROVER, "claim_decision_days", calendar=True)),
    State("claim_agreed", _l("Claim agreed: payment due"), actor=OFFICER,
          sla=Sla(APPROVER, "claim_payment_days", calendar=True)),
    State("claim_paid", _l("In force: claim paid")),
    State("claim_denied", _l("In force: claim denied")),
    State("declined", _l("Declined by the insurer"), terminal=True),
    State("refused", _l("Counter-terms refused"), terminal=True),
    State("rejected", _l("Rejected"), terminal=True),
    State("withdrawn", _l("Withdrawn"), terminal=True),
    State("expired", _l("Expired"), terminal=True),
    State("lapsed", _l("Lapsed: premium not paid"), terminal=True),
    State("ended", _l("Policy period ended"), terminal=True),
)

TRANSITIONS = (
    *common.park_route("underwriting", SUBMISSION, partner.insurer_takes_quotes,
                       submit_label=_l("Submit the quote request"),
                       recommend_label=_l("Recommend to the insurer"),
                       on_submit=(uw.record_offer,)),
    T("propose", ("underwriting",), "underwriting_approval", (OFFICER,),
      _l("Propose the underwriting decision"),
      guards=(uw.proposal_valid, partner.insurer_takes_quotes),
      effects=(uw.record_proposal,), form="underwriting_proposal", style="success",
      internal=True),
    *common.partner_info_request("insurer", ("underwriting", "underwriting_approval"),
                                 "underwriting", INSURER, _l("Resubmit to the insurer"),
                                 (quote.quote_complete,)),
    T("return_to_underwriter", ("underwriting_approval",), "underwriting", (APPROVER,),
      _l("Return to the underwriter"), guards=(common.comment_given,), form="decision",
      style="secondary", internal=True),
    T("approve_acceptance", ("underwriting_approval",), "accepted", (APPROVER,),
      _l("Approve: accept the cover"), guards=(uw.not_self_approval,),
      effects=(uw.record_decision,), form="decision", dossier="underwriting_decision",
      decides=True, style="success", when=uw.proposes("accept"), outcome=APPROVE),
    T("approve_counter", ("underwriting_approval",), "counter_offered", (APPROVER,),
      _l("Approve: offer the counter-terms"), guards=(uw.not_self_approval,),
      effects=(uw.record_decision,), form="decision", dossier="underwriting_decision",
      decides=True, style="success", when=uw.proposes("counter"), outcome=APPROVE),
    T("decline", ("underwriting_approval",), "declined", (APPROVER,), _l("Decline the cover"),
      guards=(common.comment_given, uw.not_self_approval), effects=(uw.record_decision,),
      form="decision", dossier="underwriting_decision", decides=True, style="danger",
      outcome=REFUSE),
    T("accept_counter", ("counter_offered",), "accepted", (FOUNDER,),
      _l("Accept the counter-terms"), form="decision", style="success"),
    T("refuse_counter", ("counter_offered",), "refused", (FOUNDER,),
      _l("Refuse the counter-terms"), form="decision", style="danger"),
    T("bind", ("accepted",), "bound", INSURER, _l("Issue the policy"),
      guards=(uw.binding_valid,), effects=(uw.record_binding,), form="binding",
      dossier="policy_summary", decides=True, style="success"),
    T("pay_premium", ("bound", *IN_FORCE, "subsidy_review"), "premium_paid", (FOUNDER,),
      _l("Record the premium paid"), guards=(premiums.premium_valid,),
      effects=(premiums.withdraw_pending_subsidy, premiums.record_premium), form="premium",
      style="success"),
    T("request_subsidy", IN_FORCE, "subsidy_review", (FOUNDER,),
      _l("Ask for the premium subsidy"), guards=(premiums.subsidy_requestable,),
      effects=(premiums.record_subsidy_request,), form="decision", dossier="subsidy_request",
      style="success", queued=False),
    T("pay_subsidy", ("subsidy_review",), "subsidy_paid", ("pool_admin",),
      _l("Pay the premium subsidy"), effects=(premiums.pay_subsidy,), form="decision",
      dossier="subsidy_decision", decides=True, style="success"),
    T("decline_subsidy", ("subsidy_review",), "premium_paid", ("pool_admin",),
      _l("Decline the premium subsidy"), guards=(common.comment_given,),
      effects=(premiums.decline_subsidy,), form="decision", dossier="subsidy_decision",
      decides=True, style="danger"),
    T("notify_claim", (*IN_FORCE, "subsidy_review"), "claim_notified", (FOUNDER, OFFICER),
      _l("Notify a claim"), guards=(claims.notice_valid,),
      effects=(premiums.withdraw_pending_subsidy, claims.record_notice), form="claim_notice",
      style="secondary", queued=False),
    T("start_adjusting", ("claim_notified",), "claim_adjusting", INSURER,
      _l("Start adjusting (papers complete)"), guards=(claims.papers_complete,),
      effects=(claims.start_adjusting,),
      form="decision"),
    T("agree_claim", ("claim_adjusting",), "claim_agreed", (APPROVER,), _l("Agree the claim"),
      guards=(claims.agreement_valid,), effects=(claims.record_agreement,),
      form="claim_agreement", dossier="claim_decision", decides=True, style="success",
      event="claim.decided"),
    T("deny_claim", ("claim_adjusting",), "claim_denied", (APPROVER,), _l("Deny the claim"),
      guards=(common.comment_given,), effects=(claims.record_denial,), form="decision",
      dossier="denial_notice", decides=True, style="danger", event="claim.decided"),
    T("pay_claim", ("claim_agreed",), "claim_paid", INSURER, _l("Record the claim payment"),
      guards=(claims.payment_valid,), effects=(claims.record_payment,),
      form="claim_payment", style="success"),
    common.withdrawal(OPEN, _l("Withdraw the request")),
    common.expiry("insurer"),
    T("expire_offer", ("counter_offered",), "expired", (SYSTEM,),
      _l("Expire (counter-terms not answered in time)"), guards=(uw.counter_offer_expired,),
      job="expire_counter_offers"),
    T("lapse", ("bound", *IN_FORCE), "lapsed", (SYSTEM,), _l("Lapse (premium not paid)"),
      guards=(premiums.premium_overdue,), job="lapse_unpaid_policies"),
    T("end_policy", ("bound", *IN_FORCE), "ended", (SYSTEM,), _l("End of the policy period"),
      guards=(uw.period_over,), job="end_policies"),
)

WORKFLOW = Workflow(product="insurance", initial="draft", states=STATES,
                    transitions=TRANSITIONS)
