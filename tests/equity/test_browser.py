"""人才投 in a real browser: the founder opens a new application, fills the request step with
the firm's cap table (a table not adding up to 100 % is refused and kept as typed), uploads
the documents, reads the review and submits; the committee's chair opens the meeting and a
member casts a vote. Uses the live server and Chromium of tests/core."""

import pytest
from sqlalchemy import select

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.workflows.equity.models import Vote
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import TIMEOUT_MS
from tests.core.test_browser import ConsoleWatch
from tests.core.test_browser import browser  # noqa: F401  (fixture)
from tests.core.test_browser import live_server  # noqa: F401  (fixture)
from tests.core.test_browser import log_in
from tests.core.test_browser import log_out
from tests.equity.web_helpers import REQUIRED_DOCUMENTS
from tests.equity.web_helpers import Funds
from tests.equity.web_helpers import deal_in
from tests.equity.web_helpers import make_funds


@pytest.fixture
def funds(world) -> Funds:
    """The funds of these tests (this module's own, beside tests/equity/conftest.py's)."""
    return make_funds()

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


def _context(browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _holders(page, rows) -> None:
    for n, (name, stake) in enumerate(rows):
        page.locator(f"input[name='holder_{n}-name']").fill(name)
        page.locator(f"input[name='holder_{n}-stake']").fill(stake)


def test_the_founder_applies_with_the_cap_table_in_the_browser(
        app, world, funds, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    context = _context(browser)
    page = context.new_page()
    console = ConsoleWatch(page)
    try:
        log_in(page, base, world.founder.email)
        page.goto(f"{base}/applications/")
        with page.expect_navigation():
            page.locator("#new-equity").click()
        application_id = int(page.url.split("/applications/")[1].split("/")[0])
        page.goto(f"{base}/applications/{application_id}/edit/request")
        page.locator("select[name=partner_org_id]").select_option(str(funds.fund1.id))
        page.locator("input[name=requested_amount]").fill("3,000,000")
        page.locator("input[name=asked_pre_money]").fill("12,000,000")
        page.locator("input[name=staff]").fill("10")
        page.locator("input[name=rd_staff]").fill("4")
        page.locator("input[name=total_assets]").fill("18,000,000")
        page.locator("input[name=revenue]").fill("6,500,000")
        page.locator("textarea[name=purpose]").fill("用于新一代传感器研发及首批量产线建设。")
        _holders(page, (("陈海洋", "40"), ("蓝海创投", "35"), ("员工持股平台", "20")))
        with page.expect_navigation():
            page.locator("form [type=submit]").last.click()
        # Refused with the figure, every row as typed.
        table = page.locator("fieldset#cap-table")
        assert "95.00%" in table.inner_text()
        assert page.locator("input[name='holder_2-name']").input_value() == "员工持股平台"
        assert page.locator("input[name='holder_2-stake']").input_value() == "20"
        assert page.locator("input[name=asked_pre_money]").input_value() == "12,000,000"
        page.locator("input[name='holder_2-stake']").fill("25")
        with page.expect_navigation():
            page.locator("form [type=submit]").last.click()
        page.wait_for_url(f"**/applications/{application_id}/edit/documents")

        pdf = tmp_path / "paper.pdf"
        pdf.write_bytes(DEMO_PDF)
        for kind in REQUIRED_DOCUMENTS:
            _upload(page, pdf, kind)
        assert page.locator("table").inner_text().count("paper.pdf") == len(REQUIRED_DOCUMENTS)
        page.goto(f"{base}/applications/{application_id}/edit/review")
        review = page.locator("main").inner_text()
        assert "陈海洋 40.00%" in review and "员工持股平台 25.00%" in review
        assert "3,000,000.00" in review and "12,000,000.00" in review
        with page.expect_navigation():
            page.locator("#submit-application").click()
        page.wait_for_url(f"{base}/applications/{application_id}")
        assert _status(application_id) == "park_review"
        assert "蓝海创投" in page.locator("#cap-table").inner_text()
        log_out(page)
    finally:
        context.close()
    assert not console.csp_violations, "\n".join(console.csp_violations)
    # The refused form comes back with 422, which Chromium reports; nothing else may fail.
    errors = [e for e in console.errors if "status of 422" not in e]
    assert not errors, "\n".join(errors)


def test_the_chair_opens_the_meeting_and_a_member_votes_in_the_browser(
        app, world, funds, live_server, browser):  # noqa: F811
    deal = deal_in(world, funds, "ic_review")
    application_id = deal.id
    base = live_server.url
    context = _context(browser)
    page = context.new_page()
    console = ConsoleWatch(page)
    try:
        log_in(page, base, funds.chair1.email)
        page.goto(f"{base}/applications/{application_id}")
        page.locator("#meeting-agenda").fill("审议对测试企业1的投资方案。")
        with page.expect_navigation():
            page.locator("#meeting-form [type=submit]").click()
        assert "审议对测试企业1的投资方案。" in page.locator("#committee").inner_text()
        page.locator("#vote-form").wait_for(state="visible")
        log_out(page)

        member = funds.members1[3]
        log_in(page, base, member.email)
        page.goto(f"{base}/applications/{application_id}")
        page.locator("#vote-recuse").check()
        with page.expect_navigation():
            page.locator("#vote-form [type=submit]").click()
        # A recusal says why: refused, the form back with the choice kept and the error
        # under the reason.
        page.locator("#vote-form").wait_for(state="visible")
        assert page.locator("#vote-recuse").is_checked()
        assert page.locator("#vote-reason-errors").inner_text() != ""
        page.locator("#vote-reason").fill("本人曾为该企业提供咨询服务。")
        with page.expect_navigation():
            page.locator("#vote-form [type=submit]").click()
        page.locator("#my-vote").wait_for(state="visible")
        assert page.locator("#vote-form").count() == 0
        assert "本人曾为该企业提供咨询服务。" in page.locator("#votes").inner_text()
    finally:
        context.close()
    db.session.expire_all()
    votes = [(v.member_id, v.vote) for v in db.session.scalars(select(Vote))]
    assert votes == [(member.id, "recuse")]
    assert not console.csp_violations, "\n".join(console.csp_violations)
    # The refused vote comes back with 422, which Chromium reports; nothing else may fail.
    errors = [e for e in console.errors if "status of 422" not in e]
    assert not errors, "\n".join(errors)
