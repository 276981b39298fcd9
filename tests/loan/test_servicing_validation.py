"""Bank reports that must not count twice or predate the loan: repayments, arrears, recoveries."""

import io
import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import User
from talentfin.pool.models import Recovery
from talentfin.workflows import engine
from talentfin.workflows.loan import servicing as servicing_rules
from talentfin.workflows.loan.models import Repayment
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import text

HEADER = "reference,due_on,paid_on,principal_yuan,interest_yuan\n"


def _disbursed(loan):
    return fresh(loan.id).disbursed_on


def _upload(client, rows: list[str]):
    content = (HEADER + "\n".join(rows)).encode()
    return client.post("/loan/repayments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), "repayments.csv")})


def _repayments(loan) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Repayment.id)).where(
        Repayment.application_id == loan.id))


def _rows(*loans) -> list[str]:
    """Two repayments of each loan, paid on its disbursement date and the day after."""
    today = business_today()
    rows = []
    for loan in loans:
        start = _disbursed(loan)
        rows.append(f"{loan.reference},{start + timedelta(days=30)},{start},100000,3000")
        rows.append(f"{loan.reference},{start + timedelta(days=60)},"
                    f"{min(today, start + timedelta(days=1))},100000,2900")
    return rows


# A. The same repayment is recorded once.

def test_uploading_the_same_file_twice_records_it_once(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    rows = _rows(loan)
    first = _upload(client, rows)
    assert first.status_code == 200, text(first)
    assert "2 repayments were recorded" in text(first)
    assert fresh(loan.id).outstanding_fen == 100_000_000 - 20_000_000

    again = _upload(client, rows)
    assert again.status_code == 422
    page = text(again)
    assert "nothing was applied" in page
    assert "<td>2</td>" in page and "<td>3</td>" in page
    assert page.count("is already recorded for this loan") == 2
    assert _repayments(loan) == 2
    assert fresh(loan.id).outstanding_fen == 100_000_000 - 20_000_000


def test_a_file_with_one_repeated_row_is_refused_whole(client, auth, world):
    loan, other = factories.loan_in(world, "covered"), factories.loan_in(world, "covered")
    login(auth, world.officer1)
    rows = _rows(loan, other)
    response = _upload(client, [*rows, rows[1]])  # line 6 repeats line 3
    assert response.status_code == 422
    page = text(response)
    assert "<td>6</td>" in page and "The same repayment as line 3" in page
    assert "<td>3</td>" not in page
    assert _repayments(loan) == 0 and _repayments(other) == 0
    assert fresh(loan.id).outstanding_fen is None


def test_a_repayment_differing_in_one_figure_is_a_different_repayment(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    start = _disbursed(loan)
    rows = [f"{loan.reference},{start + timedelta(days=30)},{start},100000,3000",
            f"{loan.reference},{start + timedelta(days=31)},{start},100000,3000",
            f"{loan.reference},{start + timedelta(days=30)},{start},100000,3000.01"]
    assert _upload(client, rows).status_code == 200
    assert _repayments(loan) == 3


def test_the_form_refuses_a_repayment_already_recorded(client, auth, world):
    loan = factories.loan_in(world, "covered")
    login(auth, world.officer1)
    start = _disbursed(loan)
    fields = {"due_on": (start + timedelta(days=30)).isoformat(),
              "paid_on": start.isoformat(), "principal": "100,000", "interest": "3,000"}
    assert fire(client, loan.id, "report_repayment", **fields).status_code == 302
    again = fire(client, loan.id, "report_repayment", **fields)
    assert again.status_code == 422
    assert (f"This repayment (due {fields['due_on']}, paid {fields['paid_on']}, principal "
            "100,000.00 yuan, interest 3,000.00 yuan) is already recorded") in text(again)
    assert _repayments(loan) == 1
    assert fresh(loan.id).outstanding_fen == 90_000_000


def test_two_requests_reporting_the_same_repayment_at_once_record_it_once(
        app, world, monkeypatch):
    loan = factories.loan_in(world, "covered")
    start = _disbursed(loan)
    data = {"due_on": start + timedelta(days=30), "paid_on": start,
            "principal_fen": 10_000_000, "interest_fen": 300_000}
    # Both requests pass the duplicate check before either writes: the worst interleaving.
    checked = threading.Barrier(2)
    original = servicing_rules._already_recorded

    def check_then_wait(ctx):
        reason = original(ctx)
        checked.wait(timeout=10)
        return reason

    monkeypatch.setattr(servicing_rules, "_already_recorded", check_then_wait)
    loan_id, officer_id = loan.id, world.officer1.id
    db.session.remove()
    results: list = [None, None]

    def report(index: int) -> None:
        with app.app_context():
            try:
                application = db.session.get(Application, loan_id)
                officer = db.session.get(User, officer_id)
                results[index] = engine.fire(application, "report_repayment", officer,
                                             data=dict(data))
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=report, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(isinstance(r, engine.Fired) for r in results) == 1, results
    loser = next(r for r in results if not isinstance(r, engine.Fired))
    assert isinstance(loser, engine.Conflict), loser
    assert _repayments(loan) == 1
    assert fresh(loan.id).outstanding_fen == 90_000_000


# B. No servicing date before the loan (or the claim) existed, none in the future.

def test_a_repayment_paid_before_the_disbursement_is_refused(client, auth, world):
    loan = factories.loan_in(world, "covered")
    start = _disbursed(loan)
    login(auth, world.officer1)
    early = fire(client, loan.id, "report_repayment",
                 due_on=(start + timedelta(days=30)).isoformat(),
                 paid_on=(start - timedelta(days=1)).isoformat(), principal="1", interest="0")
    assert early.status_code == 422
    assert f"cannot be before the loan was disbursed on {start.isoformat()}" in text(early)
    long_ago = fire(client, loan.id, "report_repayment", due_on="2000-02-01",
                    paid_on="2000-01-01", principal="1", interest="0")
    assert long_ago.status_code == 422
    assert _repayments(loan) == 0 and fresh(loan.id).status == "covered"
    on_the_day = fire(client, loan.id, "report_repayment",
                      due_on=(start + timedelta(days=30)).isoformat(),
                      paid_on=start.isoformat(), principal="1", interest="0")
    assert on_the_day.status_code == 302
    assert fresh(loan.id).status == "active"


def test_a_due_date_before_the_disbursement_is_refused(client, auth, world):
    loan = factories.loan_in(world, "covered")
    start = _disbursed(loan)
    login(auth, world.officer1)
    response = fire(client, loan.id, "report_repayment",
                    due_on=(start - timedelta(days=1)).isoformat(), paid_on=start.isoformat(),
                    principal="1", interest="0")
    assert response.status_code == 422
    assert f"The due date cannot be before the loan was disbursed on {start}" in text(response)


def test_a_csv_row_paid_before_the_disbursement_is_named(client, auth, world):
    loan = factories.loan_in(world, "covered")
    start = _disbursed(loan)
    login(auth, world.officer1)
    response = _upload(client, [
        f"{loan.reference},{start + timedelta(days=30)},{start},100000,3000",
        f"{loan.reference},{start + timedelta(days=60)},2000-01-01,100000,3000",
    ])
    assert response.status_code == 422
    page = text(response)
    assert "<td>3</td>" in page and f"disbursed on {start}" in page
    assert "<td>2</td>" not in page
    assert _repayments(loan) == 0


def test_arrears_cannot_start_before_the_disbursement(client, auth, world):
    loan = factories.loan_in(world, "covered")
    start = _disbursed(loan)
    login(auth, world.officer1)
    backdated = fire(client, loan.id, "report_overdue",
                     overdue_since=(start - timedelta(days=1)).isoformat(),
                     classification="special_mention")
    assert backdated.status_code == 422
    assert f"cannot be overdue before it was disbursed on {start}" in text(backdated)
    assert fresh(loan.id).status == "covered" and fresh(loan.id).overdue_since is None
    future = fire(client, loan.id, "report_overdue",
                  overdue_since=(business_today() + timedelta(days=1)).isoformat(),
                  classification="special_mention")
    assert future.status_code == 422
    assert fire(client, loan.id, "report_overdue", overdue_since=start.isoformat(),
                classification="special_mention").status_code == 302
    assert fresh(loan.id).overdue_since == start


def test_a_fresh_loan_cannot_be_made_non_performing_by_backdated_arrears(world):
    loan = factories.loan_in(world, "covered")
    days = 120
    with force_locale("en"), pytest.raises(engine.Refused, match="disbursed on"):
        engine.fire(loan, "report_overdue", world.officer1, data={
            "overdue_since": business_today() - timedelta(days=days),
            "classification": "special_mention"})
    assert fresh(loan.id).status == "covered"


def _recovery(loan, received_on):
    return {"received_on": received_on, "gross_fen": 1_000_000, "costs_fen": 0}


def test_a_recovery_cannot_predate_the_claim(client, auth, world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "compensated")
    today = business_today()  # the factory lodges the claim today
    login(auth, world.officer1)
    for day in (today - timedelta(days=1), _disbursed(loan), "2020-01-01"):
        response = fire(client, loan.id, "report_recovery", received_on=str(day),
                        gross="10,000", costs="0")
        assert response.status_code == 422
        assert f"cannot be dated before the claim was lodged on {today}" in text(response)
    future = fire(client, loan.id, "report_recovery",
                  received_on=str(today + timedelta(days=1)), gross="10,000", costs="0")
    assert future.status_code == 422 and "cannot be in the future" in text(future)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Recovery.id))) == 0
    assert fire(client, loan.id, "report_recovery", received_on=str(today), gross="10,000",
                costs="0").status_code == 302
    assert fresh(loan.id).status == "in_recovery"
