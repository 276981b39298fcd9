"""Effects: set the application's fields from the form data, inside the firing transaction.

They touch only the database session; anything that reaches outside (PDFs, mail) goes
through the outbox after the commit.
"""

from talentfin.models.base import utcnow
from talentfin.workflows.context import FireContext


def application_snapshot(application) -> dict:
    """The founder-editable data of an application, to compare resubmissions with."""
    from sqlalchemy import select

    from talentfin.extensions import db
    from talentfin.models import Attachment

    enterprise = application.enterprise
    talent = enterprise.talent
    attachments = db.session.execute(
        select(Attachment.kind, Attachment.original_name, Attachment.sha256).where(
            Attachment.application_id == application.id, Attachment.superseded_at.is_(None)
        ).order_by(Attachment.kind)
    ).all()
    return {
        "requested_amount_fen": application.requested_amount_fen,
        "requested_term_months": application.requested_term_months,
        "purpose": application.purpose,
        "details": dict(application.details or {}),
        "enterprise": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "founded_on": enterprise.founded_on.isoformat() if enterprise.founded_on else None,
            "address": enterprise.address,
            "industry": enterprise.industry,
            "employees": enterprise.employees,
        },
        "talent": {
            "tier": talent.tier,
            "certificate_no": talent.certificate_no,
            "issuer": talent.issuer,
            "valid_until": talent.valid_until.isoformat(),
            "equity_bp": talent.equity_bp,
        } if talent else None,
        "attachments": {kind: {"name": name, "sha256": digest}
                        for kind, name, digest in attachments},
    }


def mark_submitted(ctx: FireContext) -> None:
    """Stamp the submission, route to the enterprise's park, keep a snapshot."""
    app = ctx.application
    now = utcnow()
    app.submitted_at = app.submitted_at or now
    if ctx.transition.dest == "park_review":
        # The park checks the firm's park and the founder's tier; a resubmission straight
        # to the bank keeps what the park checked, whatever the profile says meanwhile.
        app.park_id = app.enterprise.park_id
        app.talent_tier = app.enterprise.talent.tier if app.enterprise.talent else None
    ctx.data["previous_snapshot"] = app.submitted_snapshot
    app.submitted_snapshot = application_snapshot(app)
    ctx.data["snapshot"] = app.submitted_snapshot
    app.info_request = None
    app.claimed_by_id = None
    app.claimed_at = None


def route_to_partner(ctx: FireContext) -> None:
    """The park recommended: the partner institution sees the application from now on."""
    ctx.application.partner_routed_at = utcnow()
    _release_claim(ctx)


def record_info_request(ctx: FireContext) -> None:
    """Remember which fields and documents the founder must fix."""
    ctx.application.info_request = {
        "fields": list(ctx.data.get("fields", [])),
        "documents": list(ctx.data.get("documents", [])),
        "note": ctx.comment,
        "by_role": ctx.actor_role,
    }
    _release_claim(ctx)


def record_recommendation(ctx: FireContext) -> None:
    """The credit officer's proposed amount, rate and term."""
    app = ctx.application
    app.recommended_amount_fen = ctx.data["amount_fen"]
    app.recommended_rate_bp = ctx.data["rate_bp"]
    app.recommended_term_months = ctx.data["term_months"]
    app.recommended_by_id = ctx.user.id
    _release_claim(ctx)


def record_approval(ctx: FireContext) -> None:
    """Who decided at the bank."""
    ctx.application.decided_by_id = ctx.user.id
    _release_claim(ctx)


def record_contract(ctx: FireContext) -> None:
    """Contract number and signing date."""
    ctx.application.contract_no = ctx.data["contract_no"]
    ctx.application.contract_signed_on = ctx.data["signed_on"]


def record_disbursement(ctx: FireContext) -> None:
    """Disbursed amount and date; the pool filing window starts."""
    ctx.application.disbursed_amount_fen = ctx.data["amount_fen"]
    ctx.application.disbursed_on = ctx.data["disbursed_on"]


def record_filing(ctx: FireContext) -> None:
    """The pool's filing number and date."""
    app = ctx.application
    app.filed_on = ctx.today
    app.filing_no = f"BA{ctx.today:%Y}{app.id:07d}"


def _release_claim(ctx: FireContext) -> None:
    ctx.application.claimed_by_id = None
    ctx.application.claimed_at = None


EFFECTS = {
    name: globals()[name]
    for name in (
        "mark_submitted", "route_to_partner", "record_info_request", "record_recommendation",
        "record_approval", "record_contract", "record_disbursement", "record_filing",
    )
}


def _servicing_effects() -> dict:
    from talentfin.workflows import recovery_rules
    from talentfin.workflows import servicing_rules

    names = ("record_repayment", "record_overdue", "record_npl", "lodge_claim", "assess_claim",
             "return_claim", "pay_compensation", "reject_claim")
    found = {name: getattr(servicing_rules, name) for name in names}
    found["record_recovery"] = recovery_rules.record_recovery
    found["claw_back"] = recovery_rules.claw_back
    return found


EFFECTS.update(_servicing_effects())
