from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker

from tests.security.world import World, world_rolled_back


@pytest.fixture(scope="module")
def security_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    """The world of tests/security/world.py, built once per test module in a
    transaction that is rolled back when the module is done. Tests wrap each request
    that may change data in world.rolled_back(), so each sees the world as built.

    Mark the module `pytestmark = pytest.mark.django_db`: pytest-django sets up the
    test database only for a run that has a test marked so."""
    with django_db_blocker.unblock(), world_rolled_back() as world:
        yield world
