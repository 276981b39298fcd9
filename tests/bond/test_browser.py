"""人才债 in a real browser: the founder opens a new application, finds no bond open, then
fills the request step with the bond the underwriter opened (an amount in an exponent is
refused and kept as typed), uploads the documents, reads the review and submits; the
underwriting officer plans a bond from the book (a code with a wrong check character is
refused, the input kept) and files the registration letter. Uses the live server and
Chromium of tests/core."""

import pytest
from sqlalchemy import select

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.workflows.bond.models import BondIssue
from tests.bond.web_helpers import PURPOSE
from tests.bond.web_helpers import REQUIRED_DOCUMENTS
from tests.bond.web_helpers import advance_bond
from tests.bond.web_helpers import bond_in
from tests.bond.web_helpers import issuer_uscc
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

NAME = "2026年崂山区人才创新创业集合债券（第一期）"


def _status(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Application, application_id).status


def _context(browser):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _upload(page, path, kind: str) -> None:
    page.locator("select[name=kind]").select_option(kind)
    page.locator("input[name=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.locator("form[enctype='multipart/form-data'] [type=submit]").click()


def _save(page) -> None:
    with page.expect_navigation():
        page.locator("form [type=submit]").last.click()


def test_the_founder_applies_for_an_allocation_in_the_browser(
        app, world, desk, live_server, browser, tmp_path):  # noqa: F811
    bond = bond_in(desk, "issued", name=NAME)  # issued, not yet open for allocations
    bond_id = bond.id
    base = live_server.url
    context = _context(browser)
    page = context.new_page()
    console = ConsoleWatch(page)
    try:
        log_in(page, base, world.founder.email)
        page.goto(f"{base}/applications/")
        assert page.locator("#new-bond_issue").count() == 0  # a founder never opens a bond
        with page.expect_navigation():
            page.locator("#new-bond").click()
        application_id = int(page.url.split("/applications/")[1].split("/")[0])
        page.goto(f"{base}/applications/{application_id}/edit/request")
        page.locator("#no-bond").wait_for(state="visible")
        assert page.locator("select[name=bond_id] option").count() == 1  # "Choose…" only

        # The underwriter opens the bond; the founder reloads the step.
        advance_bond(desk, db.session.get(BondIssue, bond_id), "open_allocation")
        page.reload()
        assert page.locator("#no-bond").count() == 0
        page.locator("select[name=partner_org_id]").select_option(str(desk.uw1.id))
        page.locator("select[name=bond_id]").select_option(str(bond_id))
        assert NAME in page.locator("select[name=bond_id]").inner_text()
        page.locator("input[name=requested_amount]").fill("1e6")
        page.locator("select[name=requested_term_months]").select_option("36")
        page.locator("textarea[name=purpose]").fill(PURPOSE)
        _save(page)
        # Refused with the reason, every field as typed.
        assert page.locator("input[name=requested_amount]").input_value() == "1e6"
        assert page.locator(".invalid-feedback").count() >= 1
        assert page.locator("select[name=bond_id]").input_value() == str(bond_id)
        assert page.locator("select[name=requested_term_months]").input_value() == "36"
        assert page.locator("textarea[name=purpose]").input_value() == PURPOSE
        page.locator("input[name=requested_amount]").fill("2,000,000")
        _save(page)
        page.wait_for_url(f"**/applications/{application_id}/edit/documents")

        pdf = tmp_path / "paper.pdf"
        pdf.write_bytes(DEMO_PDF)
        for kind in REQUIRED_DOCUMENTS:
            _upload(page, pdf, kind)
        assert page.locator("table").inner_text().count("paper.pdf") == len(REQUIRED_DOCUMENTS)
        page.goto(f"{base}/applications/{application_id}/edit/review")
        review = page.locator("main").inner_text()
        assert NAME in review and "2,000,000.00" in review
        with page.expect_navigation():
            page.locator("#submit-application").click()
        page.wait_for_url(f"{base}/applications/{application_id}")
        assert _status(application_id) == "park_review"
        assert NAME in page.locator("#bond").inner_text()
        assert "200,000,000.00" in page.locator("#headroom").inner_text()
        log_out(page)
    finally:
        context.close()
    assert not console.csp_violations, "\n".join(console.csp_violations)
    # The refused form comes back with 422, which Chromium reports; nothing else may fail.
    errors = [e for e in console.errors if "status of 422" not in e]
    assert not errors, "\n".join(errors)


def test_the_officer_plans_a_bond_in_the_browser(
        app, world, desk, live_server, browser, tmp_path):  # noqa: F811
    base = live_server.url
    uscc = issuer_uscc(desk, desk.issuer1)
    wrong = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    context = _context(browser)
    page = context.new_page()
    console = ConsoleWatch(page)
    try:
        log_in(page, base, desk.officer1.email)
        page.goto(f"{base}/bond/book")
        with page.expect_navigation():
            page.locator("#plan-bond").click()
        page.wait_for_url(f"{base}/bond/new")
        page.locator("input[name=name]").fill(NAME)
        page.locator("select[name=issuer_org_id]").select_option(str(desk.issuer2.id))
        page.locator("input[name=issuer_uscc]").fill(wrong)
        _save(page)
        # Refused with the reason under the code, every field as typed.
        assert page.locator("input[name=issuer_uscc]").input_value() == wrong
        assert page.locator("input[name=name]").input_value() == NAME
        assert page.locator("select[name=issuer_org_id]").input_value() == str(desk.issuer2.id)
        assert page.locator(".invalid-feedback").count() == 1
        page.locator("select[name=issuer_org_id]").select_option(str(desk.issuer1.id))
        page.locator("input[name=issuer_uscc]").fill(uscc)
        _save(page)
        page.locator("#bond-name").wait_for(state="visible")
        assert page.locator("#bond-name").inner_text().strip() == NAME
        db.session.expire_all()
        bond = db.session.scalar(select(BondIssue))
        assert (bond.status, bond.partner_org_id, bond.issuer_org_id) == (
            "planned", desk.uw1.id, desk.issuer1.id)
        assert page.url == f"{base}/applications/{bond.id}"

        # The officer files the registration letter from the bond's page.
        pdf = tmp_path / "letter.pdf"
        pdf.write_bytes(DEMO_PDF)
        page.locator("#document-kind").select_option("registration_letter")
        page.locator("#document-file").set_input_files(str(pdf))
        with page.expect_navigation():
            page.locator("#party-documents [type=submit]").click()
        assert "letter.pdf" in page.locator("main").inner_text()
        page.locator("#action-register").wait_for(state="visible")
        page.goto(f"{base}/bond/book")
        assert NAME in page.locator(f"#bond-{bond.id}").inner_text()
        log_out(page)
    finally:
        context.close()
    db.session.expire_all()
    kinds = list(db.session.scalars(select(Attachment.kind)))
    assert kinds == ["registration_letter"]
    assert not console.csp_violations, "\n".join(console.csp_violations)
    errors = [e for e in console.errors if "status of 422" not in e]
    assert not errors, "\n".join(errors)
