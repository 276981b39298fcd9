"""The bond's own steps, worked by the underwriter's staff (the issuer files its board's
resolution): registered with its number, issued with its terms (size, coupon, term, the
months between coupons), open for allocations, closed once every application is decided,
and redeemed at maturity."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.i18n import ngettext
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.context import FireContext

TERMS = (12, 24, 36, 48, 60, 84, 120)  # months
COUPON_MONTHS = (3, 6, 12)
# An allocation still being decided: the bond's allocation closes only once none is.
UNDECIDED = ("park_review", "info_requested", "credit_review", "underwriter_info_requested",
             "allocation_approval")


def missing_papers(application: Application, kinds: tuple[str, ...]) -> list[str]:
    """Which of these documents the application lacks."""
    have = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == application.id, Attachment.kind.in_(kinds),
        Attachment.superseded_at.is_(None))))
    return [kind for kind in kinds if kind not in have]


def registration_valid(ctx: FireContext) -> str | None:
    """The issuer's resolution and the registration letter are filed; the number is new and
    the day not in the future."""
    if missing_papers(ctx.application, ("board_resolution", "registration_letter")):
        return _("The issuer's board resolution and the registration letter are uploaded "
                 "first.")
    number = (ctx.data.get("registration_no") or "").strip()
    on = ctx.data.get("registered_on")
    if not number or on is None or on > ctx.today:
        return _("Enter the registration number and its date (not after today).")
    if db.session.scalar(select(BondIssue.id).where(
            BondIssue.registration_no == number, BondIssue.id != ctx.application.id)):
        return _("Another bond has the registration number %(number)s.", number=number)
    return None


def record_registration(ctx: FireContext) -> None:
    """Effect: the registration."""
    ctx.application.registration_no = ctx.data["registration_no"].strip()
    ctx.application.registered_on = ctx.data["registered_on"]


def issue_valid(ctx: FireContext) -> str | None:
    """The prospectus and the announcement are filed; the terms are whole; the bond's code
    is new; issued on or after its registration and not in the future."""
    app, data = ctx.application, ctx.data
    if missing_papers(app, ("prospectus", "issue_announcement")):
        return _("The prospectus and the issue announcement are uploaded first.")
    if not data.get("size_fen") or data["size_fen"] <= 0 or not data.get("coupon_bp") or \
            data["coupon_bp"] <= 0:
        return _("Enter the bond's size and its coupon rate.")
    if data.get("term_months") not in TERMS or data.get("coupon_months") not in COUPON_MONTHS \
            or data["term_months"] % data["coupon_months"]:
        return _("Choose a term and coupons that fall within it.")
    on = data.get("issued_on")
    if on is None or on > ctx.today or (app.registered_on and on < app.registered_on):
        return _("The bond is issued on or after its registration (%(day)s), not after "
                 "today.", day=app.registered_on.isoformat() if app.registered_on else "-")
    code = (data.get("code") or "").strip()
    if not code or db.session.scalar(select(BondIssue.id).where(
            BondIssue.code == code, BondIssue.id != app.id)):
        return _("Enter the bond's code, one no other bond has.")
    return None


def record_issue(ctx: FireContext) -> None:
    """Effect: the terms as issued."""
    app, data = ctx.application, ctx.data
    app.code = data["code"].strip()
    app.size_fen, app.coupon_bp = data["size_fen"], data["coupon_bp"]
    app.term_months, app.coupon_months = data["term_months"], data["coupon_months"]
    app.issued_on = data["issued_on"]


def undecided(bond: BondIssue) -> int:
    """Allocation applications of this bond still being decided."""
    return db.session.scalar(select(func.count()).select_from(BondAllocation).where(
        BondAllocation.bond_id == bond.id, BondAllocation.status.in_(UNDECIDED))) or 0


def allocation_closable(ctx: FireContext) -> str | None:
    """No application for an allocation is still being decided."""
    waiting = undecided(ctx.application)
    if waiting:
        return ngettext("%(num)d application for this bond is still being decided; decide "
                        "it first.", "%(num)d applications for this bond are still being "
                        "decided; decide them first.", waiting)
    return None


def matured(ctx: FireContext) -> str | None:
    """The bond has reached maturity and its redemption notice is filed."""
    ends = ctx.application.matures_on
    if ends is None or ctx.today < ends:
        return _("The bond matures on %(day)s.", day=ends.isoformat() if ends else "-")
    if missing_papers(ctx.application, ("redemption_notice",)):
        return _("Upload the redemption notice first.")
    return None


def record_redemption(ctx: FireContext) -> None:
    """Effect: the day redeemed."""
    ctx.application.redeemed_on = ctx.today
