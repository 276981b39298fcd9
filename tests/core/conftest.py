"""The fixtures tests of the core share: a client of bank 1 that reads for its staff, a
partner's webhook receiver on a free port, and an empty database for the migrations."""

import pytest

from talentfin.services import api_clients
from tests.conftest import PG_URL
from tests.conftest import scratch_database
from tests.webhooks import Receiver


@pytest.fixture
def bank_client(world):
    """A client of bank 1 reading for its staff; (row, secret)."""
    return api_clients.register(world.bank1, "核心系统", ["read"], world.admin)


@pytest.fixture
def receiver():
    """A webhook receiver on a free port."""
    running = Receiver()
    yield running
    running.server.shutdown()


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the engine under test (a scratch database on PostgreSQL)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    yield from scratch_database("migrations")
