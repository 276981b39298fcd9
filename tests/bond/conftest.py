"""The underwriters and issuers every bond test meets."""

import pytest

from tests.bond.factories import make_underwriters
from tests.bond.web_helpers import Desk
from tests.bond.web_helpers import make_desk


@pytest.fixture
def underwriters(world):
    """Two underwriters with their staff, two issuers with theirs."""
    return make_underwriters()


@pytest.fixture
def desk(world) -> Desk:
    """The underwriters, issuers and outsiders of the page tests."""
    return make_desk()
