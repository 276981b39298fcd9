"""The common route's effects (``talentfin.workflows.common``) replayed on plain rows.

Each function fills the columns its namesake sets during a real firing and returns what
the real firing writes into the transition log's payload. They touch only the envelope's
columns; what is the product's (its snapshot fields, what a reviewer asks for, its own
effects) comes from the product's benchmark profile.
"""

from talentfin.demo import demo_uscc
from talentfin.workflows import common
from talentfin.workflows.registry import product_for
from talentfin.workflows.spec import Effect
from talentfin.workflows.spec import Product


def _snapshot(row: dict, company: dict) -> dict:
    """The shape of ``common.application_snapshot``, so rows are as wide as real ones."""
    product = product_for(row["product"])
    return {
        "requested_amount_fen": row["requested_amount_fen"], "purpose": row["purpose"],
        "details": row["details"], **product.bench.snapshot(row),
        "enterprise": {"name": company["name"], "uscc": demo_uscc(company["enterprise_id"]),
                       "address": "青岛市崂山区科苑纬一路1号", "employees": 20},
        "talent": {"tier": company["tier"], "certificate_no": f"RC-{company['enterprise_id']:08d}",
                   "issuer": "青岛市人才工作领导小组办公室", "equity_bp": 5100},
        "attachments": {kind: {"name": f"{kind}.pdf", "sha256": f"{row['id']:064x}"}
                        for kind in product.required_documents},
    }


def _route_to_park(row, at, actor, company, rng) -> dict:
    row["park_id"] = company["park_id"]
    row["talent_tier"] = company["tier"]
    return {}


def _mark_submitted(row, at, actor, company, rng) -> dict:
    row["submitted_at"] = row["submitted_at"] or at
    previous, row["submitted_snapshot"] = row["submitted_snapshot"], _snapshot(row, company)
    row["info_request"] = None
    return {"previous_snapshot": previous, "snapshot": row["submitted_snapshot"]}


def _route_to_partner(row, at, actor, company, rng) -> dict:
    row["partner_routed_at"] = at
    return {}


def _record_info_request(row, at, actor, company, rng) -> dict:
    asked = dict(product_for(row["product"]).bench.INFO_REQUEST)
    note = asked.pop("note")
    row["info_request"] = {**asked, "note": note, "by_role": "reviewer"}
    return asked


def _unchanged(row, at, actor, company, rng) -> dict:
    return {}


COMMON = {
    common.route_to_park: _route_to_park, common.mark_submitted: _mark_submitted,
    common.route_to_partner: _route_to_partner,
    common.record_info_request: _record_info_request,
}


def replay(product: Product, effect: Effect):
    """The replay of an effect: the common route's or the product's own (its profile's).

    An effect neither replays (servicing reports, the pool's) leaves the row as it is.
    """
    return COMMON.get(effect) or product.bench.EFFECTS.get(effect, _unchanged)
