"""The exchange and recommending institutions every board test meets."""

import pytest

from tests.board.factories import make_exchange


@pytest.fixture
def exchange(world):
    """The exchange with its officers, approver and listing committee; two recommending
    institutions with their staff."""
    return make_exchange()
