import pytest


@pytest.fixture
def world(transactional_db, world):
    """The shared personas, committed: threads on their own connections must see them."""
    return world
