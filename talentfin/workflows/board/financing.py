"""After listing: the financings a listed firm raises (private placement, private
convertible bond or share pledge), each checked against 证监会令第132号 (qualified investors
only, at most 200 holders), recorded by the firm or the exchange and verified by the
exchange; summed per firm and year, they earn the financing reward (Qingdao 2021's bands),
asked for by the founder and decided by two people of the programme's administration, paid
from the programme's own budget (not the risk pool) and posted on the ledger once per firm
and year."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.models.policy import int_parameter
from talentfin.money import format_fen
from talentfin.pool.ledger import Line
from talentfin.pool.ledger import post_entry
from talentfin.workflows.board.labels import INSTRUMENTS
from talentfin.workflows.board.labels import LISTED
from talentfin.workflows.board.labels import OFFICER
from talentfin.workflows.board.models import Financing
from talentfin.workflows.board.models import Reward
from talentfin.workflows.context import FireContext
from talentfin.workflows.errors import Conflict
from talentfin.workflows.errors import Forbidden
from talentfin.workflows.errors import Refused

BUDGET = "programme_budget"  # the programme's own budget account (not the pool's cash)
REWARDS = "financing_rewards"  # what the rewards cost it


def record(application: Application, user: User, *, on: date, instrument: str,
           amount_fen: int, investors: int, holders_after: int, qualified: bool,
           today: date) -> Financing:
    """A financing recorded by the listed firm's founder or the exchange's officer (the
    exchange's own record counts as verified). Commits."""
    if application.status not in LISTED:
        raise Refused(_("Financings are recorded for a listed firm."))
    if user.id != application.applicant_id and user.role != OFFICER:
        raise Forbidden(_("The firm's founder or the exchange's officer records a financing."))
    if instrument not in INSTRUMENTS:
        raise Refused(_("Only shares and private convertible bonds are issued, or shares "
                        "pledged, on the board."))
    if not amount_fen or amount_fen <= 0 or not investors or investors <= 0:
        raise Refused(_("Enter the amount and the number of investors."))
    if on is None or on > today or (application.listed_on and on < application.listed_on):
        raise Refused(_("The financing's day is after the listing (%(day)s) and not after "
                        "today.", day=application.listed_on.isoformat()
                        if application.listed_on else "-"))
    if not qualified:
        raise Refused(_("Only qualified investors may invest on the board (CSRC Order No. "
                        "132); a financing with others is refused."))
    limit = int_parameter("board_max_holders", today)
    if holders_after > limit:
        raise Refused(_("The firm would have %(holders)s holders; a board-listed firm has at "
                        "most %(limit)s (CSRC Order No. 132).", holders=holders_after,
                        limit=limit))
    financing = Financing(application_id=application.id, enterprise_id=application.enterprise_id,
                          on=on, instrument=instrument, amount_fen=amount_fen,
                          investors=investors, holders_after=holders_after,
                          recorded_by_id=user.id)
    if user.role == OFFICER:
        financing.verified_by_id, financing.verified_at = user.id, utcnow()
    db.session.add(financing)
    db.session.commit()
    return financing


def verify(financing: Financing, user: User) -> None:
    """The exchange's officer verifies a financing the firm recorded. Commits."""
    if user.role != OFFICER:
        raise Forbidden(_("The exchange's officer verifies financings."))
    taken = db.session.execute(Financing.__table__.update().where(
        Financing.id == financing.id, Financing.verified_at.is_(None))
        .values(verified_by_id=user.id, verified_at=utcnow())).rowcount
    db.session.commit()
    if not taken:
        raise Conflict(_("This financing is verified already."))


def raised(enterprise_id: int, year: int) -> int:
    """What the firm raised in a year, verified financings only (an int: PostgreSQL's sum
    of a bigint is a numeric, which no JSON snapshot takes)."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Financing.amount_fen), 0))
                                 .where(Financing.enterprise_id == enterprise_id,
                                        Financing.verified_at.is_not(None),
                                        extract("year", Financing.on) == year)) or 0)


@dataclass(frozen=True)
class Band:
    """The reward a year's financing earns."""

    raised_fen: int
    reward_fen: int


def band(raised_fen: int, on: date) -> Band:
    """Qingdao 2021's bands from the policy table."""
    reward = 0
    for n in (1, 2, 3):
        if raised_fen >= int_parameter(f"board_reward_band{n}_min_fen", on):
            reward = int_parameter(f"board_reward_band{n}_fen", on)
    return Band(raised_fen, reward)


def paid_for(enterprise_id: int, year: int) -> Reward | None:
    """The reward already paid to the firm for that year."""
    return db.session.scalar(select(Reward).where(Reward.enterprise_id == enterprise_id,
                                                  Reward.year == year))


def reward_requestable(ctx: FireContext) -> str | None:
    """A past or current year, not rewarded yet, whose verified financings earn a reward."""
    year = ctx.data.get("year")
    if not year or year > ctx.today.year or year < 2000:
        return _("Choose the year of the financings.")
    if paid_for(ctx.application.enterprise_id, year) is not None:
        return _("The firm's reward for %(year)s is paid already; a reward is paid once a "
                 "year.", year=year)
    earned = band(raised(ctx.application.enterprise_id, year), ctx.today)
    if not earned.reward_fen:
        return _("The verified financings of %(year)s come to %(raised)s yuan; a reward "
                 "starts at %(min)s yuan.", year=year, raised=format_fen(earned.raised_fen),
                 min=format_fen(int_parameter("board_reward_band1_min_fen", ctx.today)))
    return None


def reward_still_earned(ctx: FireContext) -> str | None:
    """The year asked for is still unpaid and its verified financings still earn a reward."""
    return reward_requestable(FireContext(ctx.application, ctx.user, ctx.transition,
                                          {"year": ctx.application.reward_year}, ctx.comment,
                                          ctx.today))


def record_request(ctx: FireContext) -> None:
    """Effect: the year asked for; the programme's administrators see the listing now."""
    ctx.application.reward_year = ctx.data["year"]
    ctx.application.reward_requested_at = utcnow()
    ctx.application.reward_recommended_by_id = None


def record_recommendation(ctx: FireContext) -> None:
    """Effect: who recommended (the decision's maker)."""
    ctx.application.reward_recommended_by_id = ctx.user.id


def not_maker(ctx: FireContext) -> str | None:
    """The reward is decided by a second person."""
    if ctx.user is not None and ctx.user.id == ctx.application.reward_recommended_by_id:
        return _("You recommended this reward; a second person decides it.")
    return None


def pay(ctx: FireContext) -> None:
    """Effect: the reward paid from the programme's budget and posted on the ledger, once
    per firm and year (a second payment for the same year is refused by the database)."""
    app = ctx.application
    year = app.reward_year
    earned = band(raised(app.enterprise_id, year), ctx.today)
    if not earned.reward_fen or paid_for(app.enterprise_id, year) is not None:
        raise Refused(_("The reward for %(year)s is paid already or no longer earned.",
                        year=year), "reward_paid_or_not_earned")
    maker = db.session.get(User, app.reward_recommended_by_id)
    entry = post_entry("financing_reward", [Line(REWARDS, earned.reward_fen),
                                            Line(BUDGET, -earned.reward_fen)],
                       effective_on=ctx.today, memo=f"{app.reference} {year}", maker=maker,
                       checker=ctx.user, application_id=app.id)
    db.session.add(Reward(application_id=app.id, enterprise_id=app.enterprise_id, year=year,
                          raised_fen=earned.raised_fen, amount_fen=earned.reward_fen,
                          entry_id=entry.id, maker_id=maker.id, checker_id=ctx.user.id,
                          paid_on=ctx.today, note=ctx.comment))
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_("The reward for %(year)s was paid a moment ago.", year=year)) from exc


def financings_of(application: Application) -> list[Financing]:
    """The listed firm's financings, latest first."""
    return list(db.session.scalars(select(Financing).where(
        Financing.application_id == application.id).order_by(Financing.on.desc(),
                                                             Financing.id.desc())))


def rewards_of(application: Application) -> list[Reward]:
    """The rewards paid on this listing."""
    return list(db.session.scalars(select(Reward).where(
        Reward.application_id == application.id).order_by(Reward.year)))
