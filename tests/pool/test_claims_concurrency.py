"""Several claims approved at once against a pool that can pay only one of them."""


from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.pool import ledger
from talentfin.pool.models import Claim
from talentfin.workflows import engine
from tests import factories
from tests.threads import fire_together

CLAIMS = 4


def test_only_the_affordable_claim_pays_and_no_balance_goes_negative(app, world):
    # 1,200,000 yuan: 720,000 city and 480,000 district; one payout of 750,000 takes
    # 450,000 + 300,000, after which the city's 270,000 cannot meet another 450,000.
    city, district = factories.fund_pool(world, amount_fen=120_000_000)
    loans = [factories.loan_in(world, "committee_review") for _ in range(CLAIMS)]
    results = fire_together(app, [(loan.id, "approve_compensation", world.committee.id)
                                  for loan in loans])
    won = [r for r in results if isinstance(r, engine.Fired)]
    refused = [r for r in results if isinstance(r, engine.Refused)]
    assert len(won) == 1, results
    assert len(refused) == CLAIMS - 1, results
    db.session.expire_all()
    balances = ledger.funder_balances()
    assert balances == {city.id: 72_000_000 - 45_000_000, district.id: 48_000_000 - 30_000_000}
    assert all(amount >= 0 for amount in balances.values())
    paid = db.session.scalars(select(Claim).where(Claim.status == "paid")).all()
    assert len(paid) == 1
    statuses = sorted(db.session.scalars(select(Application.status).where(
        Application.id.in_([loan.id for loan in loans]))))
    assert statuses == ["committee_review"] * (CLAIMS - 1) + ["compensated"]
