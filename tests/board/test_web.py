"""人才板 through the web client as each role does it: the founder applies (the cap on
holders said clearly), the park recommends, the recommending institution's officer uploads
both reports and submits, its approver recommends, the exchange's officer passes, the
listing committee lists with a code; the founder records a financing on the listing's page,
the exchange's officer verifies it, the founder asks for the reward, the programme's
administrator recommends and its committee approves, and the ledger shows the entry. The
exchange's book (listings by tier, reports due and late, delisting candidates, financings to
verify); the 404 rule for everyone off the route, on the pages and every board POST route;
the exchange's book for the exchange alone; no input a server error."""

import html
import io
import re
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import TransitionLog
from talentfin.pool.models import LedgerEntry
from talentfin.workflows.board import disclosure
from talentfin.workflows.board.definition import WORKFLOW
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Disclosure
from talentfin.workflows.board.models import Financing
from talentfin.workflows.board.models import Reward
from tests import factories
from tests.board.factories import REQUIRED
from tests.board.factories import TODAY
from tests.board.factories import founder
from tests.board.factories import listing_in
from tests.board.factories import record
from tests.board.factories import set_parameter
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import text as raw_text
from tests.web import upload

YEAR = TODAY.year
PURPOSE = "专注工业传感器研发，计划通过挂牌引入合格投资者并规范公司治理。"


def text(response) -> str:
    """The page as the user reads it (entities decoded)."""
    return html.unescape(raw_text(response))


def card(page: str, element_id: str) -> str:
    """The part of a page from the element with this id to the end of its card."""
    start = page.find(f'id="{element_id}"')
    if start < 0:
        return ""
    end = page.find('<div class="card shadow-sm', start)
    return page[start:end if end > 0 else None]


def section(page: str, element_id: str) -> str:
    """The table with this id on the exchange's book."""
    start = page.find(f'id="{element_id}"')
    if start < 0:
        return ""
    return page[start:page.find("</table>", start)]


def rows(page: str, element_id: str) -> list[str]:
    """The body rows of a table, each as its cells' text joined by " | "."""
    body = section(page, element_id).split("<tbody>", 1)[-1]
    return [" | ".join(re.sub(r"<[^>]+>", "", cell).strip()
                       for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def flashes(page: str) -> str:
    """The flashed messages of a page."""
    return " ".join(re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S))


def status_of(page: str) -> str:
    """The status badge as the user reads it."""
    found = re.search(r'id="status">([^<]*)<', page)
    assert found, "no status badge on the page"
    return found.group(1).strip()


def _page(client, application_id: int) -> str:
    response = client.get(f"/applications/{application_id}")
    assert response.status_code == 200, response.status_code
    return text(response)


def _message(client, response) -> str:
    """The flashed message of the page a POST redirected to."""
    assert response.status_code == 302, (response.status_code, text(response)[-1500:])
    return flashes(text(client.get(response.location)))


def done(client, application_id: int, trigger: str, **fields) -> None:
    """Fire a transition's form that must go through."""
    response = fire(client, application_id, trigger, **fields)
    assert response.status_code == 302, (trigger, text(response)[-3000:])


def refused(client, application_id: int, trigger: str, **fields) -> str:
    """Fire a transition's form that must be refused; the page the user then reads."""
    response = fire(client, application_id, trigger, **fields)
    assert response.status_code == 422, (response.status_code, text(response)[-2000:])
    return text(response)


def stage_upload(client, application_id: int, kind: str, name: str | None = None):
    """Upload a paper of a later stage from the application page."""
    return client.post(f"/applications/{application_id}/documents", data={
        "document-kind": kind, "document-file": (io.BytesIO(DEMO_PDF), name or f"{kind}.pdf")},
        content_type="multipart/form-data")


def post_financing(client, application_id: int, **fields):
    """The financing form of the listing's page."""
    data = {"on": TODAY.isoformat(), "instrument": "private_placement",
            "amount": "6,000,000", "investors": "5", "holders_after": "185",
            "qualified": "y", **fields}
    return client.post(f"/board/{application_id}/financings",
                       data={f"financing-{k}": v for k, v in data.items() if v is not None})


def post_report(client, application_id: int, disclosure_id: int, name: str = "年报.pdf"):
    """The founder files an annual report from the listing's page."""
    return client.post(f"/board/{application_id}/annual-reports/{disclosure_id}",
                       data={f"report-{disclosure_id}-report": (io.BytesIO(DEMO_PDF), name)},
                       content_type="multipart/form-data")


def _new_application(client) -> int:
    """The founder's "new application" button for 人才板 (with its one-time token)."""
    page = text(client.get("/applications/"))
    assert 'id="new-board"' in page
    token = re.search(r'value="board">\s*<input type="hidden" name="opened_with" '
                      r'value="([^"]+)"', page).group(1)
    response = client.post("/applications/new", data={"product": "board",
                                                      "opened_with": token})
    assert "/edit/company" in response.location
    return int(response.location.split("/")[-3])


def _request(client, application_id: int, broker_id: int, **changes):
    return client.post(f"/applications/{application_id}/edit/request", data={
        "partner_org_id": str(broker_id), "requested_tier": "standard", "shareholders": "180",
        "purpose": PURPOSE, **changes})


# --- the route -----------------------------------------------------------------------------


def test_the_founder_is_told_the_cap_on_holders_on_the_request_step(client, auth, world,
                                                                    exchange):
    login(auth, world.founder)
    application_id = _new_application(client)
    page = text(client.get(f"/applications/{application_id}/edit/request"))
    assert "a listed firm has at most 200 holders" in page
    over = _request(client, application_id, exchange.broker1.id, shareholders="201")
    assert over.status_code == 302 and over.location.endswith("/edit/request")
    page = text(client.get(over.location))
    assert "Saved. What the application still needs is listed below." in flashes(page)
    assert ("A board-listed firm has at most 200 holders (CSRC Order No. 132); the firm has "
            "201.") in card(page, "request-problems")
    assert fresh(application_id).shareholders == 201
    for kind in REQUIRED:
        assert upload(client, application_id, kind).status_code == 302
    review = text(client.get(f"/applications/{application_id}/edit/review"))
    assert "the firm has 201." in review
    early = fire(client, application_id, "submit")
    assert early.location.endswith("/edit/review") and fresh(application_id).status == "draft"
    assert "the firm has 201." in flashes(text(client.get(early.location)))
    # A number no firm has is refused on the field itself, the draft kept as it was.
    wild = _request(client, application_id, exchange.broker1.id, shareholders="100001")
    assert wild.status_code == 422
    assert "The number must be at most 100000." in text(wild)
    assert fresh(application_id).shareholders == 201
    fixed = _request(client, application_id, exchange.broker1.id, shareholders="200")
    assert fixed.status_code == 302 and fixed.location.endswith("/edit/documents")
    assert fire(client, application_id, "submit").status_code == 302
    assert fresh(application_id).status == "park_review"


def test_a_listing_from_the_application_to_the_reward_on_the_ledger(client, auth, world,
                                                                    exchange):
    factories.fund_pool(world)
    # --- the founder applies ---------------------------------------------------------------
    login(auth, world.founder)
    application_id = _new_application(client)
    assert _request(client, application_id, exchange.broker1.id).status_code == 302
    for kind in REQUIRED:
        assert upload(client, application_id, kind).status_code == 302
    assert fire(client, application_id, "submit").status_code == 302
    page = _page(client, application_id)
    assert status_of(page) == "Park review"
    reference = fresh(application_id).reference

    # --- the park recommends the firm to the recommending institution ----------------------
    switch_to(auth, world.park_reviewer)
    assert reference in text(client.get("/queue/"))
    done(client, application_id, "park_approve", comment="企业在园区内正常经营，同意推荐。")
    assert fresh(application_id).status == "broker_dd"

    # --- the recommending officer uploads both reports and submits -------------------------
    switch_to(auth, exchange.broker_officer1)
    assert reference in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert status_of(page) == "Recommending institution's due diligence"
    assert 'id="action-broker_submit"' in page
    early = refused(client, application_id, "broker_submit", comment="尽调完成。")
    assert "Upload the due diligence report and the recommendation report first." in early
    assert stage_upload(client, application_id, "dd_report").status_code == 302
    early = refused(client, application_id, "broker_submit", comment="尽调完成。")
    assert "Upload the due diligence report and the recommendation report first." in early
    assert stage_upload(client, application_id, "recommendation_report").status_code == 302
    done(client, application_id, "broker_submit", comment="尽调完成，提请审批。")
    assert fresh(application_id).status == "broker_approval"

    # --- the recommending institution's approver recommends the firm to the exchange -------
    switch_to(auth, exchange.broker_approver1)
    assert reference in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert "dd_report.pdf" in page and "recommendation_report.pdf" in page
    done(client, application_id, "broker_recommend", comment="同意推荐挂牌。")
    assert fresh(application_id).status == "exchange_review"

    # --- the exchange's officer passes it to the listing committee -------------------------
    switch_to(auth, exchange.officer)
    assert reference in text(client.get("/queue/"))
    done(client, application_id, "exchange_pass", comment="材料齐备，提交挂牌委员会。")
    assert fresh(application_id).status == "committee_review"

    # --- the listing committee lists it with a code ----------------------------------------
    switch_to(auth, exchange.committee)
    assert reference in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert 'id="action-approve_listing"' in page
    future = refused(client, application_id, "approve_listing", listing_code="QD0101",
                     tier="standard", listed_on=(TODAY + timedelta(days=1)).isoformat(),
                     comment="同意挂牌。")
    assert "alert-danger" in future and fresh(application_id).status == "committee_review"
    done(client, application_id, "approve_listing", listing_code="QD0101", tier="standard",
         listed_on=TODAY.isoformat(), comment="同意挂牌。")
    listing = fresh(application_id)
    assert (listing.status, listing.listing_code, listing.tier, listing.listed_on) == (
        "listed", "QD0101", "standard", TODAY)
    page = _page(client, application_id)
    assert status_of(page) == "Listed"
    assert f"QD0101 · Standard tier (规范层) · {TODAY}" in card(page, "listing")

    # --- the founder records a financing on the page ---------------------------------------
    switch_to(auth, world.founder)
    page = _page(client, application_id)
    assert 'id="financing-form"' in page and "No financing recorded." in card(page,
                                                                               "financings")
    over = post_financing(client, application_id, holders_after="201")
    assert ("The firm would have 201 holders; a board-listed firm has at most 200 (CSRC "
            "Order No. 132).") in _message(client, over)
    unqualified = post_financing(client, application_id, qualified=None)
    assert "Only qualified investors may invest on the board" in _message(client, unqualified)
    # A figure the form cannot read: the message above the page names its field, in the
    # reader's language.
    odd = post_financing(client, application_id, investors="abc")
    assert "Investors: Enter a whole number." in _message(client, odd)
    client.post("/language", data={"lang": "zh"})
    odd = post_financing(client, application_id, investors="五", holders_after="")
    told = _message(client, odd)
    assert "投资者人数：请输入整数。" in told and "融资后股东人数" in told, told
    client.post("/language", data={"lang": "en"})
    assert db.session.scalar(select(func.count(Financing.id))) == 0
    recorded = post_financing(client, application_id)
    assert "The financing is recorded." in _message(client, recorded)
    financings = card(_page(client, application_id), "financings")
    assert "6,000,000.00" in financings and "to be verified" in financings
    assert "Verified this year: 0.00 yuan; the reward it earns: 0.00 yuan." in financings
    assert "/verify" not in financings and ">Verify<" not in financings

    # --- the exchange's officer verifies it ------------------------------------------------
    switch_to(auth, exchange.officer)
    book = text(client.get("/board/exchange"))
    assert [row.split(" | ")[:4] for row in rows(book, "to-verify")] == [
        ["QD0101", "测试企业1", str(TODAY), "6,000,000.00"]]
    item = db.session.scalars(select(Financing)).one()
    page = _page(client, application_id)
    assert f"/board/{application_id}/financings/{item.id}/verify" in page
    verified = client.post(f"/board/{application_id}/financings/{item.id}/verify")
    assert "The financing is verified." in _message(client, verified)
    again = client.post(f"/board/{application_id}/financings/{item.id}/verify")
    assert "This financing is verified already." in _message(client, again)
    assert "Nothing to verify." in section(text(client.get("/board/exchange")), "to-verify")

    # --- the founder asks for the year's reward --------------------------------------------
    switch_to(auth, world.founder)
    page = _page(client, application_id)
    assert ("Verified this year: 6,000,000.00 yuan; the reward it earns: 300,000.00 yuan."
            in card(page, "financings"))
    assert 'id="action-request_reward"' in page
    done(client, application_id, "request_reward", year=str(YEAR), comment="申请挂牌融资奖励。")
    assert fresh(application_id).status == "reward_review"

    # --- the programme's administrator recommends, its committee approves ------------------
    switch_to(auth, world.pool_admin)
    assert reference in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert status_of(page) == "Financing reward under review"
    done(client, application_id, "recommend_reward", comment="融资已核实，建议给予奖励。")
    assert fresh(application_id).status == "reward_approval"
    switch_to(auth, world.committee)
    assert reference in text(client.get("/queue/"))
    done(client, application_id, "approve_reward", comment="同意拨付。")
    listing = fresh(application_id)
    assert (listing.status, listing.reward_year) == ("listed", YEAR)
    reward = db.session.scalars(select(Reward)).one()
    assert (reward.amount_fen, reward.maker_id, reward.checker_id) == (
        300_000_00, world.pool_admin.id, world.committee.id)
    page = _page(client, application_id)
    assert (f"{YEAR}: 300,000.00 yuan for 6,000,000.00 yuan raised, paid on {TODAY}"
            in card(page, "rewards"))

    # --- the ledger page shows the entry ---------------------------------------------------
    ledger = text(client.get("/pool/ledger?kind=financing_reward"))
    entry = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.kind == "financing_reward")).one()
    shown = ledger[ledger.find(f'id="entry-{entry.id}"'):]
    assert "1 entry" in ledger
    assert "Financing reward (programme budget)" in shown
    assert f"Financing reward on listing {reference}" in shown
    assert re.search(r"Financing rewards paid</td>.*?300,000\.00</td>\s*<td[^>]*></td>",
                     shown, re.S)
    assert re.search(r"Programme budget</td>.*?<td[^>]*></td>\s*<td[^>]*>300,000\.00</td>",
                     shown, re.S)
    assert "Maker: pool" in shown and "Checker: committee" in shown


# --- the exchange's book -------------------------------------------------------------------


def test_the_exchanges_book_lists_tiers_reports_due_and_late_candidates_and_financings(
        client, auth, world, exchange):
    # Reports due at the end of this month: last year's is due soon, the year before's late.
    set_parameter("board_annual_report_months", str(TODAY.month))
    due = listing_in(world, exchange, "listed", listed_on=date(YEAR - 1, 1, 2),
                     tier="incubation")
    late = listing_in(world, exchange, "listed", founder=world.founder2,
                      listed_on=date(YEAR - 2, 1, 2), tier="standard")
    reviewing = listing_in(world, exchange, "reward_review", founder=founder(world, 3),
                           tier="cultivation")
    listing_in(world, exchange, "delisted", founder=founder(world, 4), tier="cultivation")
    for listing in (due, late, reviewing):
        disclosure.schedule(listing, TODAY)
    db.session.commit()
    unverified = record(late, world.founder2, on=TODAY, amount_fen=2_500_000_00)
    # The end of this month (this year's and last year's), as the policy now makes them.
    end_of_month, last_year = disclosure.due_on(YEAR - 1, TODAY), disclosure.due_on(YEAR - 2,
                                                                                    TODAY)
    assert TODAY <= end_of_month <= TODAY + timedelta(days=31)
    assert (end_of_month.month, last_year.month, last_year.year) == (TODAY.month, TODAY.month,
                                                                     YEAR - 1)

    login(auth, exchange.officer)
    book = text(client.get("/board/exchange"))
    assert rows(book, "by-tier") == ["Incubation tier (孵化层) | 1", "Standard tier (规范层) | 1",
                                     "Cultivation tier (培育层) | 1"]
    assert rows(book, "due") == [
        f"{due.listing_code} | 测试企业1 | {YEAR - 1} | {end_of_month}",
        f"{late.listing_code} | 测试企业2 | {YEAR - 1} | {end_of_month}"]
    assert rows(book, "late") == [f"{late.listing_code} | 测试企业2 | {YEAR - 2} | {last_year}"]
    assert rows(book, "candidates") == [
        f"{late.listing_code} | 测试企业2 | {YEAR - 2} | {last_year}"]
    assert rows(book, "to-verify") == [
        f"{late.listing_code} | 测试企业2 | {TODAY} | 2,500,000.00"]
    assert f'href="/applications/{late.id}#financings"' in section(book, "to-verify")
    assert f'href="/applications/{late.id}#annual-reports"' in section(book, "late")

    # A report late by less than the policy's months is late, not yet a candidate.
    set_parameter("board_delisting_late_months", "13", since=TODAY)
    book = text(client.get("/board/exchange"))
    assert len(rows(book, "late")) == 1 and "No candidate." in section(book, "candidates")

    # Filed and verified, nothing is left; the founder files on the listing's page.
    switch_to(auth, world.founder2)
    for owed in disclosure.disclosures_of(late):
        assert "The annual report is filed." in _message(
            client, post_report(client, late.id, owed.id))
    switch_to(auth, exchange.officer2)
    verified = client.post(f"/board/{late.id}/financings/{unverified.id}/verify")
    assert "The financing is verified." in _message(client, verified)
    book = text(client.get("/board/exchange"))
    assert "None late." in section(book, "late") and "No candidate." in section(
        book, "candidates")
    assert "Nothing to verify." in section(book, "to-verify")
    assert [row.split(" | ")[0] for row in rows(book, "due")] == [due.listing_code]


@pytest.mark.parametrize("role", ["officer", "approver", "committee"])
def test_the_exchanges_staff_read_their_book(client, auth, world, exchange, role):
    login(auth, getattr(exchange, role))
    response = client.get("/board/exchange")
    assert response.status_code == 200
    page = text(response)
    for part in ("by-tier", "due", "late", "candidates", "to-verify"):
        assert f'id="{part}"' in page, part
    assert 'href="/board/exchange"' in text(client.get("/queue/"))


def _others(world, exchange) -> dict:
    """Staff of every other kind of organisation, and the programme's other roles."""
    fund = factories.organisation("fund", "fund-1", "一号基金")
    insurer = factories.organisation("insurer", "insurer-1", "一号保险")
    underwriter = factories.organisation("underwriter", "uw-1", "一号证券")
    return {
        "bank_officer": world.officer1, "bank_approver": world.approver1,
        "fund_officer": factories.user("im@t.cn", "fund_officer", fund),
        "fund_ic": factories.user("ic@t.cn", "fund_ic", fund),
        "insurer_officer": factories.user("io@t.cn", "insurer_officer", insurer),
        "insurer_approver": factories.user("ia@t.cn", "insurer_approver", insurer),
        "underwriter_officer": factories.user("uo@t.cn", "underwriter_officer", underwriter),
        "underwriter_approver": factories.user("ua@t.cn", "underwriter_approver",
                                               underwriter),
        "broker_officer2": exchange.broker_officer2,
        "broker_approver2": exchange.broker_approver2,
        "founder2": world.founder2, "park2_reviewer": world.park2_reviewer,
        "admin": world.admin,
    }


def test_the_exchanges_book_is_404_for_every_other_role(client, auth, world, exchange):
    listing_in(world, exchange, "listed")
    users = {**_others(world, exchange), "founder": world.founder,
             "park_reviewer": world.park_reviewer, "broker_officer": exchange.broker_officer1,
             "broker_approver": exchange.broker_approver1, "pool_admin": world.pool_admin,
             "committee": world.committee, "auditor": world.auditor}
    wrong = []
    for name, user in users.items():
        login(auth, user)
        if client.get("/board/exchange").status_code != 404:
            wrong.append(name)
        if 'href="/board/exchange"' in text(client.get("/", follow_redirects=True)):
            wrong.append(f"{name}'s navigation")
        auth.logout()
    assert wrong == []


# --- the 404 rule --------------------------------------------------------------------------

MISSING_ID = 999_999


def _page_without_return(response) -> str:
    """The body without the language switch's return address (the only per-URL part)."""
    return re.sub(r'name="next" value="[^"]*"', "", text(response))


def _posts(listing_id: int, financing_id: int, disclosure_id: int) -> list[tuple[str, dict]]:
    """Every POST route on a listing, with what a determined user would send."""
    return [
        (f"/board/{listing_id}/financings",
         {"financing-on": TODAY.isoformat(), "financing-instrument": "private_placement",
          "financing-amount": "1,000,000", "financing-investors": "2",
          "financing-holders_after": "20", "financing-qualified": "y"}),
        (f"/board/{listing_id}/financings/{financing_id}/verify", {}),
        (f"/board/{listing_id}/annual-reports/{disclosure_id}",
         {f"report-{disclosure_id}-report": (io.BytesIO(DEMO_PDF), "r.pdf")}),
        (f"/applications/{listing_id}/documents",
         {"document-kind": "dd_report", "document-file": (io.BytesIO(DEMO_PDF), "x.pdf")}),
        (f"/applications/{listing_id}/claim", {}),
        *((f"/applications/{listing_id}/fire/{t.trigger}",
           {f"{t.trigger}-comment": "outsider", f"{t.trigger}-listing_code": "X1",
            f"{t.trigger}-tier": "standard", f"{t.trigger}-listed_on": TODAY.isoformat(),
            f"{t.trigger}-year": str(YEAR), f"{t.trigger}-reason": "voluntary",
            f"{t.trigger}-market": "neeq"})
          for t in WORKFLOW.transitions),
    ]


def _footprint(listing_id: int) -> tuple:
    listing = fresh(listing_id)
    counts = [db.session.scalar(select(func.count()).select_from(model).where(
        model.application_id == listing_id))
        for model in (Attachment, Financing, Disclosure, Reward, TransitionLog)]
    verified = db.session.scalar(select(func.count(Financing.id)).where(
        Financing.application_id == listing_id, Financing.verified_at.is_not(None)))
    filed = db.session.scalar(select(func.count(Disclosure.id)).where(
        Disclosure.application_id == listing_id, Disclosure.filed_at.is_not(None)))
    return (listing.status, listing.version, listing.claimed_by_id, listing.tier, verified,
            filed, *counts)


def _listings(world, exchange) -> dict[str, BoardListing]:
    """Founder 1's listings through broker 1 where every POST route could act: due
    diligence, the listing (a financing to verify, a report owed), the reward's review."""
    listings = {state: listing_in(world, exchange, state, listed_on=date(YEAR - 1, 3, 1))
                for state in ("broker_dd", "listed", "reward_review")}
    for state in ("listed", "reward_review"):
        record(listings[state], world.founder, on=TODAY, amount_fen=1_000_00)
        disclosure.schedule(listings[state], TODAY)
    db.session.commit()
    return listings


def _ids(listing_id: int) -> tuple[int, int]:
    financing = db.session.scalar(select(Financing.id).where(
        Financing.application_id == listing_id).limit(1))
    report = db.session.scalar(select(Disclosure.id).where(
        Disclosure.application_id == listing_id).limit(1))
    return financing or MISSING_ID, report or MISSING_ID


def test_outsiders_get_the_same_404_as_for_nothing_on_every_page_and_post(
        client, auth, world, exchange):
    listings = _listings(world, exchange)
    before = {state: _footprint(lst.id) for state, lst in listings.items()}
    outsiders = _others(world, exchange)
    wrong = []
    for name, user in outsiders.items():
        login(auth, user)
        missing = _page_without_return(client.get(f"/applications/{MISSING_ID}"))
        for state, listing in listings.items():
            for url in (f"/applications/{listing.id}",
                        f"/applications/{listing.id}/edit/request",
                        f"/applications/{listing.id}/edit/review"):
                response = client.get(url)
                if response.status_code != 404 or _page_without_return(response) != missing:
                    wrong.append(f"{name} GET {url} in {state}: {response.status_code}")
            for url, data in _posts(listing.id, *_ids(listing.id)):
                response = client.post(url, data=data, content_type="multipart/form-data")
                if response.status_code != 404:
                    wrong.append(f"{name} POST {url} in {state}: {response.status_code}")
            for page in ("/queue/?status=all", "/applications/", "/notifications/"):
                if listing.reference in text(client.get(page)):
                    wrong.append(f"{name} lists {state} on {page}")
        auth.logout()
    assert wrong == []
    assert {state: _footprint(lst.id) for state, lst in listings.items()} == before


def test_the_exchange_and_the_pool_know_a_listing_only_once_it_reaches_them(
        client, auth, world, exchange):
    at_broker = listing_in(world, exchange, "broker_approval")
    listed = listing_in(world, exchange, "listed", founder=world.founder2)
    wrong = []
    for user in (exchange.officer, exchange.committee, exchange.approver):
        login(auth, user)
        if client.get(f"/applications/{at_broker.id}").status_code != 404:
            wrong.append(f"{user.email} sees it at the recommending institution")
        if client.get(f"/applications/{listed.id}").status_code != 200:
            wrong.append(f"{user.email} does not see the listing")
        auth.logout()
    for user in (world.pool_admin, world.committee):
        login(auth, user)
        for listing in (at_broker, listed):
            if client.get(f"/applications/{listing.id}").status_code != 404:
                wrong.append(f"{user.email} sees {listing.status} before a reward is asked")
        auth.logout()
    assert wrong == []


def test_on_the_route_but_not_the_one_to_act(client, auth, world, exchange):
    listing = listing_in(world, exchange, "listed", listed_on=date(YEAR - 1, 3, 1))
    theirs = record(listing, world.founder, on=TODAY, amount_fen=1_000_00)
    disclosure.schedule(listing, TODAY)
    db.session.commit()
    owed = disclosure.disclosures_of(listing)[0]
    before = _footprint(listing.id)
    wrong = []
    for user in (exchange.broker_officer1, exchange.broker_approver1, world.park_reviewer,
                 exchange.approver, exchange.committee, world.auditor):
        login(auth, user)
        page = _page(client, listing.id)
        if 'id="financing-form"' in page or f"/financings/{theirs.id}/verify" in page \
                or f"/annual-reports/{owed.id}" in page:
            wrong.append(f"{user.email} is offered a form")
        told = {
            "record": _message(client, post_financing(client, listing.id)),
            "verify": _message(client, client.post(
                f"/board/{listing.id}/financings/{theirs.id}/verify")),
            "report": _message(client, post_report(client, listing.id, owed.id)),
        }
        expected = {
            "record": "The firm's founder or the exchange's officer records a financing.",
            "verify": "The exchange's officer verifies financings.",
            "report": "There is no document for you to upload on this application now."}
        for action, message in expected.items():
            if message not in told[action]:
                wrong.append(f"{user.email} {action}: {told[action]}")
        auth.logout()
    assert wrong == []
    assert _footprint(listing.id) == before


# --- odd input -----------------------------------------------------------------------------

HUGE = "99999999999999999999"


def _status(call) -> int | str:
    try:
        return call().status_code
    except Exception as exc:  # noqa: BLE001 - the test client re-raises the 500's cause
        return type(exc).__name__


def test_odd_input_on_the_request_step_is_refused_with_a_message(client, auth, world,
                                                                 exchange):
    listing = listing_in(world, exchange, "draft", shareholders=12)
    login(auth, world.founder)
    odd = [{"shareholders": HUGE}, {"shareholders": "-5"}, {"shareholders": "0"},
           {"shareholders": "abc"}, {"shareholders": "1e3"}, {"shareholders": ""},
           {"requested_tier": "main_board"}, {"requested_tier": ""},
           {"partner_org_id": "abc"}, {"partner_org_id": "999999"},
           {"partner_org_id": str(world.bank1.id)}, {"purpose": "短"},
           {"purpose": "长" * 2001}, {}]
    wrong = []
    for changes in odd:
        data = {"partner_org_id": str(exchange.broker1.id), "requested_tier": "standard",
                "shareholders": "30", "purpose": PURPOSE, **changes}
        if not changes:
            data = {}
        response = client.post(f"/applications/{listing.id}/edit/request", data=data)
        if response.status_code != 422 or "is-invalid" not in raw_text(response):
            wrong.append(f"{changes}: {response.status_code}")
    assert wrong == []
    assert (fresh(listing.id).shareholders, fresh(listing.id).requested_tier) == (12,
                                                                                 "incubation")
    nul = {"partner_org_id": str(exchange.broker1.id), "requested_tier": "standard",
           "shareholders": "30", "purpose": "专注工业\x00传感器研发与量产。"}
    assert _status(lambda: client.post(f"/applications/{listing.id}/edit/request",
                                       data=nul)) == 302
    assert fresh(listing.id).purpose == "专注工业传感器研发与量产。"


FINANCING_ODD = [
    {"amount": HUGE}, {"amount": "1e9"}, {"amount": "-5"}, {"amount": "0"}, {"amount": ""},
    {"amount": "abc"}, {"investors": HUGE}, {"investors": "-1"}, {"investors": "0"},
    {"holders_after": HUGE}, {"holders_after": "0"}, {"on": "9999-99-99"},
    {"on": "2999-01-01"}, {"on": "0001-01-01"}, {"on": ""}, {"instrument": "public_bond"},
    {"instrument": ""}, {"amount": "\x00"}, {"on": "\x00"}, {"investors": "\x00"},
]


def test_odd_input_on_the_listings_forms_never_gives_a_server_error(client, auth, world,
                                                                   exchange):
    listing = listing_in(world, exchange, "listed", listed_on=date(YEAR - 1, 3, 1))
    theirs = record(listing, world.founder, on=TODAY, amount_fen=1_000_00)
    disclosure.schedule(listing, TODAY)
    db.session.commit()
    owed = disclosure.disclosures_of(listing)[0]
    before = _footprint(listing.id)
    wrong = []
    for user in (world.founder, exchange.officer):
        login(auth, user)
        for fields in FINANCING_ODD:
            status = _status(lambda f=fields: post_financing(client, listing.id, **f))
            if status != 302:
                wrong.append(f"{user.email} financing {fields}: {status}")
        for data in ({}, {"financing-amount": "\x00"}):  # an empty form
            status = _status(lambda d=data: client.post(f"/board/{listing.id}/financings",
                                                        data=d))
            if status != 302:
                wrong.append(f"{user.email} empty financing: {status}")
        for url in (f"/board/{listing.id}/financings/{HUGE}/verify",
                    f"/board/{listing.id}/financings/2147483648/verify",
                    f"/board/{listing.id}/annual-reports/{HUGE}",
                    f"/board/{HUGE}/financings", f"/board/{MISSING_ID}/financings"):
            status = _status(lambda u=url: client.post(u))
            if status != 404:
                wrong.append(f"{user.email} {url}: {status}")
        status = _status(lambda: client.post(
            f"/board/{listing.id}/financings/{MISSING_ID}/verify"))
        if status != 302:
            wrong.append(f"{user.email} verify missing: {status}")
        for data in ({}, {f"report-{owed.id}-report": (io.BytesIO(b"MZ\x90\x00"), "x.exe")},
                     {f"report-{owed.id}-report": (io.BytesIO(b""), "")},
                     {f"report-{owed.id}-report": (io.BytesIO(b"not a pdf"), "r.pdf")}):
            status = _status(lambda d=data: client.post(
                f"/board/{listing.id}/annual-reports/{owed.id}", data=d,
                content_type="multipart/form-data"))
            if status != 302:
                wrong.append(f"{user.email} report {list(data)}: {status}")
        auth.logout()
    assert wrong == []
    assert _footprint(listing.id) == before
    assert fresh(listing.id).status == "listed"
    assert db.session.get(Financing, theirs.id).verified_at is None


def test_a_financing_with_odd_input_tells_the_founder_why(client, auth, world, exchange):
    listing = listing_in(world, exchange, "listed")
    login(auth, world.founder)
    told = _message(client, post_financing(client, listing.id, amount=HUGE))
    assert "The amount is too large" in told
    told = _message(client, post_financing(client, listing.id, on="2999-01-01"))
    assert "This date cannot be in the future." in told
    told = _message(client, post_financing(client, listing.id, on="9999-99-99"))
    assert "Enter the date as YYYY-MM-DD, e.g. 2026-03-15." in told
    told = _message(client, post_financing(client, listing.id, investors="0"))
    assert "The number must be at least 1." in told
    assert db.session.scalar(select(func.count(Financing.id))) == 0


FIRE_ODD = {
    "approve_listing": [{"listing_code": "", "tier": "standard", "listed_on": str(TODAY)},
                        {"listing_code": "\x00", "tier": "standard", "listed_on": str(TODAY)},
                        {"listing_code": "长" * 13, "tier": "standard",
                         "listed_on": str(TODAY)},
                        {"listing_code": "QD1", "tier": "main", "listed_on": str(TODAY)},
                        {"listing_code": "QD1", "tier": "standard", "listed_on": "9999-99-99"},
                        {"listing_code": "QD1", "tier": "standard", "listed_on": HUGE},
                        {}],
    "move_tier": [{"tier": "incubation"}, {"tier": ""}, {"tier": "\x00"}, {}],
    "request_reward": [{"year": HUGE}, {"year": "abc"}, {"year": str(YEAR + 1)},
                       {"year": str(YEAR)}, {}],
    "propose_delisting": [{"reason": "bored"}, {"reason": "late_disclosure"}, {}],
    "transfer_up": [{"market": "nasdaq"}, {"market": "\x00"}, {}],
}
FIRE_STATES = {"approve_listing": "committee_review", "move_tier": "listed",
               "request_reward": "listed", "propose_delisting": "listed",
               "transfer_up": "listed"}


@pytest.mark.parametrize("trigger", sorted(FIRE_ODD))
def test_odd_input_in_the_exchanges_and_the_founders_forms_is_refused_with_a_message(
        client, auth, world, exchange, trigger):
    state = FIRE_STATES[trigger]
    listing = listing_in(world, exchange, state)
    actor = {"approve_listing": exchange.committee, "request_reward": world.founder}.get(
        trigger, exchange.officer)
    login(auth, actor)
    before = _footprint(listing.id)
    wrong = []
    for fields in FIRE_ODD[trigger]:
        response = fire(client, listing.id, trigger, comment="测试\x00。", **fields)
        if response.status_code != 422 or "alert-danger" not in text(response):
            wrong.append(f"{fields}: {response.status_code}")
    assert wrong == []
    assert _footprint(listing.id) == before


def test_the_listings_page_renders_in_both_languages_in_every_state(client, auth, world,
                                                                 exchange):
    wrong = []
    for state in ("draft", "broker_dd", "committee_review", "listed", "reward_approval",
                  "delisting_review", "delisted", "transferred", "refused"):
        listing = listing_in(world, exchange, state)
        for user, lang in ((listing.applicant, "zh"), (listing.applicant, "en"),
                           (exchange.officer, "en")):
            if user is exchange.officer and state in ("draft", "broker_dd"):
                continue
            auth.login(user.email)
            client.post("/language", data={"lang": lang})
            response = client.get(f"/applications/{listing.id}")
            page = text(response)
            if response.status_code != 200 or listing.reference not in page:
                wrong.append(f"{state} {lang}: {response.status_code}")
            elif ('<html lang="zh-CN">' in page) != (lang == "zh"):
                wrong.append(f"{state}: not in {lang}")
            auth.logout()
    assert wrong == []


def test_the_request_step_asks_for_the_tier_and_keeps_a_mistyped_count(client, auth, world,
                                                                        exchange):
    login(auth, world.founder)
    application_id = _new_application(client)
    page = client.get(f"/applications/{application_id}/edit/request").get_data(as_text=True)
    tier = page[page.index('name="requested_tier"'):page.index("</select>",
                                                               page.index('name="requested_tier"'))]
    # Nothing chosen yet: the box shows "Choose…" (not a tier the draft does not hold).
    assert 'required><option value="">' in tier and "selected" not in tier
    assert 'inputmode="numeric"' in page and 'type="number"' not in page
    response = _request(client, application_id, exchange.broker1.id, shareholders="12e")
    assert response.status_code == 422
    typed = text(response)
    assert "Enter a whole number." in typed and 'value="12e"' in typed
