"""Translated, human-readable labels for state, trigger, role and document names."""

from talentfin.i18n import _l

STATES = {
    "draft": _l("Draft"),
    "park_review": _l("Park review"),
    "info_requested": _l("Information requested"),
    "partner_review": _l("Bank review"),
    "bank_approval": _l("Awaiting bank approval"),
    "bank_info_requested": _l("Information requested by the bank"),
    "approved": _l("Approved"),
    "contracted": _l("Contract signed"),
    "disbursed": _l("Disbursed"),
    "covered": _l("Filed with the pool (covered)"),
    "not_covered": _l("Not covered (filing window missed)"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
    "active": _l("Repaying"),
    "overdue": _l("Overdue"),
    "npl": _l("Non-performing"),
    "repaid": _l("Repaid"),
    "closed": _l("Closed"),
    "claim_review": _l("Claim under pool review"),
    "committee_review": _l("Claim before the committee"),
    "compensated": _l("Compensated"),
    "in_recovery": _l("In recovery"),
    "recovered": _l("Recovery finished"),
    "written_off": _l("Written off"),
    "clawed_back": _l("Compensation clawed back"),
}

TRIGGERS = {
    "submit": _l("Submit application"),
    "park_approve": _l("Recommend to the bank"),
    "park_request_info": _l("Request information"),
    "park_reject": _l("Reject"),
    "resubmit": _l("Resubmit"),
    "recommend": _l("Recommend terms"),
    "bank_request_info": _l("Request information"),
    "bank_resubmit": _l("Resubmit to the bank"),
    "bank_return": _l("Return to the credit officer"),
    "bank_approve": _l("Approve loan"),
    "bank_reject": _l("Reject loan"),
    "contract": _l("Record contract"),
    "disburse": _l("Record disbursement"),
    "file_with_pool": _l("File with the pool"),
    "lapse_filing": _l("Filing window missed"),
    "withdraw": _l("Withdraw application"),
    "expire": _l("Expire (no answer in time)"),
    "report_repayment": _l("Report a repayment"),
    "report_overdue": _l("Report arrears"),
    "classify_npl": _l("Classify as non-performing"),
    "report_repaid": _l("Report fully repaid"),
    "close": _l("Close the loan"),
    "lodge_claim": _l("Lodge a compensation claim"),
    "assess_claim": _l("Pass the claim to the committee"),
    "return_claim": _l("Return the claim to the bank"),
    "approve_compensation": _l("Approve compensation"),
    "reject_compensation": _l("Reject compensation"),
    "report_recovery": _l("Report a recovery"),
    "finish_recovery": _l("Recovery finished"),
    "write_off": _l("Write off"),
    "close_uncompensated": _l("Close without compensation"),
    "claw_back": _l("Claw back for fraud"),
    "suspend_bank": _l("Suspend the bank from new filings"),
}

ROLES = {
    "founder": _l("Founder"),
    "park_reviewer": _l("Park reviewer"),
    "bank_officer": _l("Bank credit officer"),
    "bank_approver": _l("Bank approver"),
    "insurer": _l("Insurer"),
    "fund_ic": _l("Fund investment committee"),
    "underwriter": _l("Underwriter"),
    "exchange_officer": _l("Exchange officer"),
    "pool_admin": _l("Pool administrator"),
    "pool_committee": _l("Pool committee"),
    "auditor": _l("Auditor"),
    "admin": _l("Administrator"),
    "system": _l("System"),
}

ATTACHMENTS = {
    "business_licence": _l("Business licence"),
    "talent_certificate": _l("Talent certificate"),
    "financial_statements": _l("Financial statements"),
    "business_plan": _l("Business plan"),
    "other": _l("Other document"),
    "loan_contract": _l("Loan contract"),
    "disbursement_proof": _l("Disbursement proof"),
    "repayment_history": _l("Repayment history"),
    "collection_records": _l("Collection records"),
    "classification_evidence": _l("Classification evidence"),
    "litigation_papers": _l("Litigation or enforcement papers"),
    "diligence_statement": _l("Due diligence statement"),
}

PRODUCTS = {
    "loan": _l("Talent loan"),
    "insurance": _l("Talent insurance"),
    "investment": _l("Talent investment"),
    "bond": _l("Talent bond"),
    "board": _l("Talent board"),
}

DOSSIERS = {
    "application_form": _l("Application form"),
    "park_opinion": _l("Park recommendation opinion"),
    "bank_decision": _l("Bank decision notice"),
    "pool_filing": _l("Pool filing confirmation"),
    "claim_form": _l("Compensation claim form"),
    "compensation_decision": _l("Compensation decision and payment voucher"),
    "recovery_notice": _l("Recovery report and pro-rata return notice"),
    "suspension_notice": _l("Bank suspension notice"),
}

# Fields a reviewer can ask the founder to fix.
FIELDS = {
    "requested_amount": _l("Requested amount"),
    "requested_term": _l("Requested term"),
    "purpose": _l("Purpose of the loan"),
    "annual_revenue": _l("Revenue last year"),
    "net_profit": _l("Net profit last year"),
    "employees": _l("Employees"),
    "company_profile": _l("Company profile"),
    "talent_certification": _l("Talent certification"),
}


def _lookup(table: dict, key: str | None) -> str:
    return str(table.get(key, key or ""))


def state_label(state: str | None) -> str:
    """Label of a workflow state."""
    return _lookup(STATES, state)


def trigger_label(trigger: str | None) -> str:
    """Label of a transition's button."""
    return _lookup(TRIGGERS, trigger)


def role_label(role: str | None) -> str:
    """Label of a role."""
    return _lookup(ROLES, role)


def attachment_label(kind: str | None) -> str:
    """Label of an attachment kind."""
    return _lookup(ATTACHMENTS, kind)


def product_label(product: str | None) -> str:
    """Label of a product."""
    return _lookup(PRODUCTS, product)


def dossier_label(stage: str | None) -> str:
    """Title of a dossier."""
    return _lookup(DOSSIERS, stage)


def field_label(name: str | None) -> str:
    """Label of a form field a reviewer may ask about."""
    return _lookup(FIELDS, name)


# Snapshot keys (see workflows.effects.application_snapshot) as shown in a resubmission diff.
SNAPSHOT_KEYS = {
    "requested_amount_fen": _l("Requested amount (yuan)"),
    "requested_term_months": _l("Requested term (months)"),
    "purpose": _l("Purpose of the loan"),
    "details.annual_revenue_fen": _l("Revenue last year (yuan)"),
    "details.net_profit_fen": _l("Net profit last year (yuan)"),
    "details.employees": _l("Employees"),
    "enterprise.name": _l("Company name"),
    "enterprise.uscc": _l("Unified social credit code"),
    "enterprise.founded_on": _l("Founded on"),
    "enterprise.address": _l("Registered address"),
    "enterprise.industry": _l("Industry"),
    "enterprise.employees": _l("Employees"),
    "talent.tier": _l("Talent tier"),
    "talent.certificate_no": _l("Certificate number"),
    "talent.issuer": _l("Issuing body"),
    "talent.valid_until": _l("Valid until"),
    "talent.equity_bp": _l("Founder's equity"),
}


def change_label(key: str) -> str:
    """Label of a changed snapshot key; attachments read 'Document: <kind>'."""
    if key.startswith("attachments."):
        kind = key.split(".")[1]
        return f"{attachment_label(kind)} ({key.rsplit('.', 1)[-1]})"
    return _lookup(SNAPSHOT_KEYS, key)


def change_value(key: str, value) -> str:
    """A snapshot value as people read it: yuan for fen, a percentage for basis points."""
    from talentfin.money import format_fen
    from talentfin.money import format_rate_bp

    if value is None or value == "":
        return "—"
    if key.endswith("_fen") and isinstance(value, int):
        return format_fen(value)
    if key.endswith("_bp") and isinstance(value, int):
        return format_rate_bp(value)
    return str(value)


CLASSIFICATIONS = {
    "normal": _l("Normal"),
    "special_mention": _l("Special mention"),
    "substandard": _l("Substandard"),
    "doubtful": _l("Doubtful"),
    "loss": _l("Loss"),
}

CLAIM_STATUSES = {
    "lodged": _l("lodged, with the pool administrator"),
    "committee": _l("before the committee"),
    "returned": _l("returned to the bank"),
    "paid": _l("paid"),
    "rejected": _l("rejected"),
    "clawed_back": _l("clawed back"),
}


def classification_label(grade: str | None) -> str:
    """Label of a five-grade loan classification."""
    return _lookup(CLASSIFICATIONS, grade)


def claim_status_label(status: str | None) -> str:
    """Label of a claim's status."""
    return _lookup(CLAIM_STATUSES, status)


STANDINGS = {
    "active": _l("Active partner"),
    "suspended": _l("Suspended (no new filings)"),
    "terminated": _l("Partnership ended"),
}


def standing_label(standing: str | None) -> str:
    """Label of a bank's standing with the pool."""
    return _lookup(STANDINGS, standing)


def calculation_text(stored: str | None) -> str:
    """A claim's stored calculation (codes and figures) in the reader's language."""
    import json

    from talentfin.money import format_fen
    from talentfin.money import format_rate_bp

    try:
        limits = json.loads(stored or "[]")
    except ValueError:
        return stored or ""  # written before calculations were stored as codes
    texts = {
        "ratio": lambda p: _l("%(ratio)s of the loss", ratio=format_rate_bp(p["ratio_bp"])),
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


# The policy table's keys, as the policy page shows them.
PARAMETERS = {
    "tier_limit_A_fen": _l("Loan limit, tier A (fen)"),
    "tier_limit_B_fen": _l("Loan limit, tier B (fen)"),
    "tier_limit_C_fen": _l("Loan limit, tier C (fen)"),
    "tier_limit_D_fen": _l("Loan limit, tier D (fen)"),
    "cap_per_talent_fen": _l("Outstanding cap per talent (fen)"),
    "cap_per_firm_fen": _l("Outstanding cap per firm (fen)"),
    "lpr_1y_bp": _l("1-year LPR (basis points)"),
    "rate_cap_spread_bp": _l("Rate cap above the LPR (basis points)"),
    "term_min_months": _l("Shortest term (months)"),
    "term_max_months": _l("Longest term (months)"),
    "firm_max_age_years": _l("Firm age limit (years, tier A exempt)"),
    "founder_min_equity_bp": _l("Founder's minimum equity (basis points)"),
    "dishonesty_lookback_years": _l("Dishonesty record look-back (years)"),
    "filing_window_days": _l("Pool filing window (days)"),
    "info_request_expiry_working_days": _l("Request for information expires after (working days)"),
    "compensation_ratio_bp": _l("Compensation ratio (basis points)"),
    "first_loan_bonus_bp": _l("First-loan or pure-credit bonus (basis points)"),
    "public_ceiling_bp": _l("Ceiling of all public compensation (basis points)"),
    "leverage_limit": _l("Leverage limit (times the pool balance)"),
    "bank_annual_cap_fen": _l("Annual compensation cap per bank (fen)"),
    "suspension_npl_bp": _l("Suspension NPL threshold (basis points)"),
    "suspension_balance_fen": _l("Suspension balance threshold (fen)"),
    "npl_band_bp": _l("Compensated NPL band (basis points)"),
    "npl_days_overdue": _l("Days overdue that make a loan non-performing"),
    "claim_admin_working_days": _l("Pool review of a claim (working days)"),
    "claim_committee_working_days": _l("Committee decision on a claim (working days)"),
    "interest_subsidy_bp": _l("Interest subsidy (basis points of interest paid)"),
    "interest_subsidy_cap_fen": _l("Interest subsidy cap per firm and year (fen)"),
}


def parameter_label(key: str | None) -> str:
    """Label of a policy parameter."""
    return _lookup(PARAMETERS, key)


SUBSIDY_STATUSES = {
    "requested": _l("requested, with the pool administrator"),
    "paid": _l("paid"),
    "rejected": _l("refused"),
}


def subsidy_status_label(status: str | None) -> str:
    """Label of an interest subsidy request's status."""
    return _lookup(SUBSIDY_STATUSES, status)


CHAINS = {"transition_log": _l("Transition log"), "ledger": _l("Ledger")}
CHAIN_BREAKS = {
    "sequence": _l("a row is missing or out of order"),
    "previous": _l("the row does not link to the row before it"),
    "content": _l("the row was changed after it was written"),
    "missing": _l("rows are missing at the end of the chain"),
}


def chain_label(chain: str | None) -> str:
    """Label of an audit chain."""
    return _lookup(CHAINS, chain)


def chain_break_label(kind: str | None) -> str:
    """What a break in an audit chain means."""
    return _lookup(CHAIN_BREAKS, kind)


def list_separator() -> str:
    """Between the clauses of a list in running text: "；" in Chinese, "; " in English."""
    from flask_babel import get_locale

    locale = get_locale()
    return "；" if locale is not None and locale.language == "zh" else "; "
