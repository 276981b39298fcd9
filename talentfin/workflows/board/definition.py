"""人才板 (talent board): from the park's recommendation letter to the listing, and the
listing's life: tier moves, the financing reward, delisting or the transfer up.

The common route (draft, park review with its 推荐函, requests for information, withdrawal,
expiry); the recommending institution's due diligence (its officer files the reports, its
approver recommends); the exchange's listing review (its officer, then the listing
committee) and the listing notice. Once listed, financings are recorded beside the route
(``board.financing``), the founder asks for a year's financing reward (the programme's
administrator recommends, the committee decides: two people), the annual report is owed
each year (``board.disclosure``), and the listing ends by delisting (the committee decides a
proposal: the exchange's, or the scheduler's for a report two months late) or by transfer.
"""

from talentfin.i18n import _l
from talentfin.institutions import FOUNDER
from talentfin.workflows import common
from talentfin.workflows.board import disclosure
from talentfin.workflows.board import financing
from talentfin.workflows.board import listing
from talentfin.workflows.board import partner
from talentfin.workflows.board.labels import BROKER
from talentfin.workflows.board.labels import BROKER_APPROVER
from talentfin.workflows.board.labels import COMMITTEE
from talentfin.workflows.board.labels import OFFICER
from talentfin.workflows.eligibility import programme_problems
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

BROKERS = (BROKER, BROKER_APPROVER)
POOL_ADMIN, POOL_COMMITTEE = "pool_admin", "pool_committee"


def eligible(ctx) -> str | None:
    """The programme's eligibility rules."""
    problems = programme_problems(ctx.application, ctx.today)
    return " ".join(problems) if problems else None


OPEN = ("draft", "park_review", "info_requested", "broker_dd", "broker_info_requested",
        "broker_approval")
SUBMISSION = (common.attachments_complete, listing.request_complete, eligible,
              partner.broker_takes_applications)

STATES = (
    State("draft", _l("Listing application (draft)"), founder_holds=True),
    State("park_review", _l("Park review"), actor="park_reviewer", sla=Sla("pool_admin")),
    State("info_requested", _l("Information requested"), founder_holds=True),
    State("broker_dd", _l("Recommending institution's due diligence"), actor=BROKER,
          sla=Sla(BROKER_APPROVER)),
    State("broker_info_requested", _l("Information requested by the recommending "
                                      "institution"), founder_holds=True),
    State("broker_approval", _l("Awaiting the recommending institution's approval"),
          actor=BROKER_APPROVER, sla=Sla(BROKER_APPROVER)),
    State("exchange_review", _l("Exchange's listing review"), actor=OFFICER,
          sla=Sla("exchange_approver")),
    State("committee_review", _l("Before the listing committee"), actor=COMMITTEE,
          sla=Sla("exchange_approver")),
    State("listed", _l("Listed")),
    State("reward_review", _l("Financing reward under review"), actor=POOL_ADMIN,
          sla=Sla(POOL_COMMITTEE)),
    State("reward_approval", _l("Financing reward awaiting the decision"),
          actor=POOL_COMMITTEE, sla=Sla(POOL_COMMITTEE)),
    State("delisting_review", _l("Delisting proposed"), actor=COMMITTEE,
          sla=Sla("exchange_approver")),
    State("delisted", _l("Delisted"), terminal=True),
    State("transferred", _l("Transferred to a higher market"), terminal=True),
    State("declined", _l("Not recommended"), terminal=True),
    State("refused", _l("Listing refused"), terminal=True),
    State("rejected", _l("Rejected"), terminal=True),
    State("withdrawn", _l("Withdrawn"), terminal=True),
    State("expired", _l("Expired"), terminal=True),
)

TRANSITIONS = (
    *common.park_route("broker_dd", SUBMISSION, partner.broker_takes_applications,
                       submit_label=_l("Submit the listing application"),
                       recommend_label=_l("Recommend to the recommending institution")),
    *common.partner_info_request("broker", ("broker_dd", "broker_approval"), "broker_dd",
                                 BROKERS, _l("Resubmit to the recommending institution"),
                                 (listing.request_complete,)),
    T("broker_submit", ("broker_dd",), "broker_approval", (BROKER,),
      _l("Submit the due diligence for approval"), guards=(listing.dd_papers,),
      form="decision", style="success", internal=True),
    T("broker_return", ("broker_approval",), "broker_dd", (BROKER_APPROVER,),
      _l("Return to the recommending officer"), guards=(common.comment_given,),
      form="decision", style="secondary", internal=True),
    T("broker_recommend", ("broker_approval",), "exchange_review", (BROKER_APPROVER,),
      _l("Recommend the firm to the exchange"), guards=(listing.dd_papers,),
      effects=(listing.route_to_exchange,), form="decision",
      dossier="broker_recommendation", decides=True, style="success"),
    T("broker_decline", ("broker_dd", "broker_approval"), "declined", BROKERS,
      _l("Do not recommend"), guards=(common.comment_given,), form="decision",
      dossier="broker_recommendation", decides=True, style="danger", outcome=REFUSE),
    T("exchange_pass", ("exchange_review",), "committee_review", (OFFICER,),
      _l("Pass to the listing committee"), form="decision", style="success", internal=True),
    T("exchange_refuse", ("exchange_review", "committee_review"), "refused",
      (OFFICER, COMMITTEE), _l("Refuse the listing"), guards=(common.comment_given,),
      form="decision", dossier="listing_notice", decides=True, style="danger", outcome=REFUSE),
    T("approve_listing", ("committee_review",), "listed", (COMMITTEE,), _l("List the firm"),
      guards=(listing.listing_valid,), effects=(listing.record_listing,), form="listing",
      dossier="listing_notice", decides=True, style="success", outcome=APPROVE),
    T("move_tier", ("listed",), "listed", (OFFICER,), _l("Move to another tier"),
      guards=(listing.tier_move_valid,), effects=(listing.record_tier,), form="tier_move",
      style="secondary", queued=False),
    T("request_reward", ("listed",), "reward_review", (FOUNDER,),
      _l("Ask for the financing reward"), guards=(financing.reward_requestable,),
      effects=(financing.record_request,), form="reward_request", style="success",
      queued=False),
    T("recommend_reward", ("reward_review",), "reward_approval", (POOL_ADMIN,),
      _l("Recommend the reward"), guards=(financing.reward_still_earned,),
      effects=(financing.record_recommendation,), form="decision", style="success",
      internal=True),
    T("approve_reward", ("reward_approval",), "listed", (POOL_COMMITTEE,),
      _l("Approve and pay the reward"),
      guards=(financing.not_maker, financing.reward_still_earned),
      effects=(financing.pay,), form="decision", dossier="reward_decision", decides=True,
      style="success"),
    T("decline_reward", ("reward_review", "reward_approval"), "listed",
      (POOL_ADMIN, POOL_COMMITTEE), _l("Decline the reward"), guards=(common.comment_given,),
      form="decision", dossier="reward_decision", decides=True, style="danger"),
    T("propose_delisting", ("listed",), "delisting_review", (OFFICER,),
      _l("Propose delisting"), guards=(listing.delisting_reason_valid,),
      effects=(listing.record_reason,), form="delisting", style="danger", queued=False),
    T("flag_late_disclosure", ("listed",), "delisting_review", (SYSTEM,),
      _l("Propose delisting (annual report late)"), guards=(disclosure.delisting_due,),
      effects=(listing.record_reason,), job="propose_delistings"),
    T("delist", ("delisting_review",), "delisted", (COMMITTEE,), _l("Delist the firm"),
      guards=(common.comment_given,), effects=(listing.record_end,), form="decision",
      dossier="delisting_notice", decides=True, style="danger"),
    T("keep_listed", ("delisting_review",), "listed", (COMMITTEE,), _l("Keep the listing"),
      guards=(common.comment_given,), form="decision", style="secondary"),
    T("transfer_up", ("listed",), "transferred", (OFFICER,),
      _l("Record the transfer to a higher market"), guards=(listing.transfer_valid,),
      effects=(listing.record_transfer,), form="transfer", style="success", queued=False),
    common.withdrawal(OPEN),
    common.expiry("broker"),
)

WORKFLOW = Workflow(product="board", initial="draft", states=STATES, transitions=TRANSITIONS)
