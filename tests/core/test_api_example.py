"""The example partner system in examples/ works against a served instance: it lists the
queue page by page, recommends with an idempotency key, and verifies real webhook
signatures (and refuses altered or stale ones)."""

import importlib.util
import threading
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from standardwebhooks import Webhook
from werkzeug.serving import make_server

from talentfin.services import api_clients
from tests import factories

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank_client.py"


def _example():
    spec = importlib.util.spec_from_file_location("bank_client", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def served(app):
    """The app served on a free port (its own threads, as gunicorn would)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_example_client_lists_the_queue_and_recommends(served, world):
    row, secret = api_clients.register(world.bank1, "示例", ["read", "decide"], world.admin)
    waiting = [factories.loan_in(world, "partner_review") for _ in range(3)]
    references = [a.reference for a in waiting]
    first_id = waiting[0].id
    bank_client = _example()
    api = bank_client.Api(served, row.client_id, secret, world.officer1.email)
    assert [item["reference"] for item in api.queue(limit=2)] == references
    terms = {"amount": "800000", "rate": "3.45", "term_months": "24",
             "security": "pure_credit", "comment": "经营稳定。"}
    status, body = api.recommend(first_id, terms, key="retry-safe")
    assert status == 200 and body["application"]["status"] == "bank_approval"
    again_status, again = api.recommend(first_id, terms, key="retry-safe")
    assert again_status == 200 and again == body  # the retry is answered, not redone
    status, problem = api.recommend(first_id, terms)  # a new key: the decision is taken
    assert status == 409 and problem["status"] == 409


def test_the_example_receiver_verifies_signatures():
    bank_client = _example()
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    now = datetime.now(UTC)
    body = b'{"type":"application.queued","data":{}}'
    headers = {"webhook-id": "tf_q_1_1", "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign("tf_q_1_1", now, body.decode())}
    assert bank_client.verify(secret, headers, body)["type"] == "application.queued"
    with pytest.raises(ValueError, match="bad signature"):
        bank_client.verify(secret, headers, body.replace(b"queued", b"transition"))
    with pytest.raises(ValueError, match="too old"):
        bank_client.verify(secret, headers, body, now=time.time() + 3600)
