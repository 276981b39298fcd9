"""人才险, talent insurance: quotes, underwriting, the policy, its premiums and their
subsidy, and its claims; a loan-guarantee policy follows one talent loan.

``INSURANCE`` is everything the core knows of it; ``talentfin.programme`` registers it.
"""

from talentfin.i18n import _l
from talentfin.pool.offsets import EXTENSION as POOL_OFFSETS
from talentfin.workflows.firm import FIRM_HEADINGS
from talentfin.workflows.insurance import bench
from talentfin.workflows.insurance import demo
from talentfin.workflows.insurance import eligibility
from talentfin.workflows.insurance import firm
from talentfin.workflows.insurance import keys
from talentfin.workflows.insurance import labels
from talentfin.workflows.insurance import page
from talentfin.workflows.insurance import partner
from talentfin.workflows.insurance import premiums
from talentfin.workflows.insurance import summary
from talentfin.workflows.insurance.cover import OFFSET
from talentfin.workflows.insurance.definition import WORKFLOW
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.spec import Party
from talentfin.workflows.spec import Product

INSURANCE = Product(
    key="insurance",
    label=_l("Talent insurance"),
    model=InsuranceApplication,
    workflow=WORKFLOW,
    parties={
        "park": Party("park_id", "submitted_at"),
        "insurer": Party("partner_org_id", "partner_routed_at"),
        # The pool sees a policy once its premium subsidy is asked for.
        "pool": Party(None, "pool_since", follows="subsidy_requested_at",
                      reached_by=premiums.record_subsidy_request),
    },
    partner_kind="insurer",
    documents=labels.DOCUMENTS,
    dossiers=labels.DOSSIERS,
    fields=labels.FIELDS,
    snapshot_labels=labels.SNAPSHOT_LABELS,
    reference_prefix="RCX",
    request_form="insurance_request",
    policy_keys=keys.POLICY_KEYS,
    hooks={"summary": summary.summary, "snapshot": summary.snapshot, "page": page.page,
           "firm": firm.firm,
           "eligibility": eligibility.eligibility_problems,
           "partner_refusal": partner.partner_refusal},
    jobs={"expire_info_requests": {"hour": 1, "minute": 5},
          "expire_counter_offers": {"hour": 1, "minute": 45},
          "lapse_unpaid_policies": {"hour": 1, "minute": 50},
          "end_policies": {"hour": 1, "minute": 55}},
    extensions={POOL_OFFSETS: OFFSET, FIRM_HEADINGS: firm.HEADINGS},
    demo=demo,
    bench=bench,
)

__all__ = ["INSURANCE", "InsuranceApplication"]
