"""Accessibility (WCAG 2.1 AA) in the browser: axe-core (the axe-playwright-python package's
copy, served from the test, never a CDN) finds no serious or critical violation on each
page type of each role, in both languages; and a founder on a phone (390 px wide) applies
and reads the application without the page scrolling sideways (WCAG 1.4.10: only a wide
table scrolls, inside its own container)."""

from pathlib import Path

import pytest

from tests import factories
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import TIMEOUT_MS
from tests.core.test_browser import browser  # noqa: F401 (a fixture)
from tests.core.test_browser import live_server  # noqa: F401 (a fixture)
from tests.core.test_browser import log_in
from tests.pool_factories import covered_loan

axe_package = pytest.importorskip("axe_playwright_python")
AXE_JS = Path(axe_package.__file__).parent / "axe.min.js"
SERIOUS = ("serious", "critical")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def _violations(page) -> list[str]:
    """The serious and critical axe violations of the page as loaded, one line each."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} - "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:3])
            for v in result["violations"] if v["impact"] in SERIOUS]


def _desktop(chromium, locale: str):
    """A desktop-sized context in ``locale`` that lets the test add axe to the page."""
    context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def _pages(world, files) -> dict[str, list[str]]:
    """Each role's page types, as the role meets them."""
    loan, draft = files["loan"], files["draft"]
    return {
        world.founder.email: ["/", "/applications/", f"/applications/{loan.id}",
                              f"/applications/{draft.id}/edit/company",
                              f"/applications/{draft.id}/edit/request",
                              f"/applications/{draft.id}/edit/documents",
                              f"/applications/{draft.id}/edit/review", "/company/",
                              "/company/talent", "/notifications/", "/account/password",
                              f"/firms/{loan.enterprise_id}"],
        world.park_reviewer.email: ["/queue/", f"/applications/{loan.id}",
                                    "/company/identity-changes", "/firms/"],
        world.officer1.email: ["/queue/?status=all", f"/applications/{loan.id}"],
        world.pool_admin.email: ["/pool/", "/pool/ledger", "/pool/loans", "/queue/"],
        world.auditor.email: ["/queue/?status=all", "/audit/", f"/applications/{loan.id}",
                              "/programme/",
                              "/programme/applications?figure=submitted&product=loan"],
        world.admin.email: ["/admin/users", "/admin/organisations", "/admin/api-clients",
                            "/admin/webhooks/",
                            "/policy/", "/programme/?from=2026-13-01",
                            "/programme/applications?figure=state&product=loan"
                            "&state=covered"],
    }


def test_no_serious_or_critical_violation_on_any_page_type(
        app, world, live_server, browser):  # noqa: F811
    files = {"loan": covered_loan(world), "draft": factories.draft(world)}
    found = []
    for locale in ("zh-CN", "en"):
        context, page = _desktop(browser, locale)
        for path in ("/login", "/register", "/verify/"):
            page.goto(live_server.url + path)
            found += [f"{locale} anonymous {path}: {v}" for v in _violations(page)]
        for email, paths in _pages(world, files).items():
            log_in(page, live_server.url, email)
            if locale == "en":
                page.locator("button[name=lang][value=en]").click()
                page.wait_for_load_state()
            for path in paths:
                response = page.goto(live_server.url + path)
                assert response.status < 400, (email, path, response.status)
                found += [f"{locale} {email} {path}: {v}" for v in _violations(page)]
            page.locator("#account-menu").click()
            page.locator("form[action='/logout'] button[type=submit]").click()
            page.wait_for_load_state()
        context.close()
    assert found == [], "\n".join(found)


def test_a_founder_on_a_phone_applies_without_scrolling_sideways(
        app, world, live_server, browser):  # noqa: F811
    loan, draft = covered_loan(world), factories.draft(world)
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                   is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, live_server.url, world.founder.email)
    wide = []
    for path in (f"/applications/{draft.id}/edit/company",
                 f"/applications/{draft.id}/edit/request",
                 f"/applications/{draft.id}/edit/documents",
                 f"/applications/{draft.id}/edit/review", f"/applications/{loan.id}",
                 "/applications/", "/company/", f"/firms/{loan.enterprise_id}"):
        page.goto(live_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width} px")
    assert wide == [], wide


def test_the_api_documentation_page_passes_with_its_operations_open(
        app, live_server, browser):  # noqa: F811
    """Swagger UI's page (our stylesheet and plugin over its markup), every operation open
    so the rules see the summaries, parameters and code samples."""
    found = []
    for locale in ("zh-CN", "en"):
        context, page = _desktop(browser, locale)
        page.goto(live_server.url + "/api/v1/docs")
        summaries = page.locator(".opblock-summary-control")
        summaries.first.wait_for()
        assert summaries.count() >= 8  # every operation of the document is listed
        summaries.first.focus()  # the keyboard opens an operation
        page.keyboard.press("Enter")
        page.locator(".opblock.is-open").first.wait_for()
        # deep linking still names the open operation in the address (our plugin only
        # takes the link out of the summary's button)
        assert page.evaluate("() => location.hash").startswith("#/api_")
        assert page.locator(".opblock-summary-control a[href]").count() == 0
        for index in range(1, summaries.count()):  # and the rules see them all open
            summaries.nth(index).click()
        assert page.locator(".opblock.is-open").count() == summaries.count()
        found += [f"{locale}: {v}" for v in _violations(page)]
        context.close()
    assert found == [], "\n".join(found)
