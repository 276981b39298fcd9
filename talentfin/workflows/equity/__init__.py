"""人才投, talent equity: the state-owned fund's investment in a talent's firm, from the
prescreen through due diligence, the investment committee and the publicity period to the
money paid in, the portfolio's reports and the exit.

``EQUITY`` is everything the core knows of it; ``talentfin.programme`` registers it.
"""

from talentfin.i18n import _l
from talentfin.workflows.equity import bench
from talentfin.workflows.equity import demo
from talentfin.workflows.equity import firm
from talentfin.workflows.equity import keys
from talentfin.workflows.equity import labels
from talentfin.workflows.equity import page
from talentfin.workflows.equity import partner
from talentfin.workflows.equity import request
from talentfin.workflows.equity import steps
from talentfin.workflows.equity import summary
from talentfin.workflows.equity.definition import WORKFLOW
from talentfin.workflows.equity.models import EquityApplication
from talentfin.workflows.equity.monitoring import documents_due
from talentfin.workflows.firm import FIRM_HEADINGS
from talentfin.workflows.spec import Party
from talentfin.workflows.spec import Product

EQUITY = Product(
    key="equity",
    label=_l("Talent equity"),
    model=EquityApplication,
    workflow=WORKFLOW,
    parties={
        "park": Party("park_id", "submitted_at"),
        "fund": Party("partner_org_id", "partner_routed_at"),
    },
    partner_kind="fund",
    documents=labels.DOCUMENTS,
    dossiers=labels.DOSSIERS,
    fields=labels.FIELDS,
    snapshot_labels=labels.SNAPSHOT_LABELS,
    reference_prefix="RCT",
    request_form="equity_request",
    policy_keys=keys.POLICY_KEYS,
    hooks={"summary": summary.summary, "snapshot": summary.snapshot, "page": page.page,
           "firm": firm.firm,
           "eligibility": request.eligibility_problems,
           "partner_refusal": partner.partner_refusal,
           "documents_due": documents_due, "steps": steps.steps},
    jobs={"expire_info_requests": {"hour": 1, "minute": 5},
          "close_publicity": {"hour": 1, "minute": 40}},
    demo=demo,
    bench=bench,
    extensions={FIRM_HEADINGS: firm.HEADINGS},
)

__all__ = ["EQUITY", "EquityApplication"]
