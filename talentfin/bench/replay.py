"""The engine's effects (``talentfin.workflows.effects``) replayed on plain rows.

Each function fills the columns its namesake sets during a real firing and returns what
the real firing writes into the transition log's payload.
"""

from talentfin.demo import demo_uscc
from talentfin.models import REQUIRED_LOAN_ATTACHMENTS


def _snapshot(row: dict, company: dict) -> dict:
    """The shape of ``effects.application_snapshot``, so rows are as wide as real ones."""
    return {
        "requested_amount_fen": row["requested_amount_fen"],
        "requested_term_months": row["requested_term_months"], "purpose": row["purpose"],
        "details": row["details"],
        "enterprise": {"name": company["name"], "uscc": demo_uscc(company["enterprise_id"]),
                       "address": "青岛市崂山区科苑纬一路1号", "employees": 20},
        "talent": {"tier": company["tier"], "certificate_no": f"RC-{company['enterprise_id']:08d}",
                   "issuer": "青岛市人才工作领导小组办公室", "equity_bp": 5100},
        "attachments": {kind: {"name": f"{kind}.pdf", "sha256": f"{row['id']:064x}"}
                        for kind in REQUIRED_LOAN_ATTACHMENTS},
    }


def _mark_submitted(row, at, actor, company, rng) -> dict:
    row["submitted_at"] = row["submitted_at"] or at
    row["park_id"] = company["park_id"]
    row["talent_tier"] = company["tier"]
    previous, row["submitted_snapshot"] = row["submitted_snapshot"], _snapshot(row, company)
    row.update(info_request=None, claimed_by_id=None, claimed_at=None)
    return {"previous_snapshot": previous, "snapshot": row["submitted_snapshot"]}


def _route_to_partner(row, at, actor, company, rng) -> dict:
    row["partner_routed_at"] = at
    return {}


def _record_info_request(row, at, actor, company, rng) -> dict:
    asked = {"fields": ["annual_revenue"], "documents": ["financial_statements"]}
    row["info_request"] = {**asked, "note": "请补充近一年经审计的财务报表。", "by_role": "reviewer"}
    return asked


def _record_recommendation(row, at, actor, company, rng) -> dict:
    terms = {"amount_fen": row["requested_amount_fen"], "rate_bp": rng.randrange(300, 381, 5),
             "term_months": row["requested_term_months"]}
    row.update(recommended_amount_fen=terms["amount_fen"], recommended_rate_bp=terms["rate_bp"],
               recommended_term_months=terms["term_months"], recommended_by_id=actor)
    return terms


def _record_approval(row, at, actor, company, rng) -> dict:
    row["decided_by_id"] = actor
    return {}


def _record_contract(row, at, actor, company, rng) -> dict:
    row.update(contract_no=f"HT{at:%Y}{row['id']:07d}", contract_signed_on=at.date())
    return {"contract_no": row["contract_no"], "signed_on": at.date().isoformat()}


def _record_disbursement(row, at, actor, company, rng) -> dict:
    amount = row["recommended_amount_fen"] or row["requested_amount_fen"]
    row.update(disbursed_amount_fen=amount, disbursed_on=at.date())
    return {"amount_fen": amount, "disbursed_on": at.date().isoformat()}


def _record_filing(row, at, actor, company, rng) -> dict:
    row.update(filed_on=at.date(), filing_no=f"BA{at:%Y}{row['id']:07d}")
    return {}


EFFECTS = {  # an effect missing here leaves the row as it is
    "mark_submitted": _mark_submitted, "route_to_partner": _route_to_partner,
    "record_info_request": _record_info_request, "record_recommendation": _record_recommendation,
    "record_approval": _record_approval, "record_contract": _record_contract,
    "record_disbursement": _record_disbursement, "record_filing": _record_filing,
}
