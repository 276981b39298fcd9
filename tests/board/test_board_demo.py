"""人才板's demo, seeded as ``flask seed-demo`` seeds it (the other products left out to keep
it quick): listings standing in every state of the route, the README's exchange and
recommending-institution accounts, the listed firm's reward paid on the ledger from the
programme's budget, a listing proposed for delisting with its annual reports late, and
every dossier the walks produced rendered ready in Chinese."""

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin import demo
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.pool.models import LedgerEntry
from talentfin.services.board import desk
from talentfin.storage import dossier_path
from talentfin.workflows.board import BOARD
from talentfin.workflows.board import disclosure
from talentfin.workflows.board import financing
from talentfin.workflows.board.definition import WORKFLOW
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Reward
from tests.conftest import _empty_tables

# Each dossier's title; the listing notice's refusal is a notice of its own.
TITLES = {"application_form": "挂牌申请书", "park_opinion": "园区推荐函",
          "broker_recommendation": "推荐机构推荐意见", "listing_notice": "挂牌公告",
          "reward_decision": "挂牌融资奖励决定", "delisting_notice": "摘牌公告"}


@pytest.fixture(scope="module")
def seeded(_app):
    """The demo seeded once for this module's tests (with 人才板 its only product), then
    every table emptied as the ``app`` fixture does."""
    with _app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "products", lambda: [BOARD])
        lines = demo.seed_demo()
        yield lines
        db.session.remove()
        _empty_tables()
    for folder in ("UPLOAD_FOLDER", "DOSSIER_FOLDER"):
        for path in Path(_app.config[folder]).glob("*"):
            if path.is_file():
                path.unlink()


def _listings() -> dict[str, BoardListing]:
    db.session.expire_all()
    return {a.status: a for a in db.session.scalars(select(BoardListing))}


def _rendered(dossier: Dossier) -> str:
    """The dossier's PDF as pdftotext reads it, its lines' spacing collapsed."""
    return " ".join(subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                                   check=True, capture_output=True, text=True).stdout.split())


def test_the_demo_seeds_every_board_state_once(seeded):
    listings = _listings()
    assert sorted(listings) == sorted(state.name for state in WORKFLOW.states)
    assert db.session.scalar(select(func.count(BoardListing.id))) == len(WORKFLOW.states)
    assert "outbox tasks done (dossiers, notifications): " in seeded[-1]
    assert seeded[-1].endswith("(failed: 0)")
    broker = db.session.scalar(select(Organisation).where(Organisation.code == "broker-qd"))
    assert {a.partner_org_id for a in listings.values()} == {broker.id}


def test_the_readmes_accounts_work_the_board(seeded):
    def staff(code: str) -> dict[str, str]:
        org = db.session.scalar(select(Organisation).where(Organisation.code == code))
        return {u.email: u.role for u in db.session.scalars(select(User).where(
            User.org_id == org.id))}, org.kind

    assert staff("exchange-qd") == ({"officer@exchange.demo.cn": "exchange_officer",
                                     "approver@exchange.demo.cn": "exchange_approver",
                                     "committee@exchange.demo.cn": "listing_committee"},
                                    "exchange")
    assert staff("broker-qd") == ({"analyst@broker.demo.cn": "broker_officer",
                                   "approver@broker.demo.cn": "broker_approver"}, "broker")


def test_the_listed_firms_have_their_financings_and_one_its_reward(seeded):
    listings = _listings()
    year = business_today().year
    for state in ("listed", "reward_review", "reward_approval"):
        listing = listings[state]
        assert listing.listing_code and listing.tier and listing.listed_on
        raised = financing.raised(listing.enterprise_id, year)
        assert 6_000_000_00 <= raised < 6_100_000_00, state
        assert financing.band(raised, business_today()).reward_fen == 300_000_00
    [reward] = db.session.scalars(select(Reward)).all()
    assert (reward.application_id, reward.year, reward.amount_fen) == (
        listings["listed"].id, year, 300_000_00)
    entry = db.session.get(LedgerEntry, reward.entry_id)
    assert entry.kind == "financing_reward"
    assert sorted((line.account, line.amount_fen) for line in entry.lines) == [
        ("financing_rewards", 300_000_00), ("programme_budget", -300_000_00)]
    assert (listings["reward_review"].reward_year,
            listings["reward_approval"].reward_year) == (year, year)


def test_the_exchanges_book_shows_the_demo(seeded):
    listings = _listings()
    today = business_today()
    page = desk.exchange_page(today)
    on_board = ("listed", "reward_review", "reward_approval", "delisting_review")
    assert sum(page.by_tier.values()) == len(on_board)
    late = listings["delisting_review"]
    assert late.delisting_reason == "late_disclosure"
    assert late.listed_on.year == today.year - 2
    assert {d.year for d in disclosure.late(late, today)} == {today.year - 2, today.year - 1}
    assert {lst.id for _, lst in page.candidates} == {late.id}
    assert page.to_verify == []  # the exchange's own records are verified


def test_every_board_dossier_renders_ready_in_chinese(seeded):
    listings = _listings()
    dossiers = db.session.scalars(select(Dossier).where(Dossier.application_id.in_(
        [a.id for a in listings.values()])).order_by(Dossier.id)).all()
    assert {d.stage for d in dossiers} == set(TITLES) == set(BOARD.dossiers)
    assert [(d.stage, d.status) for d in dossiers if d.status != "ready" or not d.sha256] == []
    for dossier in dossiers:
        content = _rendered(dossier)
        assert "人才板" in content, dossier.stage
        assert dossier.verify_code in content and dossier.application.reference in content
    for stage, title in TITLES.items():
        dossier = next(d for d in dossiers if d.stage == stage
                       and d.application.status not in ("refused", "declined", "rejected"))
        assert title in _rendered(dossier), stage


def test_the_notices_say_what_was_decided(seeded):
    listings = _listings()

    def content(state: str, stage: str) -> str:
        dossier = db.session.scalars(select(Dossier).where(
            Dossier.application_id == listings[state].id, Dossier.stage == stage)).one()
        return _rendered(dossier)

    listed = listings["listed"]
    notice = content("listed", "listing_notice")
    assert "挂牌公告" in notice and listed.listing_code in notice
    assert "不予挂牌通知" in content("refused", "listing_notice")
    assert "股权结构存在代持，不予挂牌。" in content("refused", "listing_notice")
    reward = content("listed", "reward_decision")
    for line in ("奖励金额 300,000.00 元", "决定给予奖励 300,000.00 元", "由人才金融专项预算拨付",
                 "不动用风险补偿资金池"):
        assert line in reward, line
    delisted = content("delisted", "delisting_notice")
    assert "摘牌公告" in delisted and listings["delisted"].listing_code in delisted
    assert "摘牌原因 企业申请主动摘牌" in delisted  # the reason: voluntary
