"""The funds every equity test meets."""

import pytest

from tests.equity.factories import make_funds


@pytest.fixture
def funds(world):
    """Two funds with their staff and investment committees (fund 1's has five members)."""
    return make_funds()
