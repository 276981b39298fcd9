"""人才债's part of its dossiers' frozen summary and of the resubmission snapshot."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models.base import sum_fen
from talentfin.workflows.bond import servicing
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.dossiers import iso


def _bond(bond: BondIssue | None) -> dict | None:
    if bond is None:
        return None
    return {"name": bond.name, "code": bond.code, "issuer": bond.issuer.name,
            "registration_no": bond.registration_no, "registered_on": iso(bond.registered_on),
            "size_fen": bond.size_fen, "coupon_bp": bond.coupon_bp,
            "term_months": bond.term_months, "coupon_months": bond.coupon_months,
            "issued_on": iso(bond.issued_on), "matures_on": iso(bond.matures_on),
            "allocated_fen": bond.allocated_fen, "headroom_fen": bond.headroom_fen,
            "redeemed_on": iso(bond.redeemed_on),
            "coupon_dates": [iso(day) for day in bond.coupon_dates()]}


def issue_summary(bond: BondIssue) -> dict:
    """The bond, and its allocations by state with their amounts."""
    rows = db.session.execute(select(
        BondAllocation.status, func.count(), sum_fen(BondAllocation.allocated_fen))
        .where(BondAllocation.bond_id == bond.id).group_by(BondAllocation.status)).all()
    return {"bond": _bond(bond),
            "allocations": [{"status": status, "count": count, "allocated_fen": amount}
                            for status, count, amount in sorted(rows)]}


def summary(app: BondAllocation) -> dict:
    """The bond, the term asked, the underwriter's terms, the contract and the money."""
    return {
        "request": {"term_months": app.requested_term_months},
        "bond": _bond(app.bond),
        "terms": {"amount_fen": app.recommended_amount_fen, "rate_bp": app.onlending_rate_bp,
                  "term_months": app.term_months, "allocated_fen": app.allocated_fen,
                  "spread_bp": (app.onlending_rate_bp - app.bond.coupon_bp)
                  if app.onlending_rate_bp and app.bond and app.bond.coupon_bp else None},
        "contract": {"no": app.contract_no, "signed_on": iso(app.contract_signed_on),
                     "disbursed_on": iso(app.disbursed_on),
                     "disbursed_fen": app.disbursed_amount_fen},
        "servicing": _servicing(app),
    }


def _servicing(app: BondAllocation) -> dict | None:
    """The on-lent loan once paid out: what is owed, arrears, and a default's layers."""
    if app.disbursed_on is None:
        return None
    repayments = servicing.repayments_of(app)
    draws = servicing.draws_of(app)
    result = {"outstanding_fen": app.outstanding, "overdue_since": iso(app.overdue_since),
              "classification": app.classification,
              "principal_repaid_fen": sum(r.principal_fen for r in repayments),
              "interest_paid_fen": sum(r.interest_fen for r in repayments),
              "repayments": len(repayments),
              "spread_to_reserve_fen": servicing.spread_received(app),
              "defaulted_on": iso(app.defaulted_on), "loss_fen": app.loss_fen,
              "draws": {kind: draws.get(kind, 0) for kind, _account in servicing.LAYERS}}
    if app.defaulted_on is not None and app.bond is not None:
        layers = servicing.layers(app.bond, app.defaulted_on)
        result["bond_layers"] = {
            "reserve_left_fen": layers.reserve_fen,
            "government_share_fen": layers.government_share_fen,
            "government_left_fen": layers.government_left_fen,
            "issuer_drawn_fen": layers.issuer_drawn_fen}
    return result


def snapshot(app: BondAllocation) -> dict:
    """The allocation's founder-editable fields (beside the common ones)."""
    return {"bond_id": app.bond_id, "requested_term_months": app.requested_term_months}
