"""人才试 (a trial product): the common route's start, then a lab of its own kind decides.

Four states, its own kind of partner organisation ("lab", with a reviewer and a head who
supervises) and its own dossier; registered only by the tests' ``trial`` fixture.
"""

from talentfin.i18n import _l
from talentfin.institutions import STAFF
from talentfin.institutions import Kind
from talentfin.institutions import Role
from talentfin.models import Application
from talentfin.workflows import common
from talentfin.workflows.spec import DocumentKind
from talentfin.workflows.spec import DossierKind
from talentfin.workflows.spec import Party
from talentfin.workflows.spec import Product
from talentfin.workflows.spec import Sla
from talentfin.workflows.spec import State
from talentfin.workflows.spec import Transition as T
from talentfin.workflows.spec import Workflow

LAB = Kind("lab", _l("Laboratory"), partner=True)
LAB_ROLES = (Role("lab_reviewer", _l("Lab reviewer"), "实验室审核人", "lab", STAFF),
             Role("lab_head", _l("Lab head"), "实验室负责人", "lab", STAFF, supervises=True))


class TrialApplication(Application):
    """A trial application: no table of its own (single-table inheritance on the envelope)."""

    __mapper_args__ = {"polymorphic_identity": "trial"}


WORKFLOW = Workflow(product="trial", initial="draft", states=(
    State("draft", _l("Draft"), founder_holds=True),
    State("park_review", _l("Park review"), actor="park_reviewer", sla=Sla("pool_admin")),
    State("lab_review", _l("Lab review"), actor="lab_reviewer", sla=Sla("lab_head")),
    State("done", _l("Granted"), terminal=True),
    State("declined", _l("Declined"), terminal=True),
), transitions=(
    T("submit", ("draft",), "park_review", ("founder",), _l("Submit application"),
      guards=(common.attachments_complete,), effects=(common.route_to_park,
                                                       common.mark_submitted),
      dossier="form", style="success", submits=True),
    T("park_approve", ("park_review",), "lab_review", ("park_reviewer",),
      _l("Recommend to the lab"), effects=(common.route_to_partner,), form="decision",
      dossier="form", decides=True),
    T("grant", ("lab_review",), "done", ("lab_reviewer",), _l("Grant"), form="decision",
      dossier="lab_decision", decides=True, style="success"),
    T("decline", ("lab_review",), "declined", ("lab_reviewer", "lab_head"), _l("Decline"),
      guards=(common.comment_given,), form="decision", dossier="lab_decision", decides=True,
      style="danger"),
))

TRIAL = Product(
    key="trial", label=_l("Talent trial"), model=TrialApplication, workflow=WORKFLOW,
    parties={"park": Party("park_id", "submitted_at"),
             "lab": Party("partner_org_id", "partner_routed_at")},
    partner_kind="lab",
    documents=(DocumentKind("plan", _l("Trial plan"), required=True),),
    dossiers={"form": DossierKind(_l("Trial form"), "pdf/trial/form.html"),
              "lab_decision": DossierKind(_l("Lab decision"), "pdf/trial/form.html")},
    reference_prefix="TRY",
    hooks={"partner_refusal": lambda org, locale: f"{org.name} takes no trials."},
)
