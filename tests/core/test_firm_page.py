"""The firm's page: every file of one firm across products, its one exposure figure
against hand-computed cases, the caps across products, and what each reader may see."""

import re
from datetime import date
from datetime import datetime

import pytest

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.pool.models import SubsidyClaim
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.loan.models import LoanApplication
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.insurance import factories as insurance
from tests.web import switch_to
from tests.web import text

YUAN = 100  # fen


def _cell(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert found, element_id
    return found.group(1).strip()


def _page(client, firm_id: int) -> str:
    response = client.get(f"/firms/{firm_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def book(world):
    """World.founder's firm: a paid-out loan with 600,000 yuan still owed and a loan-
    guarantee policy over it, a second loan approved and not yet paid out, and a bond
    allocation paid out; the firm of founder2 has a loan of its own at bank 2."""
    paid = factories.loan_in(world, "covered")
    factories.set_columns(paid, outstanding_fen=600_000 * YUAN)
    approved = factories.loan_in(world, "approved", bank=world.bank2)
    insurers = insurance.make_insurers()
    policy = insurance.policy_in(world, insurers, "premium_paid", cover="loan_guarantee",
                                 loan=paid)
    allocation = bond.allocation_in(world, bond.make_underwriters(), "disbursed")
    elsewhere = factories.loan_in(world, "covered", founder=world.founder2, bank=world.bank2)
    db.session.expire_all()
    return paid, approved, policy, allocation, elsewhere, insurers


def test_the_exposure_adds_loans_outstanding_bond_allocations_and_guaranteed_cover(
        client, auth, world, book):
    paid, approved, policy, allocation, elsewhere, _ = book
    loan = db.session.get(LoanApplication, paid.id)
    assert loan.disbursed_amount_fen == 1_000_000 * YUAN and policy.sum_insured_fen \
        == 1_000_000 * YUAN and allocation.disbursed_amount_fen == 1_000_000 * YUAN
    switch_to(auth, world.park_reviewer)
    page = _page(client, world.founder.enterprise_id)
    # 600,000 owed + 1,000,000 approved; 1,000,000 on-lent; 1,000,000 guaranteed.
    assert _cell(page, "exposure-loans") == "1,600,000.00"
    assert _cell(page, "exposure-bond_allocations") == "1,000,000.00"
    assert _cell(page, "exposure-guaranteed_cover") == "1,000,000.00"
    assert _cell(page, "exposure-total") == "3,600,000.00"
    for application in (paid, approved, policy, allocation):
        assert application.reference in page
    assert elsewhere.reference not in page
    assert 'id="firm-partial"' not in page
    # The firm cap counts what the loan rule counts: the amounts paid out or approved of
    # both loans and the allocation (3,000,000 of 50,000,000).
    caps = page[page.index('id="caps"'):page.index('id="files-title"')]
    assert "3,000,000.00" in caps and "50,000,000.00" in caps and "47,000,000.00" in caps
    # The park does not read every file of the founder's other firms: no person-wide cap.
    assert "across all banks and firms" not in text(client.get(
        f"/firms/{world.founder.enterprise_id}", headers={"Accept-Language": "en"}))


def test_a_claim_paid_on_the_guarantee_lowers_the_cover(client, auth, world, book):
    policy = book[2]
    db.session.add(InsuranceClaim(application_id=policy.id, status="paid",
                                  loss_on=date(2026, 6, 1), claimed_fen=300_000 * YUAN,
                                  paid_fen=250_000 * YUAN, paid_on=date(2026, 7, 1),
                                  notified_by_id=world.founder.id))
    db.session.commit()
    switch_to(auth, world.founder)
    page = _page(client, world.founder.enterprise_id)
    assert _cell(page, "exposure-guaranteed_cover") == "750,000.00"
    assert _cell(page, "exposure-total") == "3,350,000.00"
    claims = page[page.index('id="facts-claim"'):page.index('id="facts-subsidy"')]
    assert policy.reference in claims and "250,000.00" in claims


def test_a_bank_sees_only_its_own_files_and_no_caps(client, auth, world, book):
    paid, approved = book[0], book[1]
    switch_to(auth, world.officer2)
    page = _page(client, world.founder.enterprise_id)
    assert approved.reference in page and paid.reference not in page
    assert _cell(page, "exposure-loans") == "1,000,000.00"
    assert _cell(page, "exposure-total") == "1,000,000.00"
    assert 'id="firm-partial"' in page
    assert "50,000,000.00" not in page  # the caps count files the bank does not see


def test_the_firm_page_is_a_404_to_whoever_sees_none_of_its_files(client, auth, world, book):
    firm = world.founder.enterprise_id
    for outsider in (world.founder2, world.park2_reviewer, world.admin):
        switch_to(auth, outsider)
        assert client.get(f"/firms/{firm}").status_code == 404, outsider.email
    switch_to(auth, world.officer1)
    assert client.get(f"/firms/{world.founder2.enterprise_id}").status_code == 404
    assert client.get("/firms/999999").status_code == 404


def test_the_founder_and_the_auditor_see_every_file_and_every_cap(client, auth, world, book):
    for reader in (world.founder, world.auditor):
        switch_to(auth, reader)
        page = text(client.get(f"/firms/{world.founder.enterprise_id}",
                               headers={"Accept-Language": "en"}))
        assert "3,600,000.00" in page and "across all banks and firms" in page, reader.email
        for application in book[:4]:
            assert application.reference in page
    switch_to(auth, world.founder)
    assert client.get("/firms/mine").headers["Location"].endswith(
        f"/firms/{world.founder.enterprise_id}")
    assert client.get("/firms/").headers["Location"].endswith("/firms/mine")


def test_a_listing_and_its_financings_show_on_the_firm_page(client, auth, world):
    exchange = board.make_exchange()
    listing = board.listing_in(world, exchange, "listed", listed_on=date(2026, 3, 2))
    board.record(listing, exchange.officer, on=date(2026, 4, 1), amount_fen=2_000_000 * YUAN)
    switch_to(auth, world.founder)
    page = text(client.get(f"/firms/{world.founder.enterprise_id}",
                           headers={"Accept-Language": "en"}))
    listed = db.session.get(Application, listing.id)
    assert f"Listed as {listed.listing_code}" in page and "2026-03-02" in page
    # Recorded by the exchange's officer: verified as it is recorded.
    assert "2,000,000.00" in page and "verified by the exchange" in page


def test_the_list_of_firms_holds_those_whose_files_the_reader_sees(client, auth, world, book):
    switch_to(auth, world.officer2)
    page = client.get("/firms/").get_data(as_text=True)
    firm1, firm2 = world.founder.enterprise, world.founder2.enterprise
    assert firm1.name in page and firm2.name in page
    found = client.get("/firms/", query_string={"q": firm2.uscc[-6:]}).get_data(as_text=True)
    assert firm2.name in found and firm1.name not in found
    # Two words, as a reader types them: each must be found (in the name or the code).
    words = f"{firm2.name[:2]} {firm2.uscc[-4:]}"
    found = client.get("/firms/", query_string={"q": words}).get_data(as_text=True)
    assert firm2.name in found and firm1.name not in found
    found = client.get("/firms/", query_string={"q": f"{firm2.name[:2]} nowhere"})
    assert firm2.name not in found.get_data(as_text=True)
    switch_to(auth, world.park2_reviewer)
    page = client.get("/firms/").get_data(as_text=True)
    assert firm2.name in page and firm1.name not in page
    assert client.get("/firms/", query_string={"q": "%"}).status_code == 200
    switch_to(auth, world.admin)
    assert client.get("/firms/").status_code == 403


def test_the_application_page_links_to_the_firm(client, auth, world, book):
    switch_to(auth, world.officer1)
    page = client.get(f"/applications/{book[0].id}").get_data(as_text=True)
    assert f'href="/firms/{world.founder.enterprise_id}"' in page


def test_subsidies_received_are_the_paid_ones_dated_in_china(client, auth, world):
    loan = factories.loan_in(world, "covered")
    decided = datetime(2026, 3, 1, 23, 30)  # UTC: 2 March in China
    db.session.add_all([
        SubsidyClaim(application_id=loan.id, enterprise_id=loan.enterprise_id, year=2025,
                     basis_fen=100_000 * YUAN, amount_fen=50_000 * YUAN, status="paid",
                     requested_by_id=world.founder.id, decided_at=decided),
        SubsidyClaim(application_id=loan.id, enterprise_id=loan.enterprise_id, year=2026,
                     basis_fen=80_000 * YUAN, amount_fen=40_000 * YUAN, status="requested",
                     requested_by_id=world.founder.id)])
    db.session.commit()
    switch_to(auth, world.founder)
    page = client.get(f"/firms/{world.founder.enterprise_id}").get_data(as_text=True)
    received = page[page.index('id="facts-subsidy"'):page.index('id="facts-listing"')]
    assert "2026-03-02" in received and "50,000.00" in received
    assert "40,000.00" not in received  # asked for, not received
