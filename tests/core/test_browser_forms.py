"""In a real browser (Chromium, the app's strict CSP): a form is sent only once, a button's
name=value still goes with it, and a page shown again from the back/forward cache has its
buttons usable again.

Uses the live server, Chromium and helpers of tests/test_browser.py.
"""

import json
import threading

import pytest

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import PolicyParameter
from talentfin.services import policy_changes
from talentfin.workflows import engine
from tests import factories
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import TIMEOUT_MS
from tests.core.test_browser import ConsoleWatch
from tests.core.test_browser import browser  # noqa: F401  (fixture)
from tests.core.test_browser import live_server  # noqa: F401  (fixture)
from tests.core.test_browser import log_in
from tests.web import logs

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def new_page(browser):  # noqa: F811
    """A page with the suite's timeouts, and its console watch."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    console = ConsoleWatch(page)
    yield page, console
    context.close()
    assert not console.csp_violations, "\n".join(console.csp_violations)
    assert not console.errors, "\n".join(console.errors)


# Runs after app.js's own submit handling (registered later, its zero-delay timer queued
# later): the button's state after the click, after a second submit (Enter in a field does
# the same) and after the page is shown again from the back/forward cache (Playwright's
# Chromium keeps that cache off, so the browser's own event is dispatched).
PROBE = """
document.addEventListener("submit", () => {
  window.setTimeout(() => {
    const button = document.getElementById("action-park_approve");
    const seen = {after_click: button.disabled};
    button.form.requestSubmit();
    seen.after_second_submit = button.disabled;
    window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
    seen.after_pageshow = button.disabled;
    sessionStorage.setItem("probe", JSON.stringify(seen));
    fetch("/static/app.js?probe=done");
  }, 0);
}, {once: true});
"""


def test_a_second_click_does_not_send_the_action_again(app, world, live_server,  # noqa: F811
                                                       new_page, monkeypatch):
    page, _console = new_page
    application = factories.loan_in(world, "park_review")
    base = live_server.url
    log_in(page, base, world.park_reviewer.email)
    page.goto(f"{base}/applications/{application.id}")
    status_before = page.locator("#status").inner_text()

    # The server holds each firing until the test lets it go: the first request is still
    # on its way while the user clicks again.
    arrived, release = [], threading.Event()
    real_fire = engine.fire

    def held_fire(*args, **kwargs):
        arrived.append(args[1])
        release.wait(timeout=TIMEOUT_MS / 1000)
        return real_fire(*args, **kwargs)

    monkeypatch.setattr(engine, "fire", held_fire)
    # Playwright waits for a pending navigation before it evaluates anything in the page, so
    # the page observes itself while the request is held, keeps what it saw in
    # sessionStorage (which outlives the navigation) and says it is done by a request.
    page.evaluate(PROBE)
    with page.expect_request(lambda request: "probe=done" in request.url):
        page.locator("#action-park_approve").click(no_wait_after=True)
    release.set()
    sync_api.expect(page.locator("#status")).not_to_have_text(status_before)
    seen = json.loads(page.evaluate("sessionStorage.getItem('probe')"))
    assert seen == {"after_click": True, "after_second_submit": True, "after_pageshow": False}
    assert arrived == ["park_approve"]
    assert [row.trigger for row in logs(application.id)] == ["submit", "park_approve"]


def test_the_clicked_decision_button_still_sends_its_value(app, world, live_server,  # noqa: F811
                                                           new_page):
    page, _console = new_page
    proposal = policy_changes.propose("compensation_ratio_bp", "6500", business_today(),
                                      "市财政局通知", world.pool_admin)
    base = live_server.url
    log_in(page, base, world.committee.email)
    page.goto(f"{base}/policy/")
    decide = page.locator(f"form[action='/policy/{proposal.id}/decide']")
    with page.expect_navigation():
        decide.locator("button[value=approve]").click()
    db.session.expire_all()
    assert db.session.get(PolicyParameter, proposal.id).status == "in_force"


def test_switching_the_language_after_a_refusal_keeps_what_was_typed(
        app, world, live_server, new_page):  # noqa: F811
    page, console = new_page
    application = factories.loan_in(world, "partner_review")
    base = live_server.url
    log_in(page, base, world.officer1.email)
    page.goto(f"{base}/applications/{application.id}")
    comment = "经营稳定，现金流良好，建议授信。" * 5
    page.locator("input[name='recommend-amount']").fill("九十万")
    page.locator("input[name='recommend-rate']").fill("3.65")
    page.locator("textarea[name='recommend-comment']").fill(comment)
    with page.expect_navigation():
        page.locator("#action-recommend").click()
    assert "recommend" in page.url  # the refused form, shown again with its message
    # Chromium logs the refusal's 422 as a failed resource; it is the expected answer.
    console.errors[:] = [e for e in console.errors if "422" not in e]
    # The officer switches to English to read the message: the page is fetched again, in
    # English, with what they typed still in the fields.
    with page.expect_navigation():
        page.locator("#language-switch button").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(f"/applications/{application.id}")
    assert page.locator("textarea[name='recommend-comment']").input_value() == comment
    assert page.locator("input[name='recommend-amount']").input_value() == "九十万"
    assert page.locator("input[name='recommend-rate']").input_value() == "3.65"
    # Kept once: opened again later, the page has its own values.
    page.reload()
    assert page.locator("textarea[name='recommend-comment']").input_value() == ""
