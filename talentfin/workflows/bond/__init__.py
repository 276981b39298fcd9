"""人才债, talent bonds: a bond issued by the district's platform company through an
underwriter (product ``bond_issue``, its own route), and the firms' allocations of its
proceeds (product ``bond``, a founder's application through the common route).

``BOND_ISSUE`` and ``BOND`` are everything the core knows of them; ``talentfin.programme``
registers both, the bond first.
"""

from talentfin.i18n import _l
from talentfin.workflows.bond import allocation
from talentfin.workflows.bond import bench
from talentfin.workflows.bond import demo
from talentfin.workflows.bond import firm
from talentfin.workflows.bond import issue_demo
from talentfin.workflows.bond import keys
from talentfin.workflows.bond import labels
from talentfin.workflows.bond import page
from talentfin.workflows.bond import partner
from talentfin.workflows.bond import summary
from talentfin.workflows.bond.definition import ISSUE_WORKFLOW
from talentfin.workflows.bond.definition import WORKFLOW
from talentfin.workflows.bond.labels import COMMITTED
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.firm import FIRM_HEADINGS
from talentfin.workflows.loan.terms import OUTSTANDING
from talentfin.workflows.spec import Party
from talentfin.workflows.spec import Product

BOND_ISSUE = Product(
    key="bond_issue",
    label=_l("Talent bond (the bond)"),
    model=BondIssue,
    workflow=ISSUE_WORKFLOW,
    parties={
        "underwriter": Party("partner_org_id", "partner_routed_at"),
        "issuer": Party("issuer_org_id", "created_at"),
    },
    partner_kind="underwriter",
    documents=labels.ISSUE_DOCUMENTS,
    dossiers=labels.ISSUE_DOSSIERS,
    reference_prefix="ZQ",
    hooks={"summary": summary.issue_summary, "page": page.issue_page,
           "partner_refusal": partner.partner_refusal},
    founders_apply=False,
    demo=issue_demo,
)

BOND = Product(
    key="bond",
    label=_l("Talent bond"),
    model=BondAllocation,
    workflow=WORKFLOW,
    parties={
        "park": Party("park_id", "submitted_at"),
        "underwriter": Party("partner_org_id", "partner_routed_at"),
    },
    partner_kind="underwriter",
    documents=labels.DOCUMENTS,
    dossiers=labels.DOSSIERS,
    fields=labels.FIELDS,
    snapshot_labels=labels.SNAPSHOT_LABELS,
    reference_prefix="RCZ",
    request_form="bond_request",
    policy_keys=keys.POLICY_KEYS,
    hooks={"summary": summary.summary, "snapshot": summary.snapshot, "page": page.page,
           "firm": firm.firm, "prescreen": allocation.prescreen_problems,
           "partner_refusal": partner.partner_refusal},
    jobs={"expire_info_requests": {"hour": 1, "minute": 5}},
    extensions={OUTSTANDING: COMMITTED, FIRM_HEADINGS: firm.HEADINGS},
    demo=demo,
    bench=bench,
)

__all__ = ["BOND", "BOND_ISSUE", "BondAllocation", "BondIssue"]
