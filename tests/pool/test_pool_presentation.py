"""What the pool, bank, policy and ledger pages and the dossiers show: translated
descriptions instead of stored English memos, names in the reader's language, one NPL ratio
on every page, values with their units, and one file-size format."""

import re
import subprocess
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import PolicyParameter
from talentfin.pool import ledger
from talentfin.pool import standing
from talentfin.pool.labels import calculation_text
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import Recovery
from talentfin.services import outbox
from talentfin.services.audit_chains import verify_all
from talentfin.services.policy_changes import pending
from talentfin.services.uploads import readable_size
from talentfin.storage import dossier_path
from tests import factories
from tests import pool_factories as pf
from tests.web import login
from tests.web import switch_to
from tests.web import text


@pytest.fixture
def book(world):
    """The standard pool (see tests/pool_factories.make_book)."""
    return pf.make_book(world)


def _entry_html(page: str, entry: LedgerEntry) -> str:
    found = re.search(rf'<div class="card mb-2 ledger-entry" id="entry-{entry.id}".*?</table>'
                      r'.*?</div>', page, re.S)
    assert found, f"entry {entry.id} is on the page"
    return found.group(0)


def _chinese(client) -> None:
    client.post("/language", data={"lang": "zh"})


# 1. The ledger --------------------------------------------------------------------------

def test_ledger_entries_are_described_from_their_references_not_their_memos(
        book, client, auth, world, db):
    claim = pf.claim(world, book.compensated, "paid", 10_000_000)
    claim.payout_entry_id = book.payout.id
    db.session.add(Recovery(application_id=book.compensated.id, claim_id=claim.id,
                            received_on=pf.months_ago(1), gross_fen=1_000_000,
                            returned_fen=1_000_000, entry_id=book.recovery.id,
                            reported_by_id=world.officer1.id))
    db.session.commit()
    reversal = ledger.reverse(book.payout, world.pool_admin, "wrong bank")
    db.session.commit()
    memos = {e.id: e.memo for e in db.session.scalars(select(LedgerEntry))}
    login(auth, world.auditor)
    page = text(client.get("/pool/ledger"))
    reference = book.compensated.reference

    payout = _entry_html(page, book.payout)
    assert f"Compensation for claim #{claim.id} on loan {reference}" in payout
    assert book.payout.memo not in payout  # "compensation_payout <date>", stored in English
    recovery = _entry_html(page, book.recovery)
    assert (f"Recovery on claim #{claim.id} (loan {reference}), returned to the funders "
            "pro rata") in recovery
    assert book.recovery.memo not in recovery
    reversed_ = _entry_html(page, reversal)
    assert f"Reversal of entry #{book.payout.seq}" in reversed_
    assert "Note: wrong bank" in reversed_  # a reason a person typed is shown as typed
    assert "Contribution by City" in _entry_html(page, book.contributions[0])

    # The stored memos are untouched and the chain still verifies.
    db.session.expire_all()
    assert {e.id: e.memo for e in db.session.scalars(select(LedgerEntry))} == memos
    assert verify_all() == []


def test_a_payout_without_a_linked_claim_still_reads_as_a_payout(book, client, auth, world):
    login(auth, world.pool_admin)
    payout = _entry_html(text(client.get("/pool/ledger")), book.payout)
    assert f"Compensation payout on loan {book.compensated.reference}" in payout
    assert book.payout.memo not in payout


def test_funders_are_named_in_the_readers_language(book, client, auth, world):
    login(auth, world.auditor)
    page = text(client.get("/pool/ledger"))
    lines = re.findall(r'<tr class="ledger-line".*?</tr>', page, re.S)
    assert any("<td>City</td>" in line for line in lines)
    assert any("<td>District</td>" in line for line in lines)
    assert "市级财政" not in page and "区级财政" not in page  # not in lines, not in the filter
    assert f'<option value="{book.city.id}" >City</option>' in page
    _chinese(client)
    page = text(client.get("/pool/ledger"))
    assert "市级财政" in page and "<td>City</td>" not in page


def test_the_previous_hash_is_labelled_as_a_hash(book, client, auth, world):
    login(auth, world.auditor)
    entry = _entry_html(text(client.get("/pool/ledger")), book.payout)
    assert re.search(r"Previous hash <span class=\"mono\">[0-9a-f]{64}</span>", entry)
    _chinese(client)
    entry = _entry_html(text(client.get("/pool/ledger")), book.payout)
    hashes = re.search(r'<div class="small text-muted">.*?</div>', entry, re.S).group(0)
    assert book.payout.prev_hash in hashes and "上一页" not in hashes  # not "previous page"


# 2. The policy table -------------------------------------------------------------------

def _values(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-key="([^"]+)">([^<]*)<', page))


def test_policy_values_are_shown_in_their_units(client, auth, world):
    login(auth, world.auditor)
    values = _values(text(client.get("/policy/")))
    assert values["tier_limit_A_fen"] == "10,000,000.00 yuan"
    assert values["interest_subsidy_cap_fen"] == "500,000.00 yuan"
    assert values["compensation_ratio_bp"] == "70.00%"
    assert values["lpr_1y_bp"] == "3.00%"
    assert values["filing_window_days"] == "90 days"
    assert values["npl_days_overdue"] == "90 days"
    assert values["info_request_expiry_working_days"] == "10 working days"
    assert values["term_max_months"] == "36 months"
    assert values["firm_max_age_years"] == "5 years"
    assert values["leverage_limit"] == "10×"


def test_the_proposal_form_still_names_the_unit_it_expects(client, auth, world):
    login(auth, world.pool_admin)
    page = text(client.get("/policy/"))
    assert "Compensation ratio (basis points)</option>" in page
    assert "Loan limit, tier A (fen)</option>" in page
    assert "fen (100 fen = 1 yuan), basis points (100 basis points = 1%)" in page


def test_default_sources_are_rendered_not_copied_from_the_table(client, auth, world):
    login(auth, world.auditor)
    page = text(client.get("/policy/"))
    assert "Jinan: the pool compensates the principal loss at 70%" in page
    _chinese(client)
    page = text(client.get("/policy/"))
    # The English text stored by parameters.DEFAULTS never reaches the page.
    assert "Jinan: the pool compensates 70 % of the principal loss" not in page
    assert "domain reference: tier A 10,000,000 yuan" not in page


def _propose_and_approve(client, auth, world, on, value="6500", reason="市财政局通知"):
    switch_to(auth, world.pool_admin)
    response = client.post("/policy/", data={"key": "compensation_ratio_bp", "value": value,
                                             "effective_from": on.isoformat(),
                                             "reason": reason})
    assert response.status_code == 302, text(response)
    proposal = pending()[0]
    switch_to(auth, world.committee)
    assert client.post(f"/policy/{proposal.id}/decide",
                       data={"decision": "approve"}).status_code == 302
    return proposal


def _statuses(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<td class="policy-value">([^<]*)</td><td>[^<]*</td>'
                      r'<td class="policy-status">([^<]*)</td><td class="policy-source">([^<]*)<',
                      page)


def test_history_translates_statuses_and_a_future_change_is_not_in_force_yet(
        client, auth, world):
    later = business_today() + timedelta(days=30)
    _propose_and_approve(client, auth, world, later)
    switch_to(auth, world.pool_admin)
    client.post("/policy/", data={"key": "compensation_ratio_bp", "value": "6000",
                                  "effective_from": later.isoformat(), "reason": "草案"})
    rows = _statuses(text(client.get("/policy/compensation_ratio_bp")))
    assert rows == [
        ("60.00%", "proposed, awaiting the committee", "草案"),
        ("65.00%", f"approved, in force from {later.isoformat()}", "市财政局通知"),
        ("70.00%", "in force", "Jinan: the pool compensates the principal loss at 70%"),
    ]


def test_a_value_replaced_today_says_so(client, auth, world):
    today = business_today()
    _propose_and_approve(client, auth, world, today)
    rows = _statuses(text(client.get("/policy/compensation_ratio_bp")))
    assert [(value, status) for value, status, _source in rows] == [
        ("65.00%", "in force"), ("70.00%", f"replaced from {today.isoformat()}")]
    values = _values(text(client.get("/policy/")))
    assert values["compensation_ratio_bp"] == "65.00%"
    assert "市财政局通知" in text(client.get("/policy/"))  # the typed reason, as typed


# 3. One NPL ratio ----------------------------------------------------------------------

def _ratios(page: str) -> dict[int, str]:
    return {int(bank): ratio.strip() for bank, ratio in re.findall(
        r'<tr data-bank="(\d+)">.*?class="text-end npl-ratio[^"]*">([^<]*)<', page, re.S)}


@pytest.mark.parametrize(("npl_fen", "covered_fen", "shown"), [
    (12_259, 20_000, "61.30%"),  # exactly 6129.5 bp: half up (not truncated to 61.29)
    (122_589_900, 200_000_000, "61.29%"),  # 6129.495 bp: rounded once, not 6129.50 then up
    (1, 3, "33.33%"),
])
def test_the_pool_and_the_banks_page_show_one_npl_ratio(client, auth, world, npl_fen,
                                                         covered_fen, shown):
    pf.ensure_policy()
    pf.covered_loan(world, status="active", outstanding_fen=covered_fen - npl_fen)
    pf.covered_loan(world, status="npl", outstanding_fen=npl_fen)
    login(auth, world.auditor)
    pool = _ratios(text(client.get("/pool/")))
    banks = _ratios(text(client.get("/banks/")))
    assert pool[world.bank1.id] == banks[world.bank1.id] == shown
    # A bank with no covered balance has no ratio, on either page.
    assert pool[world.bank2.id] == banks[world.bank2.id] == "—"


# 4. File sizes and the compensation basis ----------------------------------------------

@pytest.mark.parametrize(("size", "shown"), [
    (45, "45 B"), (446, "446 B"), (2048, "2 KB"), (1_258_291, "1.2 MB"),
    (10 * 1024 * 1024, "10 MB")])
def test_one_file_size_format(app, size, shown):
    assert readable_size(size) == shown
    assert app.jinja_env.from_string("{{ n|filesize }}").render(n=size) == shown


def test_the_application_form_lists_attachment_sizes_in_bytes_and_kilobytes(db, world):
    application = factories.loan_in(world, "park_review")
    assert outbox.run_pending()[1] == 0
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id, Dossier.stage == "application_form")).one()
    sizes = {a.size_bytes for a in db.session.scalars(select(Attachment).where(
        Attachment.application_id == application.id))}
    pdf_text = subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                              check=True, capture_output=True, text=True).stdout
    assert sizes and all(readable_size(size) in pdf_text for size in sizes)
    assert "Bytes" not in pdf_text


def test_the_compensation_basis_joins_its_reasons_in_the_readers_language(app):
    stored = ('[["ratio", {"ratio_bp": 7000}], '
              '["annual_cap", {"room_fen": 500000}]]')
    with app.test_request_context(), force_locale("zh"):
        chinese = calculation_text(stored)
    with app.test_request_context(), force_locale("en"):
        english = calculation_text(stored)
    assert "；" in chinese and "; " not in chinese
    assert english == ("70.00% of the loss; the bank's annual compensation cap leaves "
                       "5,000.00 yuan")


def test_the_suspension_notice_shows_the_ratio_the_pages_show(client, auth, world, db):

    pf.ensure_policy()
    db.session.add(PolicyParameter(key="suspension_balance_fen", value="10000",
                                   effective_from=business_today()))
    db.session.commit()
    pf.covered_loan(world, status="active", outstanding_fen=20_000 - 12_259)
    pf.covered_loan(world, status="npl", outstanding_fen=12_259)  # 6129.5 bp exactly
    assert standing.check_suspensions(business_today()) == 1
    assert outbox.run_pending()[1] == 0
    notice = db.session.scalars(select(Dossier).where(
        Dossier.stage == "suspension_notice")).one()
    pdf_text = subprocess.run(["pdftotext", "-layout", str(dossier_path(notice)), "-"],
                              check=True, capture_output=True, text=True).stdout
    login(auth, world.auditor)
    assert _ratios(text(client.get("/banks/")))[world.bank1.id] == "61.30%"
    assert "61.30%" in pdf_text and "61.29%" not in pdf_text
