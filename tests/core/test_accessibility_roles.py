"""Accessibility of the other roles and products (issues #11 and #13): axe-core finds no
serious or critical violation on the page types the staff of the insurers, funds,
underwriters, the exchange and its recommending institutions, the bond issuer, the bank's
approver and the pool's committee meet, nor on a founder's application and request step
of each other product, the error pages (404, 403, the 409 of a stale tab), the routes
with an application's route open, the second factor's pages (setting it up, the login
code, confirming again), in both languages; and the pool's dashboard reflows at 390 px.

The helpers, fixtures and demo world are those of tests/core/test_accessibility.py.
"""

import re
import time

import pyotp
import pytest

from tests import factories
from tests.board.factories import draft as board_draft
from tests.board.factories import listing_in
from tests.board.factories import make_exchange
from tests.bond.factories import allocation_in
from tests.bond.factories import draft as bond_draft
from tests.bond.factories import make_underwriters
from tests.core.test_accessibility import _desktop
from tests.core.test_accessibility import _violations
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import TIMEOUT_MS
from tests.core.test_browser import browser  # noqa: F401 (a fixture)
from tests.core.test_browser import live_server  # noqa: F401 (a fixture)
from tests.core.test_browser import log_in
from tests.equity.factories import draft as equity_draft
from tests.equity.factories import equity_in
from tests.equity.factories import make_funds
from tests.insurance.factories import make_insurers
from tests.insurance.factories import policy_in
from tests.insurance.factories import quote
from tests.pool_factories import covered_loan
from tests.pool_factories import make_book

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]

ROUTE = "#route"  # a page whose route panel is opened before the scan
MISSING = "/applications/999999"  # a 404


def _scene(world) -> dict[str, list[tuple[str, int]]]:
    """Each role's pages (the address, the status it answers) as the role meets them: a
    file of each product waiting for its institution's committee or approver (the second
    founder's), the first founder's draft of each product."""
    insurers, funds, uw, ex = make_insurers(), make_funds(), make_underwriters(), make_exchange()
    other = {"founder": world.founder2}
    loan = factories.loan_in(world, "bank_approval", founder=world.founder2)
    covered = covered_loan(world)
    files = {"insurance": policy_in(world, insurers, "underwriting_approval", **other),
             "equity": equity_in(world, funds, "ic_review", **other),
             "bond": allocation_in(world, uw, "allocation_approval", **other),
             "board": listing_in(world, ex, "committee_review", **other)}
    bond = files["bond"].bond
    policy_in(world, insurers, "subsidy_review", **other)  # a line of /subsidies/
    drafts = [quote(world, insurers), equity_draft(world, funds),
              bond_draft(world, uw, bond), board_draft(world, ex)]
    bond_committee = factories.user("bc1@t.cn", "bond_committee", uw.underwriter1)
    ok = 200
    founder = []
    for application in drafts:
        founder += [(f"/applications/{application.id}", ok),
                    (f"/applications/{application.id}/edit/request", ok)]
    founder += [("/notifications/preferences", ok), ("/account/second-factor", ok),
                (MISSING, 404)]

    def staff(product: str, *extra: str) -> list[tuple[str, int]]:
        return [("/queue/", ok), (f"/applications/{files[product].id}", ok),
                *[(path, ok) for path in extra]]

    return {
        world.founder.email: founder,
        world.park_reviewer.email: [("/workflows/", ok),
                                    (f"/applications/{covered.id}" + ROUTE, ok)],
        world.officer1.email: [("/loan/repayments", ok), ("/banks/notices", ok)],
        world.approver1.email: [("/queue/", ok), (f"/applications/{loan.id}" + ROUTE, ok),
                                ("/loan/repayments", ok)],
        world.pool_admin.email: [("/banks/", ok), ("/subsidies/", ok)],
        world.committee.email: [("/queue/", ok), ("/banks/", ok), ("/policy/", ok)],
        insurers.underwriter1.email: staff("insurance", "/insurance/book",
                                           "/insurance/terms"),
        insurers.approver1.email: staff("insurance", "/insurance/book", "/insurance/terms"),
        funds.manager1.email: staff("equity", "/equity/book"),
        funds.approver1.email: staff("equity", "/equity/book"),
        funds.members1[0].email: staff("equity", "/equity/book"),
        uw.officer1.email: staff("bond", "/bond/book", "/bond/new"),
        uw.approver1.email: staff("bond", "/bond/book") + [("/bond/new", 403)],
        bond_committee.email: [("/queue/", ok), ("/bond/book", ok)],
        uw.issuer_officer.email: [("/queue/", ok), (f"/applications/{bond.id}", ok)],
        ex.officer.email: staff("board", "/board/exchange"),
        ex.approver.email: staff("board", "/board/exchange"),
        ex.committee.email: staff("board", "/board/exchange"),
        ex.broker_officer1.email: staff("board"),
        ex.broker_approver1.email: staff("board"),
        world.auditor.email: [("/audit/security", ok), ("/workflows/", ok)],
        world.admin.email: [("/audit/security", ok), ("/notifications/preferences", ok),
                            (MISSING, 404)],
    }


def _open_route(page) -> None:
    """Open the application's route panel and wait for its picture."""
    page.locator("#route summary").click()
    picture = page.locator("#route img")
    picture.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=picture.element_handle())


def _stale_tab(page, base_url: str, application_id: int) -> int:
    """Send a decision from a page that shows the file in another state: the 409."""
    page.goto(f"{base_url}/applications/{application_id}")
    form = page.locator("form[action$='/fire/park_request_info']")
    form.locator("input[name=seen_state]").evaluate("el => el.value = 'draft'")
    form.locator("textarea").first.fill("请补充租赁合同。")
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value.status


def test_every_role_and_product_page_passes(app, world, live_server, browser):  # noqa: F811
    pages = _scene(world)
    stale = factories.loan_in(world, "park_review")
    found = []
    for locale in ("zh-CN", "en"):
        context, page = _desktop(browser, locale)
        for email, paths in pages.items():
            log_in(page, live_server.url, email)
            if locale == "en":
                page.locator("button[name=lang][value=en]").click()
                page.wait_for_load_state()
            for path, status in paths:
                address = path.removesuffix(ROUTE)
                response = page.goto(live_server.url + address)
                if response.status != status:
                    found.append(f"{email} {address}: {response.status}, not {status}")
                    continue
                if path.endswith(ROUTE):
                    _open_route(page)
                found += [f"{locale} {email} {path}: {v}" for v in _violations(page)]
            if email == world.park_reviewer.email:
                assert _stale_tab(page, live_server.url, stale.id) == 409
                found += [f"{locale} {email} 409: {v}" for v in _violations(page)]
            page.locator("#account-menu").click()
            page.locator("form[action='/logout'] button[type=submit]").click()
            page.wait_for_load_state()
        context.close()
    assert found == [], "\n".join(found)


def test_the_second_factors_pages_pass(app, world, live_server, browser):  # noqa: F811
    """Setting the second factor up, its recovery codes, the login's code, confirming it
    again before a sensitive action: in both languages."""
    found = []
    for locale, user in (("zh-CN", world.auditor), ("en", world.admin)):
        context, page = _desktop(browser, locale)
        log_in(page, live_server.url, user.email)
        if locale == "en":
            page.locator("button[name=lang][value=en]").click()
            page.wait_for_load_state()
        page.goto(live_server.url + "/account/second-factor")
        found += [f"{locale} setup: {v}" for v in _violations(page)]
        secret = page.locator("#second-factor-secret").inner_text()
        totp = pyotp.TOTP(secret)
        page.locator("input[name=code]").fill(totp.now())
        with page.expect_navigation():
            page.locator("#enrol-form button[type=submit]").click()
        assert re.search(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", page.content())
        found += [f"{locale} recovery codes: {v}" for v in _violations(page)]
        page.locator("#account-menu").click()
        page.locator("form[action='/logout'] button[type=submit]").click()
        page.wait_for_load_state()
        page.goto(live_server.url + "/login")
        form = page.locator("#login-form")
        form.locator("input[name=email]").fill(user.email)
        form.locator("input[name=password]").fill(factories.PASSWORD)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "/login/code" in page.url, page.url
        found += [f"{locale} login code: {v}" for v in _violations(page)]
        page.locator("#code-form input[name=code]").fill(totp.at(time.time() + 30))
        with page.expect_navigation():
            page.locator("#code-form button[type=submit]").click()
        for path in ("/account/confirm", "/account/second-factor"):  # again; and it is on
            assert page.goto(live_server.url + path).status == 200, path
            found += [f"{locale} {path}: {v}" for v in _violations(page)]
        context.close()
    assert found == [], "\n".join(found)


def test_the_pool_dashboard_reflows_on_a_phone(app, world, live_server, browser):  # noqa: F811
    """The pool's pages with its book (funders, payouts, claims) at 390 px: only a wide
    table scrolls, in its own box (the dashboard was once 465 px wide), and that box takes
    the keyboard's focus (axe on the phone's page)."""
    make_book(world)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    wide = []
    for email, paths in ((world.pool_admin.email, ("/pool/", "/pool/ledger", "/pool/loans",
                                                   "/banks/", "/subsidies/")),
                         (world.founder.email, ("/notifications/preferences",))):
        log_in(page, live_server.url, email)
        for path in paths:
            page.goto(live_server.url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > 390:
                wide.append(f"{path}: {width} px")
            wide += [f"{path} at 390 px: {v}" for v in _violations(page)]
        context.clear_cookies()  # the next person (the phone's menu hides the logout)
    context.close()
    assert wide == [], wide
