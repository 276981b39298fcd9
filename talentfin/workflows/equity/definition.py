"""人才投 (talent equity): from the founder's application to the fund's exit.

The common route (draft, park review, requests for information, withdrawal, expiry), then
the fund: the investment manager's prescreen, project approval (立项) by the fund's
approver, due diligence in three workstreams, the valuation, the investment committee's
meeting and named votes, the publicity period (公示), the agreement signed, the money paid
in, post-investment monitoring with the reports the firm owes, and the exit.
"""

from talentfin.i18n import _l
from talentfin.workflows import common
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import deal
from talentfin.workflows.equity import diligence
from talentfin.workflows.equity import partner
from talentfin.workflows.equity import request
from talentfin.workflows.equity import valuation
from talentfin.workflows.equity.labels import APPROVER
from talentfin.workflows.equity.labels import COMMITTEE
from talentfin.workflows.equity.labels import FUND_STAFF
from talentfin.workflows.equity.labels import MANAGER
from talentfin.workflows.spec import APPROVE
from talentfin.workflows.spec import REFUSE
from talentfin.workflows.spec import SYSTEM
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

OPEN = ("draft", "park_review", "info_requested", "prescreen", "project_approval",
        "fund_info_requested", "due_diligence", "valuation", "ic_review")
SUBMISSION = (common.attachments_complete, request.request_complete, request.eligible,
              partner.fund_takes_applications)

STATES = (
    State("draft", _l("Application (draft)"), founder_holds=True),
    State("park_review", _l("Park review"), actor="park_reviewer", sla=Sla("pool_admin")),
    State("info_requested", _l("Information requested"), founder_holds=True),
    State("prescreen", _l("Prescreen by the investment manager"), actor=MANAGER,
          sla=Sla(APPROVER)),
    State("project_approval", _l("Project approval (立项)"), actor=APPROVER,
          sla=Sla(APPROVER)),
    State("fund_info_requested", _l("Information requested by the fund"),
          founder_holds=True),
    State("due_diligence", _l("Due diligence"), actor=MANAGER, sla=Sla(APPROVER)),
    State("valuation", _l("Valuation to be filed"), actor=MANAGER, sla=Sla(APPROVER)),
    State("ic_review", _l("Before the investment committee"), actor=COMMITTEE,
          sla=Sla(APPROVER), collective=True),
    State("publicity", _l("Publicity period (公示)")),
    State("signing", _l("Investment agreement to be signed"), actor=MANAGER,
          sla=Sla(APPROVER)),
    State("signed", _l("Signed: funding due"), actor=MANAGER, sla=Sla(APPROVER)),
    State("monitoring", _l("Invested: post-investment monitoring")),
    State("exit_approval", _l("Exit awaiting approval"), actor=APPROVER, sla=Sla(APPROVER)),
    State("exited", _l("Exited"), terminal=True),
    State("declined", _l("Declined by the fund"), terminal=True),
    State("ic_rejected", _l("Not approved by the investment committee"), terminal=True),
    State("rejected", _l("Rejected"), terminal=True),
    State("withdrawn", _l("Withdrawn"), terminal=True),
    State("expired", _l("Expired"), terminal=True),
)

TRANSITIONS = (
    *common.park_route("prescreen", SUBMISSION, partner.fund_takes_applications,
                       submit_label=_l("Submit the application"),
                       recommend_label=_l("Recommend to the fund")),
    T("prescreen_pass", ("prescreen",), "project_approval", (MANAGER,),
      _l("Pass the prescreen: propose the project"), guards=(common.comment_given,),
      form="decision", style="success", internal=True),
    T("prescreen_decline", ("prescreen",), "declined", (MANAGER,), _l("Decline the investment"),
      guards=(common.comment_given,), form="decision", style="danger", outcome=REFUSE),
    *common.partner_info_request("fund", ("prescreen",), "prescreen", FUND_STAFF,
                                 _l("Resubmit to the fund"), (request.request_complete,)),
    T("approve_project", ("project_approval",), "due_diligence", (APPROVER,),
      _l("Approve the project (立项): start due diligence"),
      guards=(diligence.owners_valid,), effects=(diligence.open_workstreams,),
      form="project_approval", dossier="project_approval", decides=True, style="success"),
    T("return_project", ("project_approval",), "prescreen", (APPROVER,),
      _l("Return to the investment manager"), guards=(common.comment_given,),
      form="decision", style="secondary", internal=True),
    T("decline_project", ("project_approval",), "declined", (APPROVER,),
      _l("Decline the project"), guards=(common.comment_given,), form="decision",
      dossier="project_approval", decides=True, style="danger", outcome=REFUSE),
    T("complete_dd", ("due_diligence",), "valuation", (MANAGER,),
      _l("Complete due diligence"),
      guards=(diligence.diligence_complete, diligence.red_flags_answered),
      form="decision", dossier="dd_summary", decides=True, style="success"),
    T("dd_decline", ("due_diligence",), "declined", (APPROVER,),
      _l("Decline after due diligence"), guards=(common.comment_given,), form="decision",
      dossier="dd_summary", decides=True, style="danger", outcome=REFUSE),
    T("file_valuation", ("valuation",), "ic_review", (MANAGER,),
      _l("File the valuation for the committee"), guards=(valuation.valuation_valid,),
      effects=(valuation.record_valuation,), form="valuation", style="success"),
    T("ic_approve", ("ic_review",), "publicity", (COMMITTEE,),
      _l("Record the resolution: approved"), guards=(committee.resolution("approved"),),
      effects=(committee.close_meeting, deal.start_publicity), form="decision",
      dossier="ic_resolution", decides=True, style="success",
      when=committee.decided("approved"), outcome=APPROVE),
    T("ic_reject", ("ic_review",), "ic_rejected", (COMMITTEE,),
      _l("Record the resolution: not approved"), guards=(committee.resolution("rejected"),),
      effects=(committee.close_meeting,), form="decision", dossier="ic_resolution",
      decides=True, style="danger", when=committee.decided("rejected"), outcome=REFUSE),
    T("close_publicity", ("publicity",), "signing", (SYSTEM,),
      _l("End of the publicity period"), guards=(deal.publicity_over,),
      dossier="investment_notice", job="close_publicity"),
    T("uphold_objection", ("publicity",), "declined", (APPROVER,),
      _l("Uphold an objection: do not invest"), guards=(common.comment_given,),
      form="decision", style="danger", queued=False),
    T("sign", ("signing",), "signed", (MANAGER,), _l("Record the agreement signed"),
      guards=(deal.signing_valid,), effects=(deal.record_signing,), form="signing",
      style="success"),
    T("record_funding", ("signed",), "monitoring", (MANAGER,), _l("Record the money paid in"),
      guards=(deal.funding_valid,), effects=(deal.record_funding,), form="funding",
      style="success"),
    T("propose_exit", ("monitoring",), "exit_approval", (MANAGER,), _l("Propose the exit"),
      guards=(deal.exit_valid,), effects=(deal.record_exit_proposal,), form="exit",
      style="secondary", queued=False, internal=True),
    T("approve_exit", ("exit_approval",), "exited", (APPROVER,), _l("Approve the exit"),
      guards=(deal.not_own_exit,), effects=(deal.record_exit,), form="decision",
      dossier="exit_report", decides=True, style="success"),
    T("return_exit", ("exit_approval",), "monitoring", (APPROVER,),
      _l("Return the exit proposal"), guards=(common.comment_given,),
      effects=(deal.clear_exit_proposal,), form="decision", style="secondary", internal=True),
    common.withdrawal(OPEN, effects=(committee.end_open_meeting,)),
    common.expiry("fund"),
)

WORKFLOW = Workflow(product="equity", initial="draft", states=STATES, transitions=TRANSITIONS)
