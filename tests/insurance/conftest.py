"""The insurers every insurance test meets."""

import pytest

from tests.insurance.factories import make_insurers


@pytest.fixture
def insurers(world):
    """Two insurers with their staff and terms."""
    return make_insurers()
