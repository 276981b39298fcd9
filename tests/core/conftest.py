"""The fixtures that tests of the partner API and of webhooks share: a client of bank 1
that reads for its staff, and a partner's webhook receiver on a free port."""

import pytest

from talentfin.services import api_clients
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
