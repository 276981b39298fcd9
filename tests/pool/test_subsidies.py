"""Interest subsidy: half of the interest paid on time, capped per firm and year, paid once."""

from datetime import date
from datetime import timedelta

import pytest

from talentfin import policy
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import PolicyParameter
from talentfin.pool import ledger
from talentfin.pool import subsidies
from talentfin.workflows.loan.models import Repayment
from tests import factories
from tests.web import login

YEAR = business_today().year


def _repaid(world, *interest_on_time_late):
    """A repaying loan with repayments of the given interest; (fen, on_time) pairs."""
    loan = factories.loan_in(world, "active")
    db.session.query(Repayment).delete()
    for number, (interest, on_time) in enumerate(interest_on_time_late):
        due = date(YEAR, 1, 10) + timedelta(days=30 * number)
        db.session.add(Repayment(application_id=loan.id, due_on=due,
                                 paid_on=due + timedelta(days=-1 if on_time else 3),
                                 principal_fen=0, interest_fen=interest,
                                 reported_by_id=world.officer1.id))
    db.session.commit()
    return loan


def test_half_of_the_interest_paid_on_time(world):
    city, district = factories.fund_pool(world)
    loan = _repaid(world, (300_000, True), (300_000, False), (100_001, True))
    claim = subsidies.request(loan, YEAR, world.founder)
    assert claim.amount_fen == 400_001 * 5000 // 10_000
    before = ledger.funder_balances()
    subsidies.decide(claim, True, world.pool_admin)
    after = ledger.funder_balances()
    assert before[city.id] - after[city.id] + before[district.id] - after[district.id] == 200_000


def test_the_firm_cap_per_year(world):
    factories.fund_pool(world)
    db.session.add(PolicyParameter(key="interest_subsidy_cap_fen", value="150000",
                                   effective_from=date(2020, 1, 1)))
    db.session.commit()
    first = _repaid(world, (200_000, True))
    subsidies.decide(subsidies.request(first, YEAR, world.founder), True, world.pool_admin)
    second = factories.loan_in(world, "active")
    db.session.add(Repayment(application_id=second.id, due_on=date(YEAR, 2, 1),
                             paid_on=date(YEAR, 2, 1), principal_fen=0, interest_fen=200_000,
                             reported_by_id=world.officer1.id))
    db.session.commit()
    claim = subsidies.request(second, YEAR, world.founder)
    assert claim.amount_fen == 50_000  # 150,000 cap minus the 100,000 already paid


def test_asked_once_and_only_by_the_founder(world):
    factories.fund_pool(world)
    loan = _repaid(world, (100_000, True))
    # Another firm's founder may not ask (the policy says so; the page refuses with 403).
    assert not policy.allowed(world.founder2, "request_subsidy", loan)
    assert policy.allowed(world.founder, "request_subsidy", loan)
    subsidies.request(loan, YEAR, world.founder)
    with pytest.raises(subsidies.SubsidyError):
        subsidies.request(loan, YEAR, world.founder)


def test_late_interest_earns_nothing(world):
    loan = _repaid(world, (100_000, False))
    with pytest.raises(subsidies.SubsidyError):
        subsidies.request(loan, YEAR, world.founder)


def test_through_the_web(client, auth, world):
    factories.fund_pool(world)
    loan = _repaid(world, (100_000, True))
    login(auth, world.founder)
    assert client.post(f"/subsidies/applications/{loan.id}",
                       data={"year": str(YEAR)}).status_code == 302
    auth.logout()
    login(auth, world.pool_admin)
    page = client.get("/subsidies/").get_data(as_text=True)
    assert loan.reference in page
    claim = subsidies.waiting()[0]
    assert client.post(f"/subsidies/{claim.id}/decide",
                       data={"decision": "approve"}).status_code == 302
    db.session.expire_all()
    assert subsidies.for_application(loan)[0].status == "paid"
