"""The listing's own steps: the recommending institution's due diligence papers, the
exchange's listing (code, tier, day), tier moves, delisting with its reason, and the
transfer to a higher market."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Attachment
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.workflows.board.disclosure import delisting_due
from talentfin.workflows.board.labels import DELISTING_REASONS
from talentfin.workflows.board.labels import MARKETS
from talentfin.workflows.board.labels import TIERS
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Conflict


def request_problems(application: BoardListing) -> list[str]:
    """What the request still lacks."""
    problems = []
    if application.requested_tier not in TIERS:
        problems.append(_("Choose the tier you ask to list on."))
    if not application.shareholders:
        problems.append(_("Enter the number of shareholders."))
    else:
        problems.extend(holders_problems(application))
    return problems


def holders_problems(application, _on=None) -> list[str]:
    """At most ``board_max_holders`` holders (its ``shareholders``; none given: not judged).
    Also the pre-screener's check."""
    limit = int_parameter("board_max_holders")
    if application.shareholders and application.shareholders > limit:
        return [_("A board-listed firm has at most %(limit)s holders (CSRC Order No. 132); "
                  "the firm has %(holders)s.", limit=limit, holders=application.shareholders)]
    return []


def request_complete(ctx: FireContext) -> str | None:
    """Guard: the request is whole."""
    problems = request_problems(ctx.application)
    return " ".join(problems) if problems else None


def dd_papers(ctx: FireContext) -> str | None:
    """The due diligence report and the recommendation report are uploaded."""
    have = set(db.session.scalars(select(Attachment.kind).where(
        Attachment.application_id == ctx.application.id,
        Attachment.kind.in_(("dd_report", "recommendation_report")),
        Attachment.superseded_at.is_(None))))
    if {"dd_report", "recommendation_report"} - have:
        return _("Upload the due diligence report and the recommendation report first.")
    return None


def route_to_exchange(ctx: FireContext) -> None:
    """Effect: the exchange sees the file from now on."""
    ctx.application.exchange_routed_at = utcnow()


def listing_valid(ctx: FireContext) -> str | None:
    """A code no other listing has, a tier, and the day (not in the future)."""
    code = (ctx.data.get("listing_code") or "").strip()
    if not code or ctx.data.get("tier") not in TIERS:
        return _("Enter the listing code and choose the tier.")
    on = ctx.data.get("listed_on")
    if on is None or on > ctx.today:
        return _("Enter the listing day (not after today).")
    if db.session.scalar(select(BoardListing.id).where(
            BoardListing.listing_code == code, BoardListing.id != ctx.application.id)):
        return _("Another firm is listed under the code %(code)s.", code=code)
    return None


def record_listing(ctx: FireContext) -> None:
    """Effect: the listing (a code another firm took a moment ago is refused by the
    database: said, not a server error)."""
    app, code = ctx.application, ctx.data["listing_code"].strip()
    app.listing_code, app.tier, app.listed_on = code, ctx.data["tier"], ctx.data["listed_on"]
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("Another firm was listed under the code %(code)s a moment ago.",
                         code=code)) from exc


def tier_move_valid(ctx: FireContext) -> str | None:
    """Another tier."""
    tier = ctx.data.get("tier")
    if tier not in TIERS or tier == ctx.application.tier:
        return _("Choose a tier other than the one the firm is on.")
    return None


def record_tier(ctx: FireContext) -> None:
    """Effect: the new tier."""
    ctx.application.tier = ctx.data["tier"]


def delisting_reason_valid(ctx: FireContext) -> str | None:
    """A reason; late disclosure only when an annual report is late enough."""
    reason = ctx.data.get("reason")
    if reason not in DELISTING_REASONS:
        return _("Choose the reason for delisting.")
    if reason == "late_disclosure":
        return delisting_due(ctx)
    return None


def record_reason(ctx: FireContext) -> None:
    """Effect: the reason proposed."""
    ctx.application.delisting_reason = ctx.data.get("reason") or "late_disclosure"


def record_end(ctx: FireContext) -> None:
    """Effect: the day the listing ended."""
    ctx.application.ended_on = ctx.today


def transfer_valid(ctx: FireContext) -> str | None:
    """The market the firm moves to."""
    if ctx.data.get("market") not in MARKETS:
        return _("Choose the market the firm moves to.")
    return None


def record_transfer(ctx: FireContext) -> None:
    """Effect: the market and the day."""
    ctx.application.market = ctx.data["market"]
    ctx.application.ended_on = ctx.today
