"""Several claims approved at once against a pool that can pay only one of them."""

import threading

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Claim
from talentfin.models import User
from talentfin.services import ledger
from talentfin.workflows import engine
from tests import factories

CLAIMS = 4


def _approve_together(app, application_ids: list[int], user_id: int) -> list:
    barrier = threading.Barrier(len(application_ids))
    results: list = [None] * len(application_ids)

    def work(index: int, application_id: int) -> None:
        with app.app_context():
            try:
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                results[index] = engine.fire(application, "approve_compensation", user)
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(application_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_only_the_affordable_claim_pays_and_no_balance_goes_negative(app, world):
    # 1,200,000 yuan: 720,000 city and 480,000 district; one payout of 750,000 takes
    # 450,000 + 300,000, after which the city's 270,000 cannot meet another 450,000.
    city, district = factories.fund_pool(world, amount_fen=120_000_000)
    loans = [factories.loan_in(world, "committee_review") for _ in range(CLAIMS)]
    results = _approve_together(app, [loan.id for loan in loans], world.committee.id)
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
