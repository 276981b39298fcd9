"""人才险 in a real browser: the founder asks a quote for R&D-loss cover (request step, the two
documents, submit), the park reviewer recommends it, the underwriter proposes to accept it,
and the page shows the proposal. Uses the live server and Chromium of tests/core."""

import pytest

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Application
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import TIMEOUT_MS
from tests.core.test_browser import ConsoleWatch
from tests.core.test_browser import browser  # noqa: F401  (fixture)
from tests.core.test_browser import live_server  # noqa: F401  (fixture)
from tests.core.test_browser import log_in
from tests.core.test_browser import log_out

pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


def _status(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Application, application_id).status


def _upload(page, path, kind: str) -> None:
    page.locator("select[name=kind]").select_option(kind)
    page.locator("input[name=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()


def test_a_quote_is_asked_recommended_and_proposed_in_the_browser(
        app, world, insurers, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    console = ConsoleWatch(page)
    try:
        log_in(page, base, world.founder.email)
        page.goto(f"{base}/applications/")
        with page.expect_navigation():
            page.locator("#new-insurance").click()
        application_id = int(page.url.split("/applications/")[1].split("/")[0])
        page.goto(f"{base}/applications/{application_id}/edit/request")
        page.locator("select[name=partner_org_id]").select_option(str(insurers.insurer1.id))
        page.locator("select[name=cover]").select_option("rd_loss")
        page.locator("input[name=requested_amount]").fill("5,000,000")
        page.locator("select[name=requested_period_months]").select_option("12")
        page.locator("input[name=project_name]").fill("深海传感器样机研制")
        page.locator("textarea[name=purpose]").fill("为研发样机试验提供损失保障。")
        with page.expect_navigation():
            page.locator("form [type=submit]").last.click()
        page.wait_for_url(f"**/applications/{application_id}/edit/documents")

        pdf = tmp_path / "licence.pdf"
        pdf.write_bytes(DEMO_PDF)
        for kind in ("business_licence", "talent_certificate"):
            _upload(page, pdf, kind)
        assert page.locator("table").inner_text().count("licence.pdf") == 2
        page.goto(f"{base}/applications/{application_id}/edit/review")
        with page.expect_navigation():
            page.locator("#submit-application").click()
        page.wait_for_url(f"{base}/applications/{application_id}")
        assert _status(application_id) == "park_review"
        log_out(page)

        log_in(page, base, world.park_reviewer.email)
        page.goto(f"{base}/applications/{application_id}")
        page.locator("textarea[name='park_approve-comment']").fill("企业在园区内正常经营。")
        with page.expect_navigation():
            page.locator("#action-park_approve").click()
        assert _status(application_id) == "underwriting"
        log_out(page)

        log_in(page, base, insurers.underwriter1.email)
        page.goto(f"{base}/applications/{application_id}")
        # The form offers the terms asked for at the insurer's rate: accept them.
        assert page.locator("input[name='propose-rate']").input_value() == "1.50"
        page.locator("textarea[name='propose-comment']").fill("风险可控。")
        with page.expect_navigation():
            page.locator("#action-propose").click()
        assert _status(application_id) == "underwriting_approval"
        proposal = page.locator("#proposal").inner_text()
        assert "按申请条件承保" in proposal
        assert "5,000,000.00" in proposal and "1.50%" in proposal and "75,000.00" in proposal
    finally:
        context.close()
    assert not console.csp_violations, "\n".join(console.csp_violations)
    assert not console.errors, "\n".join(console.errors)
