"""The pool's part of a covered application's dossiers: its latest claim and the recoveries."""

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.pool.claims import latest_claim
from talentfin.pool.cover import cover_for
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import Recovery
from talentfin.workflows.dossiers import iso


def payout_split(entry_id: int) -> list[dict]:
    """A payout's share per funder, then the ledger entry's sequence number and hash (the
    payment voucher's figures)."""
    entry = db.session.get(LedgerEntry, entry_id)
    names = {f.id: f.name for f in db.session.scalars(select(Funder))}
    split = [{"funder": names.get(line.funder_id, ""), "amount_fen": -line.amount_fen}
             for line in entry.lines if line.funder_id is not None]
    split.append({"entry_seq": entry.seq, "entry_hash": entry.row_hash})
    return split


def claim_summary(application: Application) -> dict:
    """The latest claim (with the funders' split of its payout) and the recoveries; empty
    when there is no claim."""
    claim = latest_claim(application.id)
    if claim is None:
        return {}
    recoveries = db.session.scalars(select(Recovery).where(
        Recovery.application_id == application.id).order_by(Recovery.id))
    split = payout_split(claim.payout_entry_id) if claim.payout_entry_id else []
    return {
        "claim": {
            "id": claim.id, "status": claim.status, "loss_fen": claim.principal_loss_fen,
            "other_fen": claim.other_compensation_fen, "insured_fen": claim.insured_fen,
            "ratio_bp": claim.ratio_bp,
            "payout_fen": claim.payout_fen, "calculation": claim.calculation,
            "policy_on": iso(claim.policy_on), "split": split,
            "outstanding_fen": cover_for(application.product).outstanding_of(application),
        },
        "recoveries": [
            {"on": iso(r.received_on), "gross_fen": r.gross_fen, "costs_fen": r.costs_fen,
             "returned_fen": r.returned_fen} for r in recoveries
        ],
    }
