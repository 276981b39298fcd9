"""A bank's system reports repayments and arrears through the partner API: one or many,
every one checked as a row of the CSV (a repayment) or the page's form (arrears) is, all
applied in one transaction or none, each refused one named by its place; the log says
which client reported them."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.services import api_clients
from talentfin.workflows.loan.models import Repayment
from tests import factories
from tests.loan.test_servicing import due
from tests.loan.test_servicing import on
from tests.web import api_token
from tests.web import fresh


@pytest.fixture
def reporter(client, world):
    """Bank 1's servicing system: (client row, token) with the report scope."""
    row, secret = api_clients.register(world.bank1, "贷后系统", ["read", "report"],
                                       world.admin)
    return row, api_token(client, row.client_id, secret)


def _report(client, token: str, person: str, items: list[dict], **headers):
    return client.post("/api/v1/loans/repayments", json={"repayments": items},
                       headers={"Authorization": f"Bearer {token}", "On-Behalf-Of": person,
                                **headers})


def _item(loan, month: int, day: int, principal: str, interest: str = "0") -> dict:
    return {"reference": loan.reference, "due_on": due(loan, month), "paid_on": on(loan, day),
            "principal_yuan": principal, "interest_yuan": interest}


def _repayments() -> int:
    return db.session.scalar(select(func.count(Repayment.id)))


def test_repayments_are_applied_together_and_attributed_to_the_client(
        client, world, reporter):
    row, token = reporter
    first, second = factories.loan_in(world, "covered"), factories.loan_in(world, "covered")
    done = _report(client, token, world.officer1.email, [
        _item(first, 1, 2, "100000", "3000"), _item(second, 1, 1, "50000.5", "1500"),
        _item(first, 2, 3, "100000", "2700")])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["applied"] == 3 and done.get_json()["batch"].startswith("api-")
    assert fresh(first.id).outstanding_fen == 80_000_000
    assert fresh(second.id).outstanding_fen == 100_000_000 - 5_000_050
    logs = db.session.scalars(select(TransitionLog).where(
        TransitionLog.trigger == "report_repayment")).all()
    assert len(logs) == 3
    assert {log.payload["via"] for log in logs} == {f"api:{row.client_id}"}
    assert {log.actor_id for log in logs} == {world.officer1.id}


def test_one_bad_repayment_refuses_them_all_and_each_is_named(client, world, reporter):
    _row, token = reporter
    loan = factories.loan_in(world, "covered")
    foreign = factories.loan_in(world, "covered", founder=world.founder2, bank=world.bank2)
    refused = _report(client, token, world.officer1.email, [
        _item(loan, 1, 1, "100000", "3000"),
        {**_item(loan, 1, 1, "100000"), "paid_on": "31/10/2026"},
        _item(foreign, 1, 1, "1", "1"),
        _item(loan, 1, 1, "100000.123"),
        {**_item(loan, 1, 1, "1"), "paid_on": "2099-01-01"}])
    assert refused.status_code == 422
    problem = refused.get_json()
    assert problem["detail"]
    assert set(problem["errors"]["repayments"]) == {"2", "3", "4", "5"}
    assert _repayments() == 0
    assert fresh(loan.id).status == "covered" and fresh(loan.id).outstanding_fen is None
    # Together more than is owed: the later one is named, nothing applied.
    too_much = _report(client, token, world.officer1.email, [
        _item(loan, 1, 1, "600000"), _item(loan, 2, 2, "600000")])
    assert too_much.status_code == 422 and set(too_much.get_json()["errors"]["repayments"]) \
        == {"2"}
    assert _repayments() == 0


def test_the_list_is_checked_and_the_scope_and_person_too(client, world, reporter):
    _row, token = reporter
    loan = factories.loan_in(world, "covered")
    empty = _report(client, token, world.officer1.email, [])
    assert empty.status_code == 422 and "repayments" in empty.get_json()["errors"]["json"]
    no_reference = _report(client, token, world.officer1.email,
                           [_item(loan, 1, 1, "1"),
                            {"due_on": due(loan, 1), "paid_on": on(loan, 1)}])
    assert no_reference.status_code == 422
    # The second item is "2" whether its fields or a rule refused it (as above).
    assert set(no_reference.get_json()["errors"]["json"]["repayments"]) == {"2"}
    assert "reference" in no_reference.get_json()["errors"]["json"]["repayments"]["2"]
    # The person must be of the client's bank (a founder is not), and the token's scope
    # must be "report".
    assert _report(client, token, world.founder.email,
                   [_item(loan, 1, 1, "1")]).status_code == 403
    reader, secret = api_clients.register(world.bank1, "只读", ["read"], world.admin)
    read_only = api_token(client, reader.client_id, secret)
    assert _report(client, read_only, world.officer1.email,
                   [_item(loan, 1, 1, "1")]).status_code == 403
    assert _repayments() == 0


def test_a_retried_report_is_applied_once(client, world, reporter):
    _row, token = reporter
    loan = factories.loan_in(world, "covered")
    items = [_item(loan, 1, 1, "100000", "3000")]
    first = _report(client, token, world.officer1.email, items, **{"Idempotency-Key": "r-1"})
    again = _report(client, token, world.officer1.email, items, **{"Idempotency-Key": "r-1"})
    assert first.status_code == again.status_code == 200
    assert again.get_json() == first.get_json() and _repayments() == 1


def _arrears(client, token: str, person: str, items: list[dict]):
    return client.post("/api/v1/loans/arrears", json={"arrears": items},
                       headers={"Authorization": f"Bearer {token}", "On-Behalf-Of": person})


def test_arrears_are_reported_together_or_not_at_all(client, world, reporter):
    _row, token = reporter
    first, second = factories.loan_in(world, "covered"), factories.loan_in(world, "covered")
    foreign = factories.loan_in(world, "covered", founder=world.founder2, bank=world.bank2)
    since = fresh(first.id).disbursed_on.isoformat()
    refused = _arrears(client, token, world.officer1.email, [
        {"reference": first.reference, "overdue_since": since,
         "classification": "special_mention"},
        {"reference": second.reference, "overdue_since": "2099-01-01",
         "classification": "special_mention"},
        {"reference": foreign.reference, "overdue_since": since},
        {"reference": first.reference, "overdue_since": since},
        {"reference": second.reference, "overdue_since": since, "classification": "lost?"}])
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]["arrears"]) == {"2", "3", "4", "5"}
    assert fresh(first.id).status == fresh(second.id).status == "covered"
    done = _arrears(client, token, world.officer1.email, [
        {"reference": first.reference, "overdue_since": since,
         "classification": "special_mention"},
        {"reference": second.reference, "overdue_since": since,
         "classification": "substandard", "comment": "连续两期未还"}])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["applied"] == 2
    assert fresh(first.id).status == fresh(second.id).status == "overdue"
    assert fresh(first.id).overdue_since.isoformat() == since
    # The same again: the loans are overdue already; nothing changes.
    again = _arrears(client, token, world.officer1.email, [
        {"reference": first.reference, "overdue_since": since}])
    assert again.status_code == 422 and set(again.get_json()["errors"]["arrears"]) == {"1"}


def test_a_refused_classification_names_its_codes_and_an_unknown_field_its_place(
        client, world, reporter):
    _row, token = reporter
    loan = factories.loan_in(world, "covered")
    since = fresh(loan.id).disbursed_on.isoformat()
    refused = _arrears(client, token, world.officer1.email, [
        {"reference": loan.reference, "overdue_since": since, "classification": "关注"}])
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["arrears"] == {"1": [
        "请从以下代码中选择：special_mention, substandard, doubtful, loss。"]}
    misspelt = _arrears(client, token, world.officer1.email, [
        {"reference": loan.reference, "overdue_since": since},
        {"reference": loan.reference, "overdue_since": since, "clasification": "loss"}])
    assert set(misspelt.get_json()["errors"]["json"]["arrears"]) == {"2"}
    assert fresh(loan.id).status == "covered"
