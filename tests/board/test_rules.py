"""The listing's rules, each at its boundary: the founder's request (a tier, the number of
shareholders at most the policy's 200); the recommending institution's due diligence report
and recommendation report before it submits or recommends; the listing committee's listing
(a code no other listing has, a tier, a day not in the future); a tier move to another
tier; delisting for one of its reasons (late disclosure only once a report is late by the
policy's months); the transfer to a higher market."""

from datetime import date
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.services import applications as application_service
from talentfin.services.outbox import run_pending
from talentfin.workflows import engine
from talentfin.workflows.board import disclosure
from talentfin.workflows.board.labels import DELISTING_REASONS
from talentfin.workflows.board.labels import MARKETS
from talentfin.workflows.board.labels import TIERS
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Disclosure
from tests import factories
from tests.board.factories import TODAY
from tests.board.factories import advance
from tests.board.factories import draft
from tests.board.factories import fire_together
from tests.board.factories import founder
from tests.board.factories import fresh
from tests.board.factories import listing_in
from tests.board.factories import refused
from tests.board.factories import set_parameter
from tests.board.factories import upload

# --- the founder's request -----------------------------------------------------------------


def test_the_request_names_a_tier_and_the_shareholders(world, exchange):
    listing = draft(world, exchange, tier=None, shareholders=None)
    assert refused(world, exchange, listing, "submit") == (
        "Choose the tier you ask to list on. Enter the number of shareholders.")
    application_service.save_request(listing, {"partner_org_id": exchange.broker1.id,
                                               "requested_tier": "main_board"})
    assert refused(world, exchange, listing, "submit") == (
        "Choose the tier you ask to list on. Enter the number of shareholders.")
    application_service.save_request(listing, {"partner_org_id": exchange.broker1.id,
                                               "requested_tier": "standard",
                                               "shareholders": 0})
    assert refused(world, exchange, listing, "submit") == "Enter the number of shareholders."
    application_service.save_request(listing, {"partner_org_id": exchange.broker1.id,
                                               "shareholders": 1})
    advance(world, exchange, listing, "submit")
    assert listing.status == "park_review"


@pytest.mark.parametrize(("holders", "limit", "ok"), [(200, "200", True), (201, "200", False),
                                                      (150, "150", True), (151, "150", False)])
def test_at_most_the_policys_holders_ask_to_list(world, exchange, holders, limit, ok):
    if limit != "200":
        set_parameter("board_max_holders", limit)
    listing = draft(world, exchange, shareholders=holders)
    if not ok:
        assert refused(world, exchange, listing, "submit") == (
            f"A board-listed firm has at most {limit} holders (CSRC Order No. 132); the firm "
            f"has {holders}.")
        return
    advance(world, exchange, listing, "submit")
    assert listing.status == "park_review"


def test_the_application_goes_only_with_every_paper(world, exchange):
    listing = draft(world, exchange, documents=False)
    message = refused(world, exchange, listing, "submit")
    assert message.startswith("Please upload the required documents: Listing application")
    assert "Register of shareholders (股东名册)" in message


# --- the recommending institution's due diligence ------------------------------------------


def test_the_officer_submits_only_with_both_reports(world, exchange):
    listing = listing_in(world, exchange, "broker_dd")
    officer = exchange.broker_officer1
    message = "Upload the due diligence report and the recommendation report first."
    assert refused(world, exchange, listing, "broker_submit", papers=False) == message
    upload(listing, "dd_report", officer)
    assert refused(world, exchange, listing, "broker_submit", papers=False) == message
    upload(listing, "recommendation_report", officer)
    advance(world, exchange, listing, "broker_submit", papers=False)
    assert listing.status == "broker_approval"


def test_the_approver_recommends_only_with_both_reports_standing(world, exchange):
    listing = listing_in(world, exchange, "broker_approval")
    # A report withdrawn (superseded without a successor) after the officer submitted.
    report = db.session.scalar(select(Attachment).where(
        Attachment.application_id == listing.id, Attachment.kind == "dd_report"))
    report.superseded_at = report.uploaded_at
    db.session.commit()
    assert refused(world, exchange, listing, "broker_recommend") == (
        "Upload the due diligence report and the recommendation report first.")
    report.superseded_at = None
    db.session.commit()
    advance(world, exchange, listing, "broker_recommend")
    assert listing.status == "exchange_review" and listing.exchange_routed_at is not None


def test_the_recommending_institution_declines_or_returns_only_with_a_reason(world, exchange):
    listing = listing_in(world, exchange, "broker_approval")
    assert refused(world, exchange, listing, "broker_return", comment="") == (
        "Please give a reason.")
    assert refused(world, exchange, listing, "broker_decline", comment=" ") == (
        "Please give a reason.")
    advance(world, exchange, listing, "broker_return")
    assert listing.status == "broker_dd"
    advance(world, exchange, listing, "broker_decline")
    assert listing.status == "declined"


# --- the listing ---------------------------------------------------------------------------


def test_the_listing_needs_a_code_and_a_tier(world, exchange):
    listing = listing_in(world, exchange, "committee_review")
    message = "Enter the listing code and choose the tier."
    for data in ({"listing_code": ""}, {"listing_code": "   "}, {"tier": "main_board"},
                 {"tier": None}):
        assert refused(world, exchange, listing, "approve_listing", data=data) == message
    advance(world, exchange, listing, "approve_listing",
            data={"listing_code": " QD0001 ", "tier": "cultivation"})
    stored = fresh(BoardListing, listing.id)
    assert (stored.status, stored.listing_code, stored.tier, stored.listed_on) == (
        "listed", "QD0001", "cultivation", TODAY)


def test_the_listing_day_is_not_in_the_future(world, exchange):
    listing = listing_in(world, exchange, "committee_review")
    message = "Enter the listing day (not after today)."
    for day in (TODAY + timedelta(days=1), None):
        assert refused(world, exchange, listing, "approve_listing",
                       data={"listed_on": day}) == message
    advance(world, exchange, listing, "approve_listing",
            data={"listed_on": TODAY - timedelta(days=3)})
    assert fresh(BoardListing, listing.id).listed_on == TODAY - timedelta(days=3)


def test_a_listing_code_is_used_once(world, exchange):
    first = listing_in(world, exchange, "listed")
    other = listing_in(world, exchange, "committee_review", founder=world.founder2)
    assert refused(world, exchange, other, "approve_listing",
                   data={"listing_code": first.listing_code}) == (
        f"Another firm is listed under the code {first.listing_code}.")
    assert refused(world, exchange, other, "approve_listing",
                   data={"listing_code": f" {first.listing_code} "}) == (
        f"Another firm is listed under the code {first.listing_code}.")
    # Even once the first firm has left the board, its code is not given again.
    advance(world, exchange, first, "propose_delisting")
    advance(world, exchange, first, "delist")
    assert refused(world, exchange, other, "approve_listing",
                   data={"listing_code": first.listing_code}) == (
        f"Another firm is listed under the code {first.listing_code}.")
    advance(world, exchange, other, "approve_listing")
    assert other.status == "listed" and other.listing_code != first.listing_code


def test_the_exchange_refuses_only_with_a_reason(world, exchange):
    for state, actor in (("exchange_review", exchange.officer),
                         ("committee_review", exchange.committee)):
        listing = listing_in(world, exchange, state)
        assert refused(world, exchange, listing, "exchange_refuse", actor=actor,
                       comment="") == "Please give a reason."
        advance(world, exchange, listing, "exchange_refuse", actor=actor)
        assert listing.status == "refused" and listing.listing_code is None


def test_the_officer_passes_and_only_the_committee_lists(world, exchange):
    listing = listing_in(world, exchange, "exchange_review")
    for actor in (exchange.officer, exchange.approver):
        assert refused(world, exchange, listing, "approve_listing", actor=actor,
                       error=engine.Forbidden) == "Your role may not do this."
    advance(world, exchange, listing, "exchange_pass")
    for actor in (exchange.officer, exchange.approver, exchange.broker_approver1):
        assert refused(world, exchange, listing, "approve_listing", actor=actor,
                       error=engine.Forbidden) == "Your role may not do this."
    advance(world, exchange, listing, "approve_listing")
    assert listing.status == "listed"


# --- tier moves ----------------------------------------------------------------------------


def test_a_tier_move_goes_to_another_tier(world, exchange):
    listing = listing_in(world, exchange, "listed", tier="incubation")
    assert listing.tier == "incubation"
    message = "Choose a tier other than the one the firm is on."
    for tier in ("incubation", "main_board", None):
        assert refused(world, exchange, listing, "move_tier", data={"tier": tier}) == message
    for tier in ("standard", "cultivation", "incubation"):
        advance(world, exchange, listing, "move_tier", data={"tier": tier})
        stored = fresh(BoardListing, listing.id)
        assert (stored.status, stored.tier) == ("listed", tier)
    assert set(TIERS) == {"incubation", "standard", "cultivation"}


def test_only_the_exchanges_officer_moves_a_tier(world, exchange):
    listing = listing_in(world, exchange, "listed")
    for actor in (exchange.committee, exchange.approver, world.founder,
                  exchange.broker_officer1):
        assert refused(world, exchange, listing, "move_tier", actor=actor,
                       error=engine.Forbidden) == "Your role may not do this."
    assert fresh(BoardListing, listing.id).tier == "incubation"


# --- delisting -----------------------------------------------------------------------------

LISTED_ON = date(TODAY.year - 2, 6, 1)  # its first annual report due on 30 April last year


def _late_listing(world, exchange) -> tuple[BoardListing, date]:
    """A listing of two years ago, its annual reports owed; (it, the first one's due day)."""
    listing = listing_in(world, exchange, "listed", listed_on=LISTED_ON)
    disclosure.schedule(listing, TODAY)
    db.session.commit()
    first = min(disclosure.disclosures_of(listing), key=lambda d: d.year)
    assert (first.year, first.due_on) == (LISTED_ON.year, date(LISTED_ON.year + 1, 4, 30))
    return listing, first.due_on


@pytest.mark.parametrize("reason", sorted(set(DELISTING_REASONS) - {"late_disclosure"}))
def test_the_officer_proposes_delisting_for_a_reason_and_the_committee_delists(
        world, exchange, reason):
    listing = listing_in(world, exchange, "listed")
    advance(world, exchange, listing, "propose_delisting", data={"reason": reason})
    assert (listing.status, listing.delisting_reason) == ("delisting_review", reason)
    assert refused(world, exchange, listing, "delist", comment="") == "Please give a reason."
    advance(world, exchange, listing, "delist")
    stored = fresh(BoardListing, listing.id)
    assert (stored.status, stored.delisting_reason, stored.ended_on, stored.market) == (
        "delisted", reason, TODAY, None)


def test_a_delisting_names_one_of_the_reasons(world, exchange):
    listing = listing_in(world, exchange, "listed")
    for reason in (None, "", "bored"):
        assert refused(world, exchange, listing, "propose_delisting",
                       data={"reason": reason}) == "Choose the reason for delisting."
    assert fresh(BoardListing, listing.id).delisting_reason is None


def test_late_disclosure_is_a_reason_only_once_a_report_is_late_by_the_policys_months(
        world, exchange):
    listing, due = _late_listing(world, exchange)
    limit = due + relativedelta(months=2)  # two months late: not yet more than two
    for day in (due, due + timedelta(days=1), limit):
        assert refused(world, exchange, listing, "propose_delisting", today=day,
                       data={"reason": "late_disclosure"}) == (
            "No annual report is more than 2 months late.")
    advance(world, exchange, listing, "propose_delisting", today=limit + timedelta(days=1),
            data={"reason": "late_disclosure"})
    assert (listing.status, listing.delisting_reason) == ("delisting_review",
                                                          "late_disclosure")


def test_the_months_late_before_delisting_are_the_policys(world, exchange):
    set_parameter("board_delisting_late_months", "3")
    listing, due = _late_listing(world, exchange)
    limit = due + relativedelta(months=3)
    assert refused(world, exchange, listing, "propose_delisting", today=limit,
                   data={"reason": "late_disclosure"}) == (
        "No annual report is more than 3 months late.")
    advance(world, exchange, listing, "propose_delisting", today=limit + timedelta(days=1),
            data={"reason": "late_disclosure"})
    assert listing.status == "delisting_review"


def test_a_filed_report_is_no_reason_to_delist(world, exchange):
    listing, due = _late_listing(world, exchange)
    for owed in disclosure.disclosures_of(listing):
        report = upload(listing, "annual_report", world.founder)
        disclosure.file_report(listing, owed, world.founder, report)
    assert refused(world, exchange, listing, "propose_delisting", today=TODAY,
                   data={"reason": "late_disclosure"}) == (
        "No annual report is more than 2 months late.")
    assert db.session.scalar(select(Disclosure.id).where(
        Disclosure.application_id == listing.id, Disclosure.filed_at.is_(None))) is None


def test_the_committee_keeps_a_listing_only_with_a_reason(world, exchange):
    listing = listing_in(world, exchange, "delisting_review")
    assert refused(world, exchange, listing, "keep_listed", comment="") == (
        "Please give a reason.")
    advance(world, exchange, listing, "keep_listed")
    stored = fresh(BoardListing, listing.id)
    assert (stored.status, stored.ended_on) == ("listed", None)


# --- the transfer to a higher market -------------------------------------------------------


@pytest.mark.parametrize("market", sorted(MARKETS))
def test_the_transfer_names_the_market(world, exchange, market):
    listing = listing_in(world, exchange, "listed")
    for wrong in (None, "", "nasdaq"):
        assert refused(world, exchange, listing, "transfer_up", data={"market": wrong}) == (
            "Choose the market the firm moves to.")
    advance(world, exchange, listing, "transfer_up", data={"market": market})
    stored = fresh(BoardListing, listing.id)
    assert (stored.status, stored.market, stored.ended_on, stored.delisting_reason) == (
        "transferred", market, TODAY, None)
    assert engine.available_actions(exchange.officer, stored) == []


def test_a_listing_that_ended_has_its_notice(world, exchange):
    delisted = listing_in(world, exchange, "delisted")
    transferred = listing_in(world, exchange, "transferred", founder=founder(world, 3))
    run_pending()
    stages = {a.status: sorted(db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == a.id))) for a in (delisted, transferred)}
    assert stages == {
        "delisted": ["application_form", "broker_recommendation", "delisting_notice",
                     "listing_notice", "park_opinion"],
        "transferred": ["application_form", "broker_recommendation", "listing_notice",
                        "park_opinion"]}


def test_two_firms_listed_at_once_under_one_code_get_it_once(app, world, exchange):
    first = listing_in(world, exchange, "committee_review")
    second = listing_in(world, exchange, "committee_review", founder=world.founder2)
    committee2 = factories.user("lc2@t.cn", "listing_committee", exchange.exchange)
    same = {"listing_code": "QD0007", "tier": "standard", "listed_on": TODAY}
    results = fire_together(app, [(first.id, "approve_listing", exchange.committee.id),
                                  (second.id, "approve_listing", committee2.id)],
                            data=[same, same])
    won = [r for r in results if isinstance(r, engine.Fired)]
    lost = [r for r in results if not isinstance(r, engine.Fired)]
    assert len(won) == 1 and len(lost) == 1, results
    assert isinstance(lost[0], engine.Conflict | engine.Refused), repr(lost[0])
    assert "QD0007" in lost[0].message
    db.session.expire_all()
    assert sorted((a.status, a.listing_code) for a in db.session.scalars(
        select(BoardListing))) == [("committee_review", None), ("listed", "QD0007")]
