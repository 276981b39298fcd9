"""In a real browser (Chromium, the app's CSP; the page fixture of test_browser_forms.py):
a founder reads what they may apply for and asks again with the fund's facts; staff open an
application's route, which the browser draws from the served SVG with where the file
stands. No console error, no CSP violation.

Uses the live server, Chromium and helpers of tests/core/test_browser.py.
"""

import pytest
from dateutil.relativedelta import relativedelta

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.workflows.registry import products
from tests import factories
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import browser  # noqa: F401  (fixture)
from tests.core.test_browser import live_server  # noqa: F401  (fixture)
from tests.core.test_browser import log_in
from tests.core.test_browser_forms import new_page  # noqa: F401  (fixture)

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def test_the_founder_reads_what_the_firm_may_apply_for(app, world, live_server,  # noqa: F811
                                                       new_page):  # noqa: F811
    world.founder.enterprise.founded_on = business_today() - relativedelta(years=6)
    db.session.commit()
    page, _console = new_page
    log_in(page, live_server.url, world.founder.email)
    with page.expect_navigation():
        page.locator("nav a[href='/company/eligibility']").click()
    loan = page.locator("#verdict-loan")
    assert "暂不符合" in loan.inner_text() and "5 年" in loan.inner_text()
    assert "可以申请" in page.locator("#verdict-insurance").inner_text()
    page.locator("input[name=staff]").fill("400")
    with page.expect_navigation():
        page.locator("form[action='/company/eligibility'] button[type=submit]").click()
    assert "400" in page.locator("#verdict-equity").inner_text()
    assert page.locator("input[name=staff]").input_value() == "400"  # kept in the form


def test_staff_open_an_applications_route_drawn_with_where_it_stands(
        app, world, live_server, new_page):  # noqa: F811
    application = factories.loan_in(world, "bank_approval")
    page, _console = new_page
    log_in(page, live_server.url, world.officer1.email)
    page.goto(f"{live_server.url}/applications/{application.id}")
    page.locator("#route summary").click()
    picture = page.locator("#route img")
    picture.wait_for(state="visible")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=picture.element_handle())
    assert "当前环节" in picture.get_attribute("alt")
    with page.expect_navigation():
        page.locator("nav a[href='/workflows/']").click()
    # Every registered route (the five products' and the bond issue's own), each drawn.
    assert page.locator("section[id^=route-] img").count() == len(products()) >= 5


@pytest.mark.parametrize("who", ["admin", "pool_admin", "committee", "approver1"])
def test_the_bar_keeps_to_one_line_on_a_laptop_and_the_account_menu_opens(
        app, world, live_server, new_page, who):  # noqa: F811
    page, _console = new_page
    page.set_viewport_size({"width": 1300, "height": 800})
    log_in(page, live_server.url, getattr(world, who).email)
    bar = page.locator("nav.navbar").bounding_box()
    brand = page.locator("nav .navbar-brand").bounding_box()
    assert bar["height"] < 2.2 * brand["height"], bar  # one line, not two
    assert not page.locator("form[action='/logout']").is_visible()  # in the menu
    page.locator("#account-menu").click()
    assert page.locator("#nav-second-factor").is_visible()
    with page.expect_navigation():
        page.locator("form[action='/logout'] button[type=submit]").click()
    assert page.locator("nav a[href='/login']").is_visible()
