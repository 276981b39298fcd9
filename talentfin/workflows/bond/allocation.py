"""A firm's allocation of a bond: the bond it asks (one of its underwriter's, open for
allocations), the underwriter's terms within the rules (the firm's share, the on-lending
rate, the term, the outstanding caps counted with loans), the approval that takes its part
of the bond's size, and the contract and the money (its repayment:
``talentfin.workflows.bond.servicing``)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy import update

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models.base import sum_fen
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.money import format_rate_bp
from talentfin.workflows.bond.issue import missing_papers
from talentfin.workflows.bond.labels import COMMITTED
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Refused
from talentfin.workflows.loan.eligibility import tier_limit_fen
from talentfin.workflows.loan.terms import caps_room_problems
from talentfin.workflows.loan.terms import hold_caps
from talentfin.workflows.loan.terms import outstanding_problem


def open_bonds(underwriter_id: int | None = None) -> list[BondIssue]:
    """Bonds open for allocations (of one underwriter), oldest first."""
    query = select(BondIssue).where(BondIssue.status == "allocating")
    if underwriter_id is not None:
        query = query.where(BondIssue.partner_org_id == underwriter_id)
    return list(db.session.scalars(query.order_by(BondIssue.id)))


def prescreen_problems(application, on: date) -> list[str]:
    """The pre-screener's checks before a bond is chosen: one is open for allocations, and
    the firm's caps (which allocations share with talent loans) are not used up."""
    problems = [] if open_bonds() else [_("No talent bond is open for allocations now; "
                                          "the programme announces the next one.")]
    return problems + caps_room_problems(application, on)


def bond_problem(application: BondAllocation) -> str | None:
    """The bond asked for is its underwriter's and open for allocations."""
    bond = application.bond
    if bond is None:
        return _("Choose the bond you ask an allocation of.")
    if bond.partner_org_id != application.partner_org_id:
        return _("The bond %(bond)s is not underwritten by the institution chosen.",
                 bond=bond.name)
    if bond.status != "allocating":
        return _("The bond %(bond)s no longer takes applications for allocations.",
                 bond=bond.name)
    return None


def bond_open(ctx: FireContext) -> str | None:
    """Guard: the bond is open for allocations."""
    return bond_problem(ctx.application)


def request_problems(application: BondAllocation) -> list[str]:
    """What the request still lacks."""
    problems = []
    if not application.requested_amount_fen:
        problems.append(_("Enter the amount you ask for."))
    if not application.requested_term_months:
        problems.append(_("Choose the term."))
    return problems


def request_complete(ctx: FireContext) -> str | None:
    """Guard: the request is whole."""
    problems = request_problems(ctx.application)
    return " ".join(problems) if problems else None


def firm_limit_fen(application: BondAllocation, on: date) -> int:
    """The firm's largest allocation of this bond: the smaller of its loan tier limit and
    the policy's share of the bond's size."""
    share = (application.bond.size_fen or 0) * int_parameter("bond_firm_share_bp", on) // 10_000
    return min(tier_limit_fen(application.talent_tier or
                              application.enterprise.talent.tier, on), share)


def _firms_other_allocations(application: BondAllocation) -> int:
    return db.session.scalar(select(sum_fen(BondAllocation.allocated_fen))
                             .where(BondAllocation.bond_id == application.bond_id,
                                    BondAllocation.enterprise_id == application.enterprise_id,
                                    BondAllocation.status.in_(COMMITTED),
                                    BondAllocation.id != application.id)) or 0


def firm_limit_problem(application: BondAllocation, amount: int, on: date) -> str | None:
    """Whether this amount, with the firm's other allocations of the bond, passes its
    limit."""
    limit = firm_limit_fen(application, on)
    already = _firms_other_allocations(application)
    if already + amount <= limit:
        return None
    return _("The firm may hold at most %(limit)s yuan of this bond (the smaller of its "
             "tier's loan limit and %(share)s of the bond); it holds %(held)s yuan already.",
             limit=format_fen(limit),
             share=format_rate_bp(int_parameter("bond_firm_share_bp", on)),
             held=format_fen(already))


def terms_problems(application: BondAllocation, amount: int | None, rate: int | None,
                   term: int | None, on: date) -> list[str]:
    """Every rule the terms break, with their figures."""
    if not amount or amount <= 0 or not rate or rate <= 0 or not term or term <= 0:
        return [_("Enter the amount, the on-lending rate and the term.")]
    bond = application.bond
    problems = []
    if (over := firm_limit_problem(application, amount, on)) is not None:
        problems.append(over)
    ceiling = (bond.coupon_bp or 0) + int_parameter("bond_spread_cap_bp", on)
    if rate > ceiling or rate < (bond.coupon_bp or 0):
        problems.append(_("The on-lending rate is between the coupon %(coupon)s and "
                          "%(ceiling)s a year.", coupon=format_rate_bp(bond.coupon_bp),
                          ceiling=format_rate_bp(ceiling)))
    left = relativedelta(bond.matures_on, on) if bond.matures_on else None
    months_left = left.years * 12 + left.months if left else 0
    if term > months_left:
        problems.append(_("The term ends after the bond matures: at most %(months)s months.",
                          months=months_left))
    if (cap := outstanding_problem(application, amount, on)) is not None:
        problems.append(cap)
    return problems


def recommendation_valid(ctx: FireContext) -> str | None:
    """Guard: the terms proposed keep the rules."""
    problems = terms_problems(ctx.application, ctx.data.get("amount_fen"),
                              ctx.data.get("rate_bp"), ctx.data.get("term_months"), ctx.today)
    return " ".join(problems) if problems else None


def record_recommendation(ctx: FireContext) -> None:
    """Effect: the terms proposed and who proposed them."""
    app = ctx.application
    app.recommended_amount_fen = ctx.data["amount_fen"]
    app.onlending_rate_bp, app.term_months = ctx.data["rate_bp"], ctx.data["term_months"]
    app.recommended_by_id = ctx.user.id


def approval_valid(ctx: FireContext) -> str | None:
    """Guard: not the approver's own recommendation, and the terms still keep the rules."""
    app = ctx.application
    if ctx.user is not None and ctx.user.id == app.recommended_by_id:
        return _("You recommended these terms; another approver decides.")
    problems = terms_problems(app, app.recommended_amount_fen, app.onlending_rate_bp,
                              app.term_months, ctx.today)
    return " ".join(problems) if problems else None


def take_headroom(ctx: FireContext) -> None:
    """Effect: the allocation takes its part of the bond's size, in one conditional UPDATE:
    of approvals at the same moment exactly those that fit win; the others are refused.
    The UPDATE holds the bond's row until the commit, so the firm's limit is checked again
    behind it: of the firm's approvals of one bond at the same moment none sees the others
    as not yet taken."""
    app = ctx.application
    amount = app.recommended_amount_fen
    taken = db.session.execute(
        update(BondIssue)
        .where(BondIssue.id == app.bond_id,
               BondIssue.allocated_fen + amount <= BondIssue.size_fen)
        .values(allocated_fen=BondIssue.allocated_fen + amount)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:
        left = db.session.scalar(select(BondIssue.size_fen - BondIssue.allocated_fen).where(
            BondIssue.id == app.bond_id))
        raise Refused(_("Only %(left)s yuan of the bond %(bond)s is left to allocate; "
                        "%(amount)s yuan does not fit.", left=format_fen(left),
                        bond=app.bond.name, amount=format_fen(amount)), "bond_size_left")
    if (over := firm_limit_problem(app, amount, ctx.today)) is not None:
        raise Refused(over, "firm_limit")
    hold_caps(app, amount, ctx.today)  # the outstanding caps, counted with loans
    app.allocated_fen = amount
    # The session's bond still has the figure read before the UPDATE: read it again (the
    # allocation notice states the bond's allocated and headroom after this allocation).
    db.session.expire(app.bond, ["allocated_fen"])


def give_back(ctx: FireContext) -> None:
    """Effect: a cancelled allocation returns its part of the bond's size."""
    app = ctx.application
    if app.allocated_fen:
        db.session.execute(
            update(BondIssue).where(BondIssue.id == app.bond_id)
            .values(allocated_fen=BondIssue.allocated_fen - app.allocated_fen)
            .execution_options(synchronize_session=False))
        db.session.expire(app.bond, ["allocated_fen"])


def contract_valid(ctx: FireContext) -> str | None:
    """The on-lending contract is uploaded, numbered and dated (not in the future)."""
    if missing_papers(ctx.application, ("onlending_contract",)):
        return _("Upload the signed on-lending contract first.")
    signed = ctx.data.get("signed_on")
    if not (ctx.data.get("contract_no") or "").strip() or signed is None or signed > ctx.today:
        return _("Enter the contract's number and the day it was signed (not after today).")
    return None


def record_contract(ctx: FireContext) -> None:
    """Effect: the contract."""
    ctx.application.contract_no = ctx.data["contract_no"].strip()
    ctx.application.contract_signed_on = ctx.data["signed_on"]


def disbursement_valid(ctx: FireContext) -> str | None:
    """The allocation paid out in full, after signing, with its voucher."""
    app = ctx.application
    if missing_papers(app, ("disbursement_voucher",)):
        return _("Upload the disbursement voucher first.")
    if ctx.data.get("amount_fen") != app.allocated_fen:
        return _("The amount paid out is the allocation, %(amount)s yuan.",
                 amount=format_fen(app.allocated_fen))
    on = ctx.data.get("disbursed_on")
    if on is None or on > ctx.today or (app.contract_signed_on and on < app.contract_signed_on):
        return _("Enter the day paid out: not before the contract (%(day)s), not after today.",
                 day=app.contract_signed_on.isoformat() if app.contract_signed_on else "-")
    return None


def record_disbursement(ctx: FireContext) -> None:
    """Effect: the money paid out."""
    ctx.application.disbursed_amount_fen = ctx.data["amount_fen"]
    ctx.application.outstanding_fen = ctx.data["amount_fen"]
    ctx.application.disbursed_on = ctx.data["disbursed_on"]
