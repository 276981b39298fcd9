"""Retries and races through the partner API: a request sent again with the same
Idempotency-Key gets the first answer and changes nothing, for a day; a decision sent twice at
once, by two clients or under one key, is taken once, and the other caller gets a 409 or the
first answer."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.models import IdempotencyKey
from talentfin.models import TransitionLog
from talentfin.services import api_clients
from talentfin.services import idempotency
from tests import factories
from tests.web import TERMS
from tests.web import api_decide
from tests.web import api_token


@pytest.fixture
def decider(client, world):
    """A bank 1 client that may decide, and its token."""
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    return row, api_token(client, row.client_id, secret)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_changes_nothing(
        client, world, db, decider):
    row, token = decider
    application = factories.loan_in(world, "partner_review")
    key = {"Idempotency-Key": "9f1c6a7e-0001"}
    first = api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                    **key)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    retry = api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                    **key)
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json()
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "recommend")) == 1
    # The same key with another body: refused, nothing done.
    other = api_decide(client, token, world.officer1.email, application.id, "recommend",
                    {**TERMS, "amount": "700000"}, **key)
    assert other.status_code == 422 and "另一个请求" in other.get_json()["detail"]
    # A refusal is kept too: the retry of a refused request is refused the same way.
    second = factories.loan_in(world, "partner_review")
    key = {"Idempotency-Key": "9f1c6a7e-0002"}
    bad = {**TERMS, "amount": "lots"}
    refused = api_decide(client, token, world.officer1.email, second.id, "recommend", bad, **key)
    replayed = api_decide(client, token, world.officer1.email, second.id, "recommend", bad, **key)
    assert refused.status_code == replayed.status_code == 422
    assert replayed.get_json() == refused.get_json()
    assert replayed.headers["Content-Type"] == "application/problem+json"
    # Another client's key of the same text is its own.
    assert api_decide(client, token, world.officer1.email, second.id, "recommend", TERMS,
                   **{"Idempotency-Key": "9f1c6a7e-0003"}).status_code == 200


def test_keys_expire_after_a_day(client, world, db, decider):
    row, token = decider
    application = factories.loan_in(world, "partner_review")
    key = {"Idempotency-Key": "day-old"}
    assert api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                   **key).status_code == 200
    record = db.session.scalars(select(IdempotencyKey)).one()
    record.created_at -= timedelta(hours=25)
    db.session.commit()
    # Past its day the key is new again: the request runs (and meets the state it left).
    again = api_decide(client, token, world.officer1.email, application.id, "recommend", TERMS,
                    **key)
    assert again.status_code == 409 and "Idempotent-Replayed" not in again.headers
    assert idempotency.prune() == 0  # the new record is fresh


def test_two_clients_deciding_at_once_one_wins_the_other_gets_409(app, client, world, db,
                                                                   decider):
    _row, token = decider
    other, other_secret = api_clients.register(world.bank1, "另一系统", ["read", "decide"],
                                               world.admin)
    other_token = api_token(client, other.client_id, other_secret)
    application_id = factories.loan_in(world, "partner_review").id
    officer = world.officer1.email
    barrier = threading.Barrier(2)
    results = [None, None]

    def decide(index: int, bearer: str) -> None:
        local = app.test_client()
        barrier.wait(timeout=30)
        results[index] = api_decide(local, bearer, officer, application_id, "recommend", TERMS)

    threads = [threading.Thread(target=decide, args=(i, t))
               for i, t in enumerate((token, other_token))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.get_json() for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.headers["Content-Type"] == "application/problem+json"
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "recommend")) == 1


def test_one_key_sent_twice_at_once_runs_once(app, client, world, db, decider):
    _row, token = decider
    application_id = factories.loan_in(world, "partner_review").id
    officer = world.officer1.email
    barrier = threading.Barrier(2)
    results = [None, None]

    def decide(index: int) -> None:
        local = app.test_client()
        barrier.wait(timeout=30)
        results[index] = api_decide(local, token, officer, application_id, "recommend", TERMS,
                                 **{"Idempotency-Key": "twice"})

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(r.status_code for r in results)
    # The second either waited behind the first (and was replayed) or was told to retry.
    assert codes in ([200, 200], [200, 409]), [r.get_json() for r in results]
    assert db.session.scalar(select(func.count(TransitionLog.id)).where(
        TransitionLog.trigger == "recommend")) == 1
