"""The underwriters and issuers every bond test meets."""

import pytest

from tests.bond.factories import make_underwriters


@pytest.fixture
def underwriters(world):
    """Two underwriters with their staff, two issuers with theirs."""
    return make_underwriters()
