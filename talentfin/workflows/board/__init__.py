"""人才板, the talent board: a firm listed on the regional equity exchange's talent board
through its park, a recommending institution and the exchange; then its financings, the
financing reward, its annual reports, tier moves and the end of the listing.

``BOARD`` is everything the core knows of it; ``talentfin.programme`` registers it.
"""

from talentfin.i18n import _l
from talentfin.workflows.board import bench
from talentfin.workflows.board import demo
from talentfin.workflows.board import financing
from talentfin.workflows.board import firm
from talentfin.workflows.board import keys
from talentfin.workflows.board import labels
from talentfin.workflows.board import listing
from talentfin.workflows.board import page
from talentfin.workflows.board import partner
from talentfin.workflows.board import summary
from talentfin.workflows.board.definition import WORKFLOW
from talentfin.workflows.board.disclosure import documents_due
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.eligibility import programme_problems
from talentfin.workflows.firm import FIRM_HEADINGS
from talentfin.workflows.spec import Party
from talentfin.workflows.spec import Product

BOARD = Product(
    key="board",
    label=_l("Talent board"),
    model=BoardListing,
    workflow=WORKFLOW,
    parties={
        "park": Party("park_id", "submitted_at"),
        "broker": Party("partner_org_id", "partner_routed_at"),
        # The programme has one exchange; it sees a file once it is recommended to it.
        "exchange": Party(None, "exchange_since", follows="exchange_routed_at",
                          reached_by=listing.route_to_exchange),
        # The programme's administrators see a listing once it asks for a reward.
        "pool": Party(None, "pool_since", follows="reward_requested_at",
                      reached_by=financing.record_request),
    },
    partner_kind="broker",
    documents=labels.DOCUMENTS,
    dossiers=labels.DOSSIERS,
    fields=labels.FIELDS,
    snapshot_labels=labels.SNAPSHOT_LABELS,
    reference_prefix="RCB",
    request_form="board_request",
    policy_keys=keys.POLICY_KEYS,
    hooks={"summary": summary.summary, "snapshot": summary.snapshot, "page": page.page,
           "firm": firm.firm,
           "eligibility": programme_problems, "prescreen": listing.holders_problems,
           "partner_refusal": partner.partner_refusal,
           "documents_due": documents_due},
    jobs={"expire_info_requests": {"hour": 1, "minute": 5},
          "propose_delistings": {"hour": 2, "minute": 5}},
    demo=demo,
    bench=bench,
    extensions={FIRM_HEADINGS: firm.HEADINGS},
)

__all__ = ["BOARD", "BoardListing"]
