"""End to end in a real browser: a founder submits, the park reviewer finds it in the queue.

Drives Debian's Chromium through Playwright against the app served by Werkzeug in a
background thread. The app object is the suite's own (the ``app`` fixture); its database
is a file, so the server thread sees what the test commits and the test sees what the
server commits. Deselect with ``-m "not browser"`` (as ``make test-pg`` does).
"""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from talentfin.extensions import db
from talentfin.models import Application
from tests import factories

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
DRAFT_LABELS = {"草稿", "Draft"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


class LiveServer:
    """The app served on 127.0.0.1 and a free port by a thread; stop() shuts it down."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server",
                                        daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    """The test app on a real port, stopped before the app fixture empties the tables."""
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    """Headless Chromium (the system one; no ``playwright install``)."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleWatch:
    """Console messages and page errors seen in one page, CSP violations picked out."""

    def __init__(self, page):
        self.messages: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        text = f"{message.type}: {message.text} ({page_url(message)})"
        self.messages.append(text)
        if message.type == "error" and not page_url(message).endswith("/favicon.ico"):
            self.errors.append(text)  # the app serves no favicon; that 404 is not a bug here

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "content security policy" in m.lower()]


def page_url(message) -> str:
    location = message.location or {}
    return location.get("url", "")


def log_in(page, base_url: str, email: str) -> None:
    """Fill the real login form and wait for the redirect away from it."""
    page.goto(f"{base_url}/login")
    form = page.locator("#login-form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(factories.PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/login" not in page.url, f"login as {email} failed: {page.url}"


def log_out(page) -> None:
    """Open the account's menu and post its logout form."""
    page.locator("#account-menu").click()
    with page.expect_navigation():
        page.locator("form[action='/logout'] button[type=submit]").click()
    page.locator("nav a[href='/login']").wait_for(state="visible")
    assert page.locator("form[action='/logout']").count() == 0


def test_founder_submits_and_park_reviewer_sees_it_in_the_queue(
        app, world, live_server, browser, tmp_path):
    application = factories.draft(world)
    application_id, reference = application.id, application.reference
    assert application.status == "draft"

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    console = ConsoleWatch(page)
    base = live_server.url
    try:
        # The founder logs in and lands on their applications.
        log_in(page, base, world.founder.email)
        page.wait_for_url(f"{base}/applications/")
        page.get_by_role("link", name=reference).click()
        page.wait_for_url(f"{base}/applications/{application_id}")
        assert page.locator("#status").inner_text().strip() in DRAFT_LABELS

        # Edit, go to the review step, submit.
        page.locator(f"a[href='/applications/{application_id}/edit/request']").click()
        page.wait_for_url(f"**/applications/{application_id}/edit/request")
        page.locator(f"nav.steps a[href='/applications/{application_id}/edit/review']").click()
        page.wait_for_url(f"**/applications/{application_id}/edit/review")
        submit = page.locator("#submit-application")
        submit.wait_for(state="visible")
        with page.expect_navigation():
            submit.click()
        page.wait_for_url(f"{base}/applications/{application_id}")
        status = page.locator("#status")
        status.wait_for(state="visible")
        assert status.inner_text().strip() not in DRAFT_LABELS
        db.session.expire_all()
        assert db.session.get(Application, application_id).status == "park_review"

        log_out(page)

        # The park reviewer finds it at the top of their queue and opens it.
        log_in(page, base, world.park_reviewer.email)
        page.wait_for_url(f"{base}/queue/")
        link = page.locator("table.table-queue tbody a", has_text=reference)
        link.wait_for(state="visible")
        page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
        link.click()
        page.wait_for_url(f"{base}/applications/{application_id}")
        assert page.locator("h1", has_text=reference).count() == 1
        assert page.locator("#status").inner_text().strip() not in DRAFT_LABELS
        page.locator("#action-park_approve").wait_for(state="visible")
    finally:
        context.close()

    assert (tmp_path / "queue.png").stat().st_size > 0
    assert not console.csp_violations, "\n".join(console.csp_violations)
    assert not console.errors, "\n".join(console.errors)
