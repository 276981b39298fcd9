"""The firm's page says what the reader cannot see instead of showing it as a zero: a kind
of exposure or a section of facts of whose products the reader sees no file is "not in
what you may see", the total names what it leaves out; a true zero stays a figure. A bond
issuer's page says what it issued and shows no caps of talents' firms."""

import html
import re
from datetime import date

import pytest

from talentfin.extensions import db
from talentfin.workflows.bond.models import BondIssue
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.core.test_accessibility import _desktop
from tests.core.test_accessibility import _violations
from tests.core.test_browser import CHROMIUM
from tests.core.test_browser import browser  # noqa: F401 (a fixture)
from tests.core.test_browser import live_server  # noqa: F401 (a fixture)
from tests.core.test_browser import log_in
from tests.insurance import factories as insurance
from tests.web import switch_to
from tests.web import text

YUAN = 100  # fen
NOT_SHOWN = "Not in what you may see"


def _page(client, firm_id: int) -> str:
    response = client.get(f"/firms/{firm_id}")
    assert response.status_code == 200
    return html.unescape(text(response))


def _cell(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert found, element_id
    return found.group(1).strip()


def _section(page: str, section: str) -> str:
    part = page[page.index(f'id="facts-{section}"'):]
    return part[:part.index("</section>")]


@pytest.fixture
def firm(world):
    """World.founder's firm: a loan at bank 1 paid out (1,000,000 yuan owed), a loan-
    guarantee policy over it, a bond allocation paid out (1,000,000), a listing with a
    financing of 2,000,000 recorded by the exchange."""
    loan = factories.loan_in(world, "covered")
    insurers = insurance.make_insurers()
    policy = insurance.policy_in(world, insurers, "premium_paid", cover="loan_guarantee",
                                 loan=loan)
    underwriters = bond.make_underwriters()
    allocation = bond.allocation_in(world, underwriters, "disbursed")
    exchange = board.make_exchange()
    listing = board.listing_in(world, exchange, "listed", listed_on=date(2026, 3, 2))
    board.record(listing, exchange.officer, on=date(2026, 4, 1), amount_fen=2_000_000 * YUAN)
    db.session.expire_all()
    return loan, policy, allocation, listing, insurers, exchange


def test_a_bank_is_told_what_it_may_not_see_not_shown_zeros(client, auth, world, firm):
    loan, policy, allocation, listing = firm[:4]
    switch_to(auth, world.officer1)
    page = _page(client, world.founder.enterprise_id)
    assert _cell(page, "exposure-loans") == "1,000,000.00"
    # The allocation and the cover exist in files the bank may not see: no 0.00 for them.
    assert _cell(page, "exposure-bond_allocations") == NOT_SHOWN
    assert _cell(page, "exposure-guaranteed_cover") == NOT_SHOWN
    assert _cell(page, "exposure-total") == "1,000,000.00"
    assert _cell(page, "exposure-left-out") == (
        "The total leaves out what you may not see of: Bond allocations outstanding, "
        "Guaranteed cover in force.")
    # The listing and the financings are not "None": they are out of the bank's view.
    for section in ("listing", "financing"):
        shown = _section(page, section)
        assert NOT_SHOWN in shown and "None." not in shown, section
        assert "Talent board" in shown, section
    assert "2,000,000.00" not in page and listing.reference not in page
    # The claims the bank sees are its loan's; the others' are said to be left out.
    claims = _section(page, "claim")
    assert "Leaves out the files of Talent bond, Talent insurance you may not see." in claims
    assert policy.reference not in page and allocation.reference not in page


def test_the_insurer_and_the_exchange_are_told_the_same(client, auth, world, firm):
    insurers, exchange = firm[4], firm[5]
    switch_to(auth, insurers.underwriter1)
    page = _page(client, world.founder.enterprise_id)
    assert _cell(page, "exposure-guaranteed_cover") == "1,000,000.00"
    assert _cell(page, "exposure-loans") == NOT_SHOWN
    assert _cell(page, "exposure-bond_allocations") == NOT_SHOWN
    assert NOT_SHOWN in _section(page, "listing")
    switch_to(auth, exchange.officer)
    page = _page(client, world.founder.enterprise_id)
    assert "Listed as" in _section(page, "listing")
    for kind in ("loans", "bond_allocations", "guaranteed_cover"):
        assert _cell(page, f"exposure-{kind}") == NOT_SHOWN, kind
    assert _cell(page, "exposure-total") == "0.00"
    assert "Talent loans outstanding" in _cell(page, "exposure-left-out")


def test_a_true_zero_is_shown_as_a_figure(client, auth, world):
    """A firm with a loan only: the bank sees all of it; no bond or policy exists, so their
    parts are truly nothing and read 0.00, and the caps are shown."""
    factories.loan_in(world, "covered", founder=world.founder2, bank=world.bank2)
    switch_to(auth, world.officer2)
    page = _page(client, world.founder2.enterprise_id)
    assert NOT_SHOWN not in page and 'id="exposure-left-out"' not in page
    assert _cell(page, "exposure-bond_allocations") == "0.00"
    assert _cell(page, "exposure-guaranteed_cover") == "0.00"
    assert "None." in _section(page, "listing")
    assert "50,000,000.00" in page  # the firm cap


def test_the_issuers_page_says_what_it_issued_and_no_talents_caps(client, auth, world):
    underwriters = bond.make_underwriters()
    allocation = bond.allocation_in(world, underwriters, "disbursed")
    issue = db.session.get(BondIssue, allocation.bond_id)
    for reader in (underwriters.officer1, world.auditor, underwriters.issuer_officer):
        switch_to(auth, reader)
        page = _page(client, issue.enterprise_id)
        issued = _section(page, "bond_issues")
        assert "Bonds issued" in issued, reader.email
        assert issue.name in issued and "200,000,000.00" in issued, reader.email
        assert f"Bond code {issue.code}; 1,000,000.00 yuan allocated to firms" in issued
        assert str(issue.issued_on) in issued
        # No exposure of a talent's firm, no caps of one, no sections that are theirs.
        for absent in ('id="exposure"', 'id="caps"', "Talent loans and bond allocations",
                       "Interest subsidies paid", "Premium subsidies paid",
                       'id="facts-claim"', 'id="facts-listing"', NOT_SHOWN):
            assert absent not in page, (reader.email, absent)
    # The founder's firm that took an allocation does not list the bond as its own.
    switch_to(auth, world.founder)
    page = _page(client, world.founder.enterprise_id)
    assert 'id="facts-bond_issues"' not in page
    assert _cell(page, "exposure-bond_allocations") == "1,000,000.00"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed")
def test_the_partial_and_the_issuers_pages_pass_axe(app, world, firm, live_server,  # noqa: F811
                                                     browser):  # noqa: F811
    issue = db.session.get(BondIssue, firm[2].bond_id)
    readers = {world.officer1.email: world.founder.enterprise_id,
               world.auditor.email: issue.enterprise_id}
    found = []
    for locale in ("zh-CN", "en"):
        context, page = _desktop(browser, locale)
        for email, firm_id in readers.items():
            log_in(page, live_server.url, email)
            if locale == "en":
                page.locator("button[name=lang][value=en]").click()
                page.wait_for_load_state()
            page.goto(f"{live_server.url}/firms/{firm_id}")
            found += [f"{locale} {email}: {v}" for v in _violations(page)]
            page.context.clear_cookies()
        context.close()
    assert found == [], found
