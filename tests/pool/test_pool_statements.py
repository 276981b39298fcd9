"""Pool records out of the app: CSV/XLSX exports and the monthly statement PDF and its job."""

import csv
import hashlib
import io
import subprocess
from datetime import datetime
from datetime import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlalchemy import select

from talentfin.jobs import JOBS
from talentfin.jobs import run_job
from talentfin.pool import exports as pool_exports
from talentfin.pool import ledger
from talentfin.pool import statements
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import PoolStatement
from talentfin.storage import dossier_folder
from tests import pool_factories as pf
from tests.pdfa import assert_carries
from tests.pdfa import assert_pdfa_3b
from tests.web import login
from tests.web import text


@pytest.fixture
def book(world):
    """The standard pool (see tests/pool_factories.make_book)."""
    return pf.make_book(world)



def test_the_csv_export_holds_every_line_with_chinese_headers(book, client, auth, world):
    login(auth, world.auditor)
    response = client.get("/pool/export/ledger.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert tuple(rows[0]) == pool_exports.LEDGER_HEADERS
    assert len(rows) - 1 == 2 * 2 + 3 + 3  # two contributions, a payout, a recovery
    paid = [r for r in rows[1:] if r[9] == "代偿支出"]
    assert paid == [[str(book.payout.seq), str(book.payout.id), str(pf.months_ago(2)), "代偿支付",
                     book.payout.memo, book.compensated.reference, "", "pool", "", "代偿支出",
                     "", world.bank1.name, "100000.00", "", paid[0][14], book.payout.row_hash]]


def test_the_xlsx_export_of_covered_loans(book, client, auth, world):
    login(auth, world.committee)
    response = client.get(f"/pool/export/loans.xlsx?bank={world.bank1.id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == pool_exports.LOAN_HEADERS
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {book.active.reference, book.npl.reference}
    assert by_reference[book.npl.reference][4] == "不良"
    assert Decimal(str(by_reference[book.npl.reference][8])) == Decimal("200000.00")


def test_the_monthly_statement_is_a_pdfa_with_its_figures_its_hash_and_a_cjk_font(
        book, client, auth, world, db):
    month = statements.previous_month(pf.months_ago(0))
    statement = statements.generate_statement(month)
    path = dossier_folder() / statement.file_name
    content = path.read_bytes()
    assert statement.sha256 == hashlib.sha256(content).hexdigest()
    assert statement.summary["flows"]["recovered_fen"] == 1_000_000
    assert_pdfa_3b(content)
    assert_carries(content, f"pool-statement-{month}-v1.json", statement.summary,
                   "本报告所依据的数据（JSON）")
    assert [f["closing_fen"] for f in statement.summary["funders"]] == [594_600_000,
                                                                       396_400_000]
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout
    cjk = [line for line in fonts.splitlines()
           if any(name in line.replace("-", "") for name in ("NotoSansCJK", "TalentfinCJKSC"))]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts
    words = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                           text=True).stdout
    assert "风险补偿资金池月度报告" in words and world.bank1.name in words
    again = statements.generate_statement(month)
    assert again.version == 2 and again.file_name != statement.file_name
    login(auth, world.auditor)
    assert f"/pool/statements/{statement.id}.pdf" in text(client.get("/pool/"))
    download = client.get(f"/pool/statements/{statement.id}.pdf")
    assert hashlib.sha256(download.get_data()).hexdigest() == statement.sha256


def test_a_month_not_over_yet_has_no_statement(app):
    with pytest.raises(statements.StatementError):
        statements.generate_statement(pf.months_ago(0).strftime("%Y-%m"))


def test_the_scheduled_job_makes_each_month_since_the_first_entry_once(book, db):
    job = next(j for j in JOBS if j.name == "monthly_pool_statement")
    now = datetime.combine(pf.months_ago(0, day=1), time(9))
    first = db.session.scalar(select(func.min(LedgerEntry.effective_on))).strftime("%Y-%m")
    last = statements.previous_month(now.date())
    expected = [first, *statements._months_after(first, last)]
    assert len(expected) >= 2 and expected[-1] == last
    assert run_job(job, now) == f"ok: {len(expected)}"
    assert run_job(job, now) == "already done"
    assert statements.statement_for_last_month(now.date()) == 0
    made = db.session.scalars(select(PoolStatement).order_by(PoolStatement.month)).all()
    assert [s.month for s in made] == expected


def test_a_scheduler_down_for_months_makes_every_month_it_missed(book, db):
    statements.generate_statement(pf.months_ago(4).strftime("%Y-%m"))
    today = pf.months_ago(0, day=1)
    # Three months missed (three, two and one month ago), made oldest first; none twice.
    assert statements.statement_for_last_month(today) == 3
    assert statements.statement_for_last_month(today) == 0
    months = db.session.scalars(select(PoolStatement.month).order_by(PoolStatement.month))
    assert list(months) == [pf.months_ago(n).strftime("%Y-%m") for n in (4, 3, 2, 1)]


def test_exported_text_never_runs_as_a_formula(world, client, auth):
    city, _district = pf.funders()
    ledger.contribute(city, 100, world.pool_admin, pf.months_ago(1), memo="=HYPERLINK(\"x\")")
    login(auth, world.auditor)
    rows = list(csv.reader(io.StringIO(
        client.get("/pool/export/ledger.csv").get_data().decode("utf-8-sig"))))
    assert {row[4] for row in rows[1:]} == {"'=HYPERLINK(\"x\")"}
    sheet = load_workbook(io.BytesIO(client.get("/pool/export/ledger.xlsx").get_data())).active
    memo = sheet.cell(row=2, column=5)
    assert memo.data_type == "s" and memo.value == "'=HYPERLINK(\"x\")"


def test_the_memos_the_code_writes_are_exported_in_chinese(world, client, auth, db):
    loan = pf.covered_loan(world)
    city = db.session.scalars(select(Funder).order_by(Funder.id)).first()
    pf.contribute(world, city, 1000, pf.months_ago(2))
    entry = ledger.post_entry("compensation_payout", [
        ledger.Line(ledger.CASH, -100, funder_id=city.id),
        ledger.Line("compensation_paid", 100, org_id=world.bank1.id)],
        effective_on=pf.months_ago(1), maker=world.pool_admin,
        memo=f"{loan.reference} claim 7", application_id=loan.id)
    typed = ledger.reverse(entry, world.pool_admin, "录入错误 claim 7")
    db.session.commit()
    login(auth, world.auditor)
    rows = list(csv.reader(io.StringIO(
        client.get("/pool/export/ledger.csv").get_data().decode("utf-8-sig"))))
    memos = {int(row[1]): row[4] for row in rows[1:]}
    assert memos[entry.id] == f"贷款 {loan.reference} 第 7 号代偿申请的代偿支付"
    assert memos[typed.id] == "录入错误 claim 7"  # a person's memo, as typed
    assert pool_exports.zh_memo("bond_issuer_draw", "B-1 default") == \
        "人才债分配 B-1 违约：发行人自有资金承担"
    assert pool_exports.zh_memo("adjustment", "L-1 claim 7") == "L-1 claim 7"
