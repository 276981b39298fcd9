"""A covered loan's life: repayments (form and CSV file), arrears, non-performing at 90 days."""

import io
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.workflows.loan.models import Repayment
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import status_label
from tests.web import text


def on(loan, days: int) -> str:
    """The date ``days`` after the loan's disbursement, but not after today (ISO text)."""
    day = fresh(loan.id).disbursed_on + timedelta(days=days)
    return min(day, business_today()).isoformat()


def due(loan, months: int) -> str:
    """The due date of the loan's ``months``-th instalment (may lie ahead)."""
    return (fresh(loan.id).disbursed_on + timedelta(days=30 * months)).isoformat()


def test_officer_reports_a_repayment_through_the_form(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    response = fire(client, loan.id, "report_repayment", follow=True,
                    due_on=due(loan, 1), paid_on=on(loan, 1), principal="100,000",
                    interest="3,000.50")
    assert status_label(response) == "Repaying"
    assert fresh(loan.id).outstanding_fen == 100_000_000 - 10_000_000
    assert "3,000.50" in text(response)


def test_repaying_more_than_outstanding_is_refused(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    response = fire(client, loan.id, "report_repayment", due_on=due(loan, 1),
                    paid_on=on(loan, 1), principal="1,000,000.01", interest="0")
    assert response.status_code == 422
    assert "more than the outstanding" in text(response)
    assert fresh(loan.id).status == "covered"


def _overdue_for(db_, loan, days: int) -> None:
    application = fresh(loan.id)
    application.overdue_since = business_today() - timedelta(days=days)
    db_.session.commit()


def test_non_performing_at_ninety_days_not_before(client, auth, world, db):
    loan = factories.loan_in(world, "overdue")
    _overdue_for(db, loan, 89)
    login(auth, world.officer1)
    refused = fire(client, loan.id, "classify_npl", classification="")
    assert refused.status_code == 422 and "90 days" in text(refused)
    _overdue_for(db, loan, 90)
    assert fire(client, loan.id, "classify_npl").status_code == 302
    assert fresh(loan.id).status == "npl"


def test_substandard_classification_makes_it_non_performing_at_once(client, auth, world, db):
    loan = factories.loan_in(world, "overdue")
    _overdue_for(db, loan, 5)
    login(auth, world.officer1)
    assert fire(client, loan.id, "classify_npl", classification="substandard").status_code == 302
    assert fresh(loan.id).classification == "substandard"


def _csv(rows: list[str]) -> bytes:
    return ("reference,due_on,paid_on,principal_yuan,interest_yuan\n" + "\n".join(rows)).encode()


def _upload(client, content: bytes):
    return client.post("/loan/repayments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), "repayments.csv")})


def test_csv_file_is_applied_whole(client, auth, world):
    first, second = factories.loan_in(world, "covered"), factories.loan_in(world, "covered")
    login(auth, world.officer1)
    response = _upload(client, _csv([
        f"{first.reference},{due(first, 1)},{on(first, 2)},100000,3000",
        f"{second.reference},{due(second, 1)},{on(second, 1)},50000.5,1500",
        f"{first.reference},{due(first, 2)},{on(first, 3)},100000,2700",
    ]))
    assert response.status_code == 200, text(response)
    assert fresh(first.id).outstanding_fen == 80_000_000
    assert fresh(second.id).outstanding_fen == 100_000_000 - 5_000_050
    batches = db.session.scalars(select(Repayment.batch).distinct()).all()
    assert len(batches) == 1 and batches[0].startswith("csv-")


def test_csv_file_with_bad_rows_changes_nothing_and_names_every_bad_row(client, auth, world):
    loan = factories.loan_in(world, "covered")
    foreign = factories.loan_in(world, "covered", founder=world.founder2, bank=world.bank2)
    login(auth, world.officer1)
    response = _upload(client, _csv([
        f"{loan.reference},{due(loan, 1)},{on(loan, 1)},100000,3000",
        f"{loan.reference},{due(loan, 1)},31/10/2026,100000,3000",
        f"{foreign.reference},{due(foreign, 1)},{on(foreign, 1)},1,1",
        f"{loan.reference},{due(loan, 1)},{on(loan, 1)},100000.123,0",
        f"{loan.reference},{due(loan, 1)},2099-01-01,1,0",
    ]))
    assert response.status_code == 422
    page = text(response)
    for line in (3, 4, 5, 6):
        assert f"<td>{line}</td>" in page
    assert "<td>2</td>" not in page
    assert db.session.scalar(select(func.count(Repayment.id))) == 0
    assert fresh(loan.id).status == "covered" and fresh(loan.id).outstanding_fen is None


def test_csv_rows_that_together_repay_too_much_are_refused(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    response = _upload(client, _csv([
        f"{loan.reference},{due(loan, 1)},{on(loan, 1)},600000,0",
        f"{loan.reference},{due(loan, 2)},{on(loan, 2)},600000,0",
    ]))
    assert response.status_code == 422
    assert "<td>3</td>" in text(response)
    assert db.session.scalar(select(func.count(Repayment.id))) == 0


def test_only_bank_staff_upload_repayment_files(client, auth, world):
    login(auth, world.founder)
    assert client.get("/loan/repayments").status_code == 404
