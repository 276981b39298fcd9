"""A listed firm's financings and the financing reward: each financing checked against CSRC
Order No. 132 (at most the policy's 200 holders, qualified investors only, shares, private
convertible bonds or a share pledge) and dated from the listing to today; recorded by the
founder (verified by the exchange's officer, once) or by the officer; summed per firm and
year, verified ones only; the reward of the year's band (1, 5 and 20 million yuan: 200,000,
300,000 and 500,000, the policy table's) asked for once the year earns one and not paid
yet, recommended by the programme's administrator and approved by someone else, paid once
per firm and year as one balanced ledger entry from the programme's budget, the pool's cash
untouched; two approvals at once pay it once, on SQLite and PostgreSQL."""

import threading
import time
from datetime import date
from datetime import timedelta

import pytest
from flask_babel import refresh
from sqlalchemy import func
from sqlalchemy import select

from talentfin import audit
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.pool import ledger
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.services import api_clients
from talentfin.services.board import desk
from talentfin.workflows import engine
from talentfin.workflows.board import financing
from talentfin.workflows.board.labels import INSTRUMENTS
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Financing
from talentfin.workflows.board.models import Reward
from tests import factories
from tests.board.factories import TODAY
from tests.board.factories import advance
from tests.board.factories import fire_together
from tests.board.factories import founder
from tests.board.factories import fresh
from tests.board.factories import listing_in
from tests.board.factories import record
from tests.board.factories import refusal
from tests.board.factories import refused
from tests.board.factories import set_parameter
from tests.conftest import PG_URL
from tests.web import api_decide
from tests.web import api_token

PG = bool(PG_URL)

YEAR = TODAY.year
LAST_YEAR = YEAR - 1
LISTED_ON = date(LAST_YEAR, 3, 1)
M = 1_000_000_00  # a million yuan, in fen


@pytest.fixture
def listed(world, exchange) -> BoardListing:
    """Founder 1's firm, listed on 1 March last year with 12 shareholders."""
    return listing_in(world, exchange, "listed", listed_on=LISTED_ON)


def _financings(listing) -> list[tuple]:
    db.session.expire_all()
    return [(f.on, f.instrument, f.amount_fen, f.investors, f.holders_after, f.recorded_by_id,
             f.verified_by_id) for f in financing.financings_of(listing)]


# --- the financing's rules ------------------------------------------------------------------


@pytest.mark.parametrize(("holders", "limit", "ok"), [(200, None, True), (201, None, False),
                                                      (150, "150", True), (151, "150", False)])
def test_a_financing_leaves_at_most_the_policys_holders(world, exchange, listed, holders, limit,
                                                        ok):
    if limit:
        set_parameter("board_max_holders", limit)
    if ok:
        record(listed, exchange.officer, holders_after=holders)
        assert [row[4] for row in _financings(listed)] == [holders]
        return
    assert refusal(record, listed, exchange.officer, holders_after=holders) == (
        f"The firm would have {holders} holders; a board-listed firm has at most "
        f"{limit or 200} (CSRC Order No. 132).")
    assert _financings(listed) == []


def test_only_qualified_investors_invest(world, exchange, listed):
    for user in (world.founder, exchange.officer):
        assert refusal(record, listed, user, qualified=False) == (
            "Only qualified investors may invest on the board (CSRC Order No. 132); a "
            "financing with others is refused.")
    assert _financings(listed) == []


def test_shares_private_convertible_bonds_or_a_share_pledge_only(world, exchange, listed):
    for instrument in ("public_bond", "", "common_stock"):
        assert refusal(record, listed, exchange.officer, instrument=instrument) == (
            "Only shares and private convertible bonds are issued, or shares pledged, on the "
            "board.")
    for instrument in INSTRUMENTS:
        record(listed, exchange.officer, instrument=instrument)
    assert sorted(row[1] for row in _financings(listed)) == [
        "convertible_bond", "private_placement", "share_pledge"]


def test_a_financing_has_an_amount_and_investors(world, exchange, listed):
    message = "Enter the amount and the number of investors."
    for bad in ({"amount_fen": 0}, {"amount_fen": -1}, {"investors": 0},
                {"investors": -3, "holders_after": 10}):
        assert refusal(record, listed, exchange.officer, **bad) == message
    assert _financings(listed) == []


def test_a_financing_is_dated_from_the_listing_to_today(world, exchange, listed):
    message = (f"The financing's day is after the listing ({LISTED_ON.isoformat()}) and not "
               "after today.")
    for day in (LISTED_ON - timedelta(days=1), TODAY + timedelta(days=1)):
        assert refusal(record, listed, exchange.officer, on=day) == message
    record(listed, exchange.officer, on=LISTED_ON)
    record(listed, exchange.officer, on=TODAY)
    assert [row[0] for row in _financings(listed)] == [TODAY, LISTED_ON]


def test_a_financing_is_recorded_for_a_listed_firm_only(world, exchange):
    for state in ("committee_review", "delisted", "transferred"):
        listing = listing_in(world, exchange, state)
        assert refusal(record, listing, exchange.officer, on=TODAY) == (
            "Financings are recorded for a listed firm.")
    assert db.session.scalar(select(func.count(Financing.id))) == 0


# --- who records and verifies --------------------------------------------------------------


def test_the_founder_records_and_the_officer_verifies_once(world, exchange, listed):
    mine = record(listed, world.founder, amount_fen=2 * M)
    theirs = record(listed, exchange.officer, amount_fen=3 * M, on=TODAY)
    assert _financings(listed) == [
        (TODAY, "private_placement", 3 * M, 5, 17, exchange.officer.id, exchange.officer.id),
        (LISTED_ON, "private_placement", 2 * M, 5, 17, world.founder.id, None)]
    # Only the officer's own record counts before the founder's is verified.
    assert financing.raised(listed.enterprise_id, YEAR) == 3 * M
    assert financing.raised(listed.enterprise_id, LAST_YEAR) == 0
    for user in (world.founder, exchange.approver, exchange.committee,
                 exchange.broker_officer1, world.pool_admin):
        assert refusal(desk.verify_financing, listed, mine.id, user,
                       error=engine.Forbidden) == "The exchange's officer verifies financings."
    desk.verify_financing(listed, mine.id, exchange.officer2)
    stored = fresh(Financing, mine.id)
    assert (stored.verified_by_id, stored.verified_at is not None) == (exchange.officer2.id,
                                                                       True)
    for user in (exchange.officer, exchange.officer2):
        assert refusal(desk.verify_financing, listed, mine.id, user,
                       error=engine.Conflict) == "This financing is verified already."
    assert refusal(desk.verify_financing, listed, theirs.id, exchange.officer2,
                   error=engine.Conflict) == "This financing is verified already."
    assert fresh(Financing, mine.id).verified_by_id == exchange.officer2.id


def test_nobody_else_records_a_financing(world, exchange, listed):
    others = (exchange.approver, exchange.committee, exchange.broker_officer1,
              exchange.broker_approver1, world.park_reviewer, world.pool_admin,
              world.committee, world.founder2, world.auditor)
    for user in others:
        assert refusal(record, listed, user, error=engine.Forbidden) == (
            "The firm's founder or the exchange's officer records a financing."), user.email
    assert _financings(listed) == []


def test_a_financing_of_another_listing_is_not_verified_here(world, exchange, listed):
    other = listing_in(world, exchange, "listed", founder=world.founder2)
    theirs = record(other, world.founder2, on=TODAY)
    assert refusal(desk.verify_financing, listed, theirs.id, exchange.officer) == (
        "This financing is not the listing's.")
    assert refusal(desk.verify_financing, listed, 999_999, exchange.officer) == (
        "This financing is not the listing's.")
    assert fresh(Financing, theirs.id).verified_at is None


# --- the year's sum and the reward's bands -------------------------------------------------


def test_a_years_sum_counts_the_firms_verified_financings_of_that_year(world, exchange,
                                                                        listed):
    record(listed, exchange.officer, on=LISTED_ON, amount_fen=4 * M)
    record(listed, exchange.officer, on=date(LAST_YEAR, 12, 31), amount_fen=1 * M)
    record(listed, exchange.officer, on=date(YEAR, 1, 1), amount_fen=2 * M)
    unverified = record(listed, world.founder, on=TODAY, amount_fen=7 * M)
    # The firm's second listing (after a delisting, say) counts for the same firm.
    second = listing_in(world, exchange, "listed", listed_on=date(YEAR, 1, 1))
    record(second, exchange.officer, on=TODAY, amount_fen=50_00)
    other = listing_in(world, exchange, "listed", founder=world.founder2,
                       listed_on=LISTED_ON)
    record(other, exchange.officer, on=TODAY, amount_fen=9 * M)
    firm = listed.enterprise_id
    assert financing.raised(firm, LAST_YEAR) == 5 * M
    assert financing.raised(firm, YEAR) == 2 * M + 50_00
    assert financing.raised(firm, YEAR - 2) == 0
    desk.verify_financing(listed, unverified.id, exchange.officer)
    assert financing.raised(firm, YEAR) == 9 * M + 50_00
    assert financing.raised(other.enterprise_id, YEAR) == 9 * M


BANDS = [(M - 1, 0), (M, 200_000_00), (5 * M - 1, 200_000_00), (5 * M, 300_000_00),
         (20 * M - 1, 300_000_00), (20 * M, 500_000_00), (900 * M, 500_000_00)]


@pytest.mark.parametrize(("raised", "reward"), BANDS)
def test_the_reward_bands_at_their_boundaries(app, raised, reward):
    assert financing.band(raised, TODAY) == financing.Band(raised, reward)


def test_the_bands_are_the_policy_tables(app):
    for key, value in (("board_reward_band1_min_fen", 2 * M), ("board_reward_band2_min_fen",
                                                                 8 * M),
                       ("board_reward_band3_min_fen", 30 * M), ("board_reward_band1_fen",
                                                                 100_000_00),
                       ("board_reward_band2_fen", 250_000_00),
                       ("board_reward_band3_fen", 600_000_00)):
        set_parameter(key, str(value), since=date(YEAR, 1, 1))
    old = date(YEAR - 1, 12, 31)  # the values in force then
    assert [financing.band(x, old).reward_fen for x in (M, 5 * M, 20 * M)] == [
        200_000_00, 300_000_00, 500_000_00]
    assert [financing.band(x, TODAY).reward_fen for x in (
        2 * M - 1, 2 * M, 8 * M - 1, 8 * M, 30 * M - 1, 30 * M)] == [
        0, 100_000_00, 100_000_00, 250_000_00, 250_000_00, 600_000_00]


# --- asking for the reward ------------------------------------------------------------------


def test_a_reward_is_asked_for_a_year_that_earns_one(world, exchange, listed):
    record(listed, exchange.officer, on=date(YEAR, 1, 1), amount_fen=M - 1)
    record(listed, world.founder, on=date(YEAR, 1, 1), amount_fen=5 * M)  # not verified
    assert refused(world, exchange, listed, "request_reward", data={"year": YEAR}) == (
        f"The verified financings of {YEAR} come to 999,999.99 yuan; a reward starts at "
        "1,000,000.00 yuan.")
    for year in (None, 0, YEAR + 1, 1999):
        assert refused(world, exchange, listed, "request_reward", data={"year": year}) == (
            "Choose the year of the financings.")
    record(listed, exchange.officer, on=TODAY, amount_fen=1)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    stored = fresh(BoardListing, listed.id)
    assert (stored.status, stored.reward_year, stored.reward_requested_at is not None) == (
        "reward_review", YEAR, True)


def test_only_the_founder_asks_for_the_reward(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY)
    assert refused(world, exchange, listed, "request_reward", actor=exchange.officer,
                   error=engine.Forbidden) == "Your role may not do this."
    # The programme's administrators know of a listing once a reward is asked for.
    for actor in (world.pool_admin, world.committee, world.founder2):
        assert refused(world, exchange, listed, "request_reward", actor=actor,
                       error=engine.Forbidden) == "You cannot see this application."


def _paid(world, exchange, listing, year: int = YEAR) -> None:
    advance(world, exchange, listing, "request_reward", data={"year": year})
    advance(world, exchange, listing, "recommend_reward")
    advance(world, exchange, listing, "approve_reward")


def test_a_reward_is_paid_once_per_firm_and_year(world, exchange, listed):
    record(listed, exchange.officer, on=date(LAST_YEAR, 5, 1), amount_fen=2 * M)
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    _paid(world, exchange, listed, YEAR)
    assert refused(world, exchange, listed, "request_reward", data={"year": YEAR}) == (
        f"The firm's reward for {YEAR} is paid already; a reward is paid once a year.")
    # More raised in the same year earns no second reward; the year before is its own.
    record(listed, exchange.officer, on=TODAY, amount_fen=30 * M)
    assert refused(world, exchange, listed, "request_reward", data={"year": YEAR}) == (
        f"The firm's reward for {YEAR} is paid already; a reward is paid once a year.")
    _paid(world, exchange, listed, LAST_YEAR)
    # The firm's other listing is the same firm.
    second = listing_in(world, exchange, "listed")
    assert refused(world, exchange, second, "request_reward", data={"year": YEAR}) == (
        f"The firm's reward for {YEAR} is paid already; a reward is paid once a year.")
    db.session.expire_all()
    assert sorted((r.year, r.raised_fen, r.amount_fen) for r in financing.rewards_of(listed)) == [
        (LAST_YEAR, 2 * M, 200_000_00), (YEAR, 6 * M, 300_000_00)]


def test_a_declined_reward_may_be_asked_again(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    assert refused(world, exchange, listed, "decline_reward", actor=world.pool_admin,
                   comment="") == "Please give a reason."
    advance(world, exchange, listed, "decline_reward", actor=world.pool_admin)
    assert (listed.status, financing.rewards_of(listed)) == ("listed", [])
    _paid(world, exchange, listed, YEAR)
    assert [r.amount_fen for r in financing.rewards_of(listed)] == [300_000_00]


# --- the two-person decision and the payment -----------------------------------------------


def test_the_administrator_recommends_and_the_committee_approves(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    for actor in (world.committee, exchange.officer, world.founder):
        assert refused(world, exchange, listed, "recommend_reward", actor=actor,
                       error=engine.Forbidden) == "Your role may not do this."
    advance(world, exchange, listed, "recommend_reward")
    assert fresh(BoardListing, listed.id).reward_recommended_by_id == world.pool_admin.id
    for actor in (world.pool_admin, exchange.committee, exchange.officer):
        assert refused(world, exchange, listed, "approve_reward", actor=actor,
                       error=engine.Forbidden) == "Your role may not do this."
    assert db.session.scalar(select(func.count(Reward.id))) == 0


def test_the_recommender_does_not_approve_the_reward(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    recommender = factories.user("pool2@t.cn", "pool_admin", world.pool)
    advance(world, exchange, listed, "recommend_reward", actor=recommender)
    recommender.role = "pool_committee"  # since moved to the committee
    db.session.commit()
    assert refused(world, exchange, listed, "approve_reward", actor=recommender) == (
        "You recommended this reward; a second person decides it.")
    assert db.session.scalar(select(func.count(Reward.id))) == 0
    advance(world, exchange, listed, "approve_reward", actor=world.committee)
    reward = financing.rewards_of(listed)[0]
    assert (reward.maker_id, reward.checker_id) == (recommender.id, world.committee.id)


def test_a_reward_no_longer_earned_is_not_recommended_or_paid(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY, amount_fen=2 * M)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    set_parameter("board_reward_band1_min_fen", str(3 * M), since=TODAY)
    message = (f"The verified financings of {YEAR} come to 2,000,000.00 yuan; a reward starts "
               "at 3,000,000.00 yuan.")
    assert refused(world, exchange, listed, "recommend_reward") == message
    set_parameter("board_reward_band1_min_fen", str(M), since=TODAY)
    advance(world, exchange, listed, "recommend_reward")
    set_parameter("board_reward_band1_min_fen", str(3 * M), since=TODAY)
    assert refused(world, exchange, listed, "approve_reward") == message
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 0


def _entries() -> list[LedgerEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "financing_reward").order_by(LedgerEntry.id)))


def test_the_reward_is_one_balanced_entry_from_the_programmes_budget(world, exchange, listed):
    factories.fund_pool(world)
    cash = ledger.pool_balance()
    balances = ledger.funder_balances()
    assert cash == 100_000_000_00
    record(listed, exchange.officer, on=date(YEAR, 1, 1), amount_fen=12 * M)
    record(listed, exchange.officer, on=TODAY, amount_fen=8 * M)  # 20 M in all
    _paid(world, exchange, listed, YEAR)
    [entry] = _entries()
    assert sorted((line.account, line.amount_fen, line.funder_id, line.org_id)
                  for line in entry.lines) == [
        ("financing_rewards", 500_000_00, None, None),
        ("programme_budget", -500_000_00, None, None)]
    assert (entry.application_id, entry.effective_on, entry.maker_id, entry.checker_id,
            entry.memo) == (listed.id, TODAY, world.pool_admin.id, world.committee.id,
                            f"{listed.reference} {YEAR}")
    assert ledger.pool_balance() == cash and ledger.funder_balances() == balances
    reward = db.session.scalars(select(Reward)).one()
    assert (reward.application_id, reward.enterprise_id, reward.year, reward.raised_fen,
            reward.amount_fen, reward.entry_id, reward.maker_id, reward.checker_id,
            reward.paid_on, reward.note) == (
        listed.id, listed.enterprise_id, YEAR, 20 * M, 500_000_00, entry.id,
        world.pool_admin.id, world.committee.id, TODAY, "同意拨付。")
    stored = fresh(BoardListing, listed.id)
    assert (stored.status, stored.reward_year) == ("listed", YEAR)
    # Every line of the ledger balances.
    assert db.session.scalar(select(func.sum(LedgerLine.amount_fen))) == 0


def test_a_reward_is_paid_from_the_budget_with_no_money_in_the_pool(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY, amount_fen=M)
    _paid(world, exchange, listed, YEAR)
    assert [e.kind for e in _entries()] == ["financing_reward"]
    assert ledger.pool_balance() == 0
    assert [r.amount_fen for r in financing.rewards_of(listed)] == [200_000_00]


# --- concurrency ----------------------------------------------------------------------------


def _awaiting_approval(world, exchange, listing) -> None:
    advance(world, exchange, listing, "request_reward", data={"year": YEAR})
    advance(world, exchange, listing, "recommend_reward")


@pytest.fixture
def funded(world) -> int:
    """The pool's funders have paid in (the ledger has begun): its cash."""
    factories.fund_pool(world)
    return ledger.pool_balance()


def _one_payment(listing_ids: list[int], results: list) -> None:
    """Exactly one approval paid; the other was told the year was paid (or the listing
    moved on); one Reward, one ledger entry, one approval logged."""
    won = [r for r in results if isinstance(r, engine.Fired)]
    lost = [r for r in results if not isinstance(r, engine.Fired)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], engine.Conflict | engine.Refused), repr(lost[0])
    assert any(words in lost[0].message for words in (
        "paid a moment ago", "is paid already", "changed a moment ago")), lost[0].message
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Reward.id))) == 1
    assert len(_entries()) == 1
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "approve_reward",
        TransitionLog.application_id.in_(listing_ids))) == 1
    reward = db.session.scalars(select(Reward)).one()
    assert reward.entry_id == _entries()[0].id


def test_two_approvals_of_one_firms_year_at_once_pay_once(app, world, exchange, funded):
    first = listing_in(world, exchange, "listed", listed_on=LISTED_ON)
    second = listing_in(world, exchange, "listed", listed_on=LISTED_ON)  # the same firm
    record(first, exchange.officer, on=TODAY, amount_fen=6 * M)
    _awaiting_approval(world, exchange, first)
    _awaiting_approval(world, exchange, second)
    committee2 = factories.user("committee2@t.cn", "pool_committee", world.pool)
    results = fire_together(app, [(first.id, "approve_reward", world.committee.id),
                                   (second.id, "approve_reward", committee2.id)])
    _one_payment([first.id, second.id], results)
    assert ledger.pool_balance() == funded
    statuses = sorted(fresh(Application, i).status for i in (first.id, second.id))
    assert statuses == ["listed", "reward_approval"]


def test_one_reward_approved_twice_at_once_is_paid_once(app, world, exchange, funded):
    listing = listing_in(world, exchange, "listed", listed_on=LISTED_ON)
    record(listing, exchange.officer, on=TODAY, amount_fen=6 * M)
    _awaiting_approval(world, exchange, listing)
    committee2 = factories.user("committee2@t.cn", "pool_committee", world.pool)
    results = fire_together(app, [(listing.id, "approve_reward", world.committee.id),
                                   (listing.id, "approve_reward", committee2.id)])
    _one_payment([listing.id], results)
    assert fresh(Application, listing.id).status == "listed"
    assert ledger.pool_balance() == funded


def test_two_firms_approved_at_once_are_both_paid(app, world, exchange, funded):
    mine = listing_in(world, exchange, "listed", listed_on=LISTED_ON)
    theirs = listing_in(world, exchange, "listed", listed_on=LISTED_ON,
                        founder=founder(world, 7))
    for listing in (mine, theirs):
        record(listing, exchange.officer, on=TODAY, amount_fen=6 * M)
        _awaiting_approval(world, exchange, listing)
    committee2 = factories.user("committee2@t.cn", "pool_committee", world.pool)
    results = fire_together(app, [(mine.id, "approve_reward", world.committee.id),
                                   (theirs.id, "approve_reward", committee2.id)])
    assert all(isinstance(r, engine.Fired) for r in results), results
    assert len(_entries()) == 2
    assert db.session.scalar(select(func.sum(Reward.amount_fen))) == 600_000_00
    assert ledger.pool_balance() == funded


def test_a_reward_approved_while_the_ledgers_first_entry_is_posted_is_paid(app, world,
                                                                          exchange):
    listing = listing_in(world, exchange, "listed", listed_on=LISTED_ON)
    record(listing, exchange.officer, on=TODAY, amount_fen=6 * M)
    _awaiting_approval(world, exchange, listing)
    started = threading.Event()

    def first_posting() -> None:
        """Another posting takes the empty ledger's first link and commits a moment later."""
        with app.app_context():
            try:
                audit.append(ledger.CHAIN, {"first": True})
                started.set()
                time.sleep(1.5)
                db.session.commit()
            finally:
                db.session.remove()

    other = threading.Thread(target=first_posting)
    other.start()
    assert started.wait(timeout=30)
    try:
        fired = advance(world, exchange, listing, "approve_reward")
    finally:
        other.join(timeout=60)
    assert isinstance(fired, engine.Fired)
    assert [r.amount_fen for r in financing.rewards_of(listing)] == [300_000_00]


def _decision(listing) -> dict:
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == listing.id, Dossier.stage == "reward_decision")
        .order_by(Dossier.id.desc())).first()
    return dossier.summary["reward"]


def test_the_decisions_dossier_states_the_year_the_sum_and_the_reward(world, exchange, listed):
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    _paid(world, exchange, listed, YEAR)
    entry = _entries()[0]
    assert _decision(listed) == {"year": YEAR, "raised_fen": 6 * M, "reward_fen": 300_000_00,
                                 "paid": True, "entry_id": entry.id}


def test_a_declined_rewards_dossier_states_what_the_year_earns_at_the_decision(
        world, exchange, listed):
    # The bands changed after the listing: the reward of the day of the decision is stated.
    set_parameter("board_reward_band2_fen", str(350_000_00), since=TODAY)
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    advance(world, exchange, listed, "decline_reward")
    assert _decision(listed) == {"year": YEAR, "raised_fen": 6 * M, "reward_fen": 350_000_00,
                                 "paid": False, "entry_id": None}


def test_through_the_api_too_the_recommender_does_not_approve_the_reward(
        client, world, exchange, listed):
    """Maker and checker hold through the partner API: the person a client acts for
    (On-Behalf-Of) is the one the rule looks at, as in the pages."""
    record(listed, exchange.officer, on=TODAY, amount_fen=6 * M)
    advance(world, exchange, listed, "request_reward", data={"year": YEAR})
    recommender = factories.user("pool2@t.cn", "pool_admin", world.pool)
    row, secret = api_clients.register(world.pool, "资金池系统", ["read", "decide"],
                                       world.admin)
    token = api_token(client, row.client_id, secret)
    recommended = api_decide(client, token, recommender.email, listed.id, "recommend_reward",
                             {"comment": "融资已核实，建议给予奖励。"})
    assert recommended.status_code == 200, recommended.get_json()
    recommender.role = "pool_committee"  # since moved to the committee
    db.session.commit()
    refresh()
    refused_call = api_decide(client, token, recommender.email, listed.id, "approve_reward",
                              {"comment": "同意拨付。"}, **{"Accept-Language": "en"})
    assert refused_call.status_code == 422
    assert refused_call.get_json()["detail"] == (
        "You recommended this reward; a second person decides it.")
    # The rule that refused, by its stable code (the text may change, the code does not).
    assert refused_call.get_json()["code"] == "not_maker"
    assert refused_call.get_json()["type"] == ("https://talentfin.example.cn/problems/422/"
                                               "not_maker")
    assert db.session.scalar(select(func.count(Reward.id))) == 0
    approved = api_decide(client, token, world.committee.email, listed.id, "approve_reward",
                          {"comment": "同意拨付。"})
    assert approved.status_code == 200, approved.get_json()
    reward = financing.rewards_of(fresh(BoardListing, listed.id))[0]
    assert (reward.maker_id, reward.checker_id) == (recommender.id, world.committee.id)
