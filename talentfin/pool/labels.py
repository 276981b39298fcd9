"""The pool's words: claim, subsidy and standing statuses, ledger kinds and accounts, and
how a claim's payout was computed, in the reader's language."""

import json

from talentfin.i18n import _l
from talentfin.i18n import list_separator
from talentfin.money import format_fen
from talentfin.money import format_rate_bp

CLAIM_STATUSES = {
    "lodged": _l("lodged, with the pool administrator"),
    "committee": _l("before the committee"),
    "returned": _l("returned to the bank"),
    "paid": _l("paid"),
    "rejected": _l("rejected"),
    "clawed_back": _l("clawed back"),
}
SUBSIDY_STATUSES = {
    "requested": _l("requested, with the pool administrator"),
    "paid": _l("paid"),
    "rejected": _l("refused"),
}
STANDINGS = {
    "active": _l("Active partner"),
    "suspended": _l("Suspended (no new filings)"),
    "terminated": _l("Partnership ended"),
}
ENTRY_KINDS = {
    "contribution": _l("Contribution"), "compensation_payout": _l("Compensation payout"),
    "recovery_receipt": _l("Recovery receipt"),
    "interest_subsidy_payout": _l("Interest subsidy payout"),
    "premium_subsidy_payout": _l("Premium subsidy payout"), "clawback": _l("Clawback"),
    "reversal": _l("Reversal"), "adjustment": _l("Adjustment"),
    "financing_reward": _l("Financing reward (programme budget)"),
    "bond_reserve_receipt": _l("Spread into a bond's risk reserve"),
    "bond_reserve_draw": _l("Bond default: drawn on the risk reserve"),
    "bond_government_draw": _l("Bond default: drawn on the government's share"),
    "bond_issuer_draw": _l("Bond default: borne by the issuer"),
}
ACCOUNTS = {
    "pool_cash": _l("Pool cash"), "funder_capital": _l("Funder capital"),
    "compensation_paid": _l("Compensation paid"),
    "compensation_recovered": _l("Compensation recovered"),
    "compensation_clawed_back": _l("Compensation clawed back"),
    "interest_subsidy_paid": _l("Interest subsidy paid"),
    "premium_subsidy_paid": _l("Premium subsidy paid"),
    "programme_budget": _l("Programme budget"),
    "financing_rewards": _l("Financing rewards paid"),
    "bond_risk_reserve": _l("Bond risk reserve"),
    "bond_spread_income": _l("Bond on-lending spread"),
    "bond_government_share": _l("Government's share of bond losses"),
    "bond_issuer_funds": _l("Bond issuer's own funds"),
    "bond_default_losses": _l("Bond default losses"),
}
# Why a bank's standing changed, when the system changed it (``StandingChange.reason_code``).
NPL_ABOVE_THRESHOLD = "npl_above_threshold"
BONUS_REASONS = {
    "first_loan": _l("the firm's first loan"),
    "pure_credit": _l("a pure credit loan"),
}


def _lookup(table: dict, key: str | None) -> str:
    return str(table.get(key or "", key or ""))


def claim_status_label(status: str | None) -> str:
    """Label of a claim's status."""
    return _lookup(CLAIM_STATUSES, status)


def subsidy_status_label(status: str | None) -> str:
    """Label of a subsidy request's status."""
    return _lookup(SUBSIDY_STATUSES, status)


def standing_label(standing: str | None) -> str:
    """Label of a partner's standing with the pool."""
    return _lookup(STANDINGS, standing)


def standing_reason(change) -> str:
    """Why a bank's standing changed, in the reader's language: a coded reason worded from
    its figures, else the text stored with the change (the committee's, or a reason
    stored as text before the codes)."""
    figures = change.figures or {}
    if change.reason_code != NPL_ABOVE_THRESHOLD:
        return change.reason or change.reason_code or ""
    if "threshold_bp" not in figures:
        return str(_l("Covered NPL ratio above the threshold."))
    return str(_l("Covered NPL ratio %(ratio)s, above the threshold of %(threshold)s, with a "
                  "covered balance of %(balance)s yuan (above %(size)s yuan).",
                  ratio=format_rate_bp(figures["npl_bp"]),
                  threshold=format_rate_bp(figures["threshold_bp"]),
                  balance=format_fen(figures["covered_fen"]),
                  size=format_fen(figures["balance_threshold_fen"])))


def _ratio_text(params: dict) -> str:
    """The ratio and why: "75.00% of the loss (70.00% + 5.00%: the firm's first loan)"."""
    ratio = format_rate_bp(params["ratio_bp"])
    base = params.get("base_bp")
    if base is None:  # computed before the reasons were stored
        return str(_l("%(ratio)s of the loss", ratio=ratio))
    reasons = params.get("bonus") or []
    if not reasons:
        return str(_l("%(ratio)s of the loss (the base ratio; neither the firm's first loan "
                      "nor a pure credit loan)", ratio=ratio))
    return str(_l("%(ratio)s of the loss (%(base)s + %(bonus)s: %(reasons)s)", ratio=ratio,
                  base=format_rate_bp(base), bonus=format_rate_bp(params["ratio_bp"] - base),
                  reasons=", ".join(_lookup(BONUS_REASONS, r) for r in reasons)))


def calculation_text(stored: str | None) -> str:
    """A claim's stored calculation (codes and figures) in the reader's language."""
    try:
        limits = json.loads(stored or "[]")
    except ValueError:
        return stored or ""  # written before calculations were stored as codes
    texts = {
        "ratio": _ratio_text,
        "insured": lambda p: _l("the guarantee insurer paid %(paid)s yuan, leaving a base of "
                                "%(base)s yuan", paid=format_fen(p["insured_fen"]),
                                base=format_fen(p["base_fen"])),
        "band": lambda p: _l("only %(amount)s yuan of the loss lies inside the bank's NPL band",
                             amount=format_fen(p["compensable_fen"])),
        "ceiling": lambda p: _l(
            "all public compensation together is capped at %(ceiling)s of the loss",
            ceiling=format_rate_bp(p["ceiling_bp"])),
        "annual_cap": lambda p: _l("the bank's annual compensation cap leaves %(room)s yuan",
                                   room=format_fen(p["room_fen"])),
    }
    return list_separator().join(str(texts[code](params)) for code, params in limits
                                 if code in texts)
