from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from tests.performance.world import SIZES, build_sized_world
from tests.security.world import World


@pytest.fixture(scope="module")
def sized_worlds(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[dict[str, World]]:
    """The world of tests/performance/world.py at every size (small and large, by
    name), side by side in one database, built once per test module in a transaction
    that is rolled back when the module is done. Each request is made in a savepoint
    of its own (tests.security.world.rolled_back), so each sees the worlds as built.

    Mark the module `pytestmark = pytest.mark.django_db`: pytest-django sets up the
    test database only for a run that has a test marked so."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield {size.name: build_sized_world(size) for size in SIZES}
        transaction.set_rollback(True)
