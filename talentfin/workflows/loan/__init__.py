"""人才贷, the talent loan: the programme's first product.

``LOAN`` is everything the core knows of it; ``talentfin.programme`` registers it.
"""

from talentfin.i18n import _l
from talentfin.workflows.firm import FIRM_HEADINGS
from talentfin.workflows.loan import bench
from talentfin.workflows.loan import demo
from talentfin.workflows.loan import effects
from talentfin.workflows.loan import eligibility
from talentfin.workflows.loan import firm
from talentfin.workflows.loan import keys
from talentfin.workflows.loan import labels
from talentfin.workflows.loan import page
from talentfin.workflows.loan import partner
from talentfin.workflows.loan import summary
from talentfin.workflows.loan import terms
from talentfin.workflows.loan.cover import COVER
from talentfin.workflows.loan.definition import WORKFLOW
from talentfin.workflows.loan.models import LoanApplication
from talentfin.workflows.spec import Party
from talentfin.workflows.spec import Product

LOAN = Product(
    key="loan",
    label=_l("Talent loan"),
    model=LoanApplication,
    workflow=WORKFLOW,
    parties={
        "park": Party("park_id", "submitted_at"),
        "bank": Party("partner_org_id", "partner_routed_at"),
        # The pool sees a loan once it is paid out.
        "pool": Party(None, "pool_since", follows="disbursed_on",
                      reached_by=effects.record_disbursement),
    },
    partner_kind="bank",
    documents=labels.DOCUMENTS,
    dossiers=labels.DOSSIERS,
    fields=labels.FIELDS,
    snapshot_labels=labels.SNAPSHOT_LABELS,
    reference_prefix="RCD",
    request_form="loan_request",
    policy_keys=keys.POLICY_KEYS,
    hooks={"summary": summary.summary, "snapshot": summary.snapshot, "page": page.page,
           "firm": firm.firm,
           "eligibility": eligibility.eligibility_problems, "prescreen": terms.caps_room_problems,
           "partner_refusal": partner.partner_refusal, "policy_problem": keys.policy_problem},
    jobs={"expire_info_requests": {"hour": 1, "minute": 5},
          "lapse_unfiled_loans": {"hour": 1, "minute": 15},
          "classify_non_performing": {"hour": 1, "minute": 25}},
    extensions={"pool": COVER, FIRM_HEADINGS: firm.HEADINGS},
    demo=demo,
    bench=bench,
    webhook_events=labels.WEBHOOK_EVENTS,
    api_scopes=labels.API_SCOPES,
)

__all__ = ["LOAN", "LoanApplication"]
