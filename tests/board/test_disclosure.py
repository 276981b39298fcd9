"""A listed firm's annual reports: one owed for each year ended since the listing, due the
policy's 4 months after the year's end; the founder, and only the founder, files each once;
the daily job (``send_documents_due``) reminds the founder two weeks before the due day and
once it has passed, and tells the exchange's officers once a report is late, each notice
once, in words the reader understands; the scheduler proposes delisting the day a report is
late by more than the policy's 2 months, and the listing committee decides. A firm stays on
the board while its reward or its delisting is under review: it owes, files and is chased
for its reports all the same."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.jobs import fire_scheduled
from talentfin.models import Notification
from talentfin.models import TransitionLog
from talentfin.services.board import desk
from talentfin.services.notifications import notification_text
from talentfin.services.sla import send_documents_due
from talentfin.workflows import engine
from talentfin.workflows.board import disclosure
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Disclosure
from tests import factories
from tests.board.factories import TODAY
from tests.board.factories import advance
from tests.board.factories import founder
from tests.board.factories import fresh
from tests.board.factories import listing_in
from tests.board.factories import record
from tests.board.factories import refusal
from tests.board.factories import set_parameter
from tests.board.factories import upload

YEAR = TODAY.year
LISTED_ON = date(YEAR - 1, 6, 1)  # its first annual report (of last year) due 30 April
DUE = date(YEAR, 4, 30)


@pytest.fixture
def listed(world, exchange) -> BoardListing:
    """Founder 1's firm, listed on 1 June last year."""
    return listing_in(world, exchange, "listed", listed_on=LISTED_ON)


def _owed(listing) -> list[tuple[int, date, bool]]:
    db.session.expire_all()
    return sorted((d.year, d.due_on, d.filed_at is not None)
                  for d in disclosure.disclosures_of(listing))


def _report(listing, year: int) -> Disclosure:
    return next(d for d in disclosure.disclosures_of(listing) if d.year == year)


# --- what is owed --------------------------------------------------------------------------


def test_a_report_is_owed_for_each_year_ended_since_the_listing(world, exchange):
    listing = listing_in(world, exchange, "listed", listed_on=date(YEAR - 2, 12, 31))
    assert disclosure.schedule(listing, date(YEAR - 2, 12, 31)) == 0  # the year not ended
    assert disclosure.schedule(listing, date(YEAR - 1, 1, 1)) == 1
    assert _owed(listing) == [(YEAR - 2, date(YEAR - 1, 4, 30), False)]
    assert disclosure.schedule(listing, TODAY) == 1
    assert disclosure.schedule(listing, TODAY) == 0  # listed once
    assert _owed(listing) == [(YEAR - 2, date(YEAR - 1, 4, 30), False),
                              (YEAR - 1, date(YEAR, 4, 30), False)]
    assert disclosure.schedule(listing, date(YEAR + 1, 1, 1)) == 1
    assert _owed(listing)[-1] == (YEAR, date(YEAR + 1, 4, 30), False)


def test_a_firm_listed_this_year_owes_nothing_yet(world, exchange):
    listing = listing_in(world, exchange, "listed", listed_on=date(YEAR, 1, 1))
    assert disclosure.schedule(listing, TODAY) == 0
    assert _owed(listing) == []


def test_the_months_to_file_are_the_policy_tables(world, exchange, listed):
    set_parameter("board_annual_report_months", "3")
    disclosure.schedule(listed, TODAY)
    assert _owed(listed) == [(YEAR - 1, date(YEAR, 3, 31), False)]
    set_parameter("board_annual_report_months", "6", since=date(YEAR + 1, 1, 1))
    disclosure.schedule(listed, date(YEAR + 1, 1, 2))
    assert _owed(listed)[-1] == (YEAR, date(YEAR + 1, 6, 30), False)


# --- filing --------------------------------------------------------------------------------


def test_the_founder_files_each_report_once(world, exchange, listed):
    disclosure.schedule(listed, TODAY)
    db.session.commit()
    owed = _report(listed, YEAR - 1)
    report = upload(listed, "annual_report", world.founder)
    for user in (exchange.officer, exchange.committee, exchange.broker_officer1,
                 world.founder2):
        assert refusal(disclosure.file_report, listed, owed, user, report,
                       error=engine.Forbidden) == "The founder files the firm's annual report."
    assert _owed(listed) == [(YEAR - 1, DUE, False)]
    disclosure.file_report(listed, owed, world.founder, report)
    stored = fresh(Disclosure, owed.id)
    assert (stored.attachment_id, stored.filed_at is not None) == (report.id, True)
    again = upload(listed, "annual_report", world.founder)
    assert refusal(disclosure.file_report, listed, owed, world.founder, again,
                   error=engine.Conflict) == "This annual report was already filed."
    assert refusal(desk.file_annual_report, listed, owed.id, world.founder,
                   factories.pdf_upload()) == "This annual report was already filed."
    assert fresh(Disclosure, owed.id).attachment_id == report.id


def test_only_the_annual_report_of_this_listing_is_filed(world, exchange, listed):
    other = listing_in(world, exchange, "listed", founder=world.founder2, listed_on=LISTED_ON)
    for listing in (listed, other):
        disclosure.schedule(listing, TODAY)
    db.session.commit()
    owed = _report(listed, YEAR - 1)
    theirs = _report(other, YEAR - 1)
    assert refusal(desk.file_annual_report, listed, theirs.id, world.founder,
                   factories.pdf_upload()) == "This report is not owed on this listing."
    assert refusal(disclosure.file_report, listed, theirs, world.founder,
                   upload(listed, "annual_report", world.founder)) == (
        "This report is not owed on this listing.")
    licence = upload(listed, "annual_report", world.founder)
    licence.kind = "business_licence"
    db.session.commit()
    assert refusal(disclosure.file_report, listed, owed, world.founder, licence) == (
        "Upload the annual report itself.")
    assert _owed(listed) == [(YEAR - 1, DUE, False)]
    desk.file_annual_report(listed, owed.id, world.founder, factories.pdf_upload("年报.pdf"))
    assert _owed(listed) == [(YEAR - 1, DUE, True)]
    assert fresh(Disclosure, owed.id).attachment.original_name == "年报.pdf"


def test_a_firm_that_left_the_board_files_no_more(world, exchange, listed):
    disclosure.schedule(listed, TODAY)
    db.session.commit()
    report = upload(listed, "annual_report", world.founder)
    advance(world, exchange, listed, "propose_delisting", data={"reason": "left_district"})
    advance(world, exchange, listed, "delist")
    assert refusal(disclosure.file_report, listed, _report(listed, YEAR - 1), world.founder,
                   report) == "The firm is no longer listed."


@pytest.mark.parametrize("state", ["reward_review", "reward_approval", "delisting_review"])
def test_a_firm_whose_reward_or_delisting_is_under_review_is_still_listed(world, exchange,
                                                                          state):
    listing = listing_in(world, exchange, state)
    if state != "delisting_review":  # that one was listed two years ago
        listing.listed_on = LISTED_ON
        db.session.commit()
    sent = send_documents_due(date(YEAR, 5, 1))
    late = disclosure.late(listing, date(YEAR, 5, 1))
    assert YEAR - 1 in [d.year for d in late]
    assert sent == (1 + 2) * len(late)  # the founder, both officers
    owed = _report(listing, YEAR - 1)
    record(listing, world.founder, on=TODAY, amount_fen=1_000_00)  # a financing, too
    desk.file_annual_report(listing, owed.id, world.founder, factories.pdf_upload())
    assert (YEAR - 1, DUE, True) in _owed(listing)
    assert fresh(BoardListing, listing.id).status == state


# --- the daily job's notices ---------------------------------------------------------------


def _sent(kind: str | None = None) -> list[tuple[str, str, str]]:
    """(reader, kind, the notice's key without the listing) of every notice, sorted."""
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(
        Notification.kind.in_([kind] if kind else ["reminder", "escalation"])))
    return sorted((n.user.email, n.kind, n.dedupe_key.split(":", 2)[2]) for n in rows)


def _text(email: str, stage: str, locale: str = "en") -> tuple[str, str, int | None]:
    """The notice's title, body and link as its reader sees it (in English by default)."""
    notification = next(n for n in db.session.scalars(select(Notification))
                        if n.user.email == email and n.dedupe_key.endswith(stage))
    with force_locale(locale):
        shown = notification_text(notification, notification.user)
    return shown["title"], shown["body"], shown["application_id"]


def test_the_founder_is_reminded_then_the_exchanges_officers_are_told(world, exchange,
                                                                      listed):
    listing_in(world, exchange, "listed", founder=world.founder2, listed_on=LISTED_ON)
    ref, firm = listed.reference, "测试企业1"
    key = f"annual_report:{YEAR - 1}"
    assert send_documents_due(date(YEAR, 4, 15)) == 0  # 15 days ahead
    assert _owed(listed) == [(YEAR - 1, DUE, False)]  # owed all the same
    assert send_documents_due(date(YEAR, 4, 16)) == 2  # two weeks ahead: each founder
    assert _sent() == [("founder2@t.cn", "reminder", f"{key}:soon"),
                       ("founder@t.cn", "reminder", f"{key}:soon")]
    assert _text("founder@t.cn", "soon") == (
        f"{ref} · Annual report (年报) for {YEAR - 1} due on {DUE}",
        f"Please upload the Annual report (年报) of {firm} for {YEAR - 1} by {DUE}.",
        listed.id)
    title, body, _ = _text("founder@t.cn", "soon", "zh")  # the founder's own language
    assert all(part in title for part in (ref, str(YEAR - 1), str(DUE))) and firm in body
    for day in (17, 29, 30):  # told once; the due day itself is not late
        assert send_documents_due(date(YEAR, 4, day)) == 0
    assert send_documents_due(date(YEAR, 5, 1)) == 2 + 4  # each founder, both officers
    assert _sent("escalation") == sorted(
        (email, "escalation", f"{key}:escalated")
        for email in ("xo1@t.cn", "xo2@t.cn") for _ in range(2))
    assert _text("founder@t.cn", "late")[:2] == (
        f"Late: {ref} · Annual report (年报) for {YEAR - 1} was due on {DUE}",
        f"The Annual report (年报) of {firm} for {YEAR - 1} was due on {DUE}; please upload "
        "it now.")
    mine = next(n for n in db.session.scalars(select(Notification).where(
        Notification.kind == "escalation", Notification.application_id == listed.id))
        if n.user.email == "xo2@t.cn")
    with force_locale("en"):
        shown = notification_text(mine, mine.user)
    assert (shown["title"], shown["body"], shown["application_id"]) == (
        f"Overdue: {ref} · Annual report (年报) for {YEAR - 1} (due {DUE})",
        f"{firm} has not filed its Annual report (年报) for {YEAR - 1}, due on {DUE}. Please "
        "follow it up with the firm.", listed.id)
    # Nobody else of the exchange, the recommending institution or the pool is told.
    readers = {n.user.email for n in db.session.scalars(select(Notification).where(
        Notification.kind.in_(["reminder", "escalation"])))}
    assert readers == {"founder@t.cn", "founder2@t.cn", "xo1@t.cn", "xo2@t.cn"}
    assert send_documents_due(date(YEAR, 5, 2)) == 0
    assert len(_sent()) == 2 + 2 + 4  # each notice once


def test_a_filed_report_is_not_chased(world, exchange, listed):
    send_documents_due(date(YEAR, 4, 1))
    desk.file_annual_report(listed, _report(listed, YEAR - 1).id, world.founder,
                            factories.pdf_upload())
    for day in (date(YEAR, 4, 16), date(YEAR, 5, 1), date(YEAR, 7, 1)):
        assert send_documents_due(day) == 0
    assert _sent() == []


def test_inactive_accounts_are_not_told(world, exchange, listed):
    exchange.officer.active = False
    world.founder.active = False
    db.session.commit()
    assert send_documents_due(date(YEAR, 5, 1)) == 1
    assert _sent() == [("xo2@t.cn", "escalation", f"annual_report:{YEAR - 1}:escalated")]


def test_a_firm_that_left_the_board_is_not_chased(world, exchange, listed):
    send_documents_due(date(YEAR, 4, 1))
    advance(world, exchange, listed, "transfer_up")
    assert send_documents_due(date(YEAR, 5, 1)) == 0
    assert _sent() == []


# --- the scheduler's proposal --------------------------------------------------------------


def _proposed(listing) -> tuple[str, str | None, list]:
    stored = fresh(BoardListing, listing.id)
    flagged = [(log.actor_id, log.from_state, log.to_state) for log in db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == listing.id,
                                    TransitionLog.trigger == "flag_late_disclosure"))]
    return stored.status, stored.delisting_reason, flagged


def test_the_scheduler_proposes_delisting_once_a_report_is_two_months_late(world, exchange,
                                                                           listed):
    filed = listing_in(world, exchange, "listed", founder=world.founder2, listed_on=LISTED_ON)
    send_documents_due(date(YEAR, 4, 1))
    desk.file_annual_report(filed, _report(filed, YEAR - 1).id, world.founder2,
                            factories.pdf_upload())
    assert fire_scheduled("propose_delistings", DUE) == 0
    assert fire_scheduled("propose_delistings", date(YEAR, 6, 30)) == 0  # two months late
    assert _proposed(listed) == ("listed", None, [])
    assert fire_scheduled("propose_delistings", date(YEAR, 7, 1)) == 1  # more than two
    assert _proposed(listed) == ("delisting_review", "late_disclosure",
                                 [(None, "listed", "delisting_review")])
    assert fresh(BoardListing, filed.id).status == "listed"
    assert fire_scheduled("propose_delistings", date(YEAR, 7, 2)) == 0  # proposed once
    # The committee decides: the firm keeps its listing once it files.
    desk.file_annual_report(listed, _report(listed, YEAR - 1).id, world.founder,
                            factories.pdf_upload())
    advance(world, exchange, listed, "keep_listed")
    assert fire_scheduled("propose_delistings", date(YEAR, 7, 3)) == 0
    assert fresh(BoardListing, listed.id).status == "listed"


def test_the_months_before_the_proposal_are_the_policy_tables(world, exchange, listed):
    set_parameter("board_delisting_late_months", "3")
    send_documents_due(date(YEAR, 4, 1))
    # 30 April + 3 months is 30 July: late by more than that from the 31st.
    assert fire_scheduled("propose_delistings", date(YEAR, 7, 30)) == 0
    assert fire_scheduled("propose_delistings", date(YEAR, 7, 31)) == 1
    assert _proposed(listed)[:2] == ("delisting_review", "late_disclosure")


def test_the_committee_delists_a_firm_the_scheduler_proposed(world, exchange, listed):
    send_documents_due(date(YEAR, 4, 1))
    fire_scheduled("propose_delistings", date(YEAR, 7, 1))
    db.session.expire_all()
    advance(world, exchange, listed, "delist")
    stored = fresh(BoardListing, listed.id)
    assert (stored.status, stored.delisting_reason, stored.ended_on) == (
        "delisted", "late_disclosure", TODAY)
    assert send_documents_due(date(YEAR, 7, 2)) == 0  # no longer chased


def test_a_firm_with_another_founders_late_report_is_not_proposed(world, exchange):
    mine = listing_in(world, exchange, "listed", listed_on=date(YEAR, 1, 1))
    theirs = listing_in(world, exchange, "listed", founder=founder(world, 5),
                        listed_on=LISTED_ON)
    send_documents_due(date(YEAR, 4, 1))
    assert fire_scheduled("propose_delistings", date(YEAR, 7, 1)) == 1
    assert (fresh(BoardListing, mine.id).status,
            fresh(BoardListing, theirs.id).status) == ("listed", "delisting_review")


def test_a_firm_late_for_several_years_is_one_delisting_candidate(world, exchange):
    listing = listing_in(world, exchange, "listed", listed_on=date(YEAR - 3, 6, 1))
    disclosure.schedule(listing, TODAY)
    db.session.commit()
    late = [d for d in disclosure.disclosures_of(listing) if d.filed_at is None]
    page = desk.exchange_page(TODAY)
    # Two or more years' reports are late beyond the limit; the firm is listed once, with
    # its oldest report owed.
    assert len([d for d, lst in page.late if lst.id == listing.id]) == len(late) >= 2
    assert [(d.year, lst.id) for d, lst in page.candidates] == [
        (min(d.year for d in late), listing.id)]
