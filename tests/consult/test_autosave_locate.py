"""The autosave finds its record with a query compiled once per kind: for every kind
that can be edited, it finds what the QuerySet finds, with the same consult state and
patient, and nothing for another practice, another consult or another record."""

import uuid
from typing import Any

import pytest

from tests.security.conftest import security_world  # noqa: F401 (a fixture)
from tests.security.world import World

pytestmark = pytest.mark.django_db


def test_every_kind_is_found_as_the_queryset_finds_it(security_world: World):  # noqa: F811
    world = security_world
    practice_a = world.user("huisarts_a").practice_id
    practice_b = world.user("huisarts_b").practice_id
    checked = []
    for kind, consult, record_id in world.editable_records():
        key = kind.key
        where = {"consult_id": consult.public_id, "record_id": record_id}
        for _ in range(2):  # compiled the first time, from memory the second
            record: Any = kind.locate(practice_id=practice_a, **where)
            expected = kind.located(practice_id=practice_a, **where).first()
            assert record is not None, key
            assert (record.pk, record.version) == (expected.pk, expected.version), key
            assert record.consult_finished_at == expected.consult_finished_at, key
            assert record.patient_public_id == expected.patient_public_id, key
        assert kind.locate(practice_id=practice_b, **where) is None, key
        assert (
            kind.locate(practice_id=practice_a, consult_id=uuid.uuid4(), record_id=record_id)
            is None
        )
        assert (
            kind.locate(
                practice_id=practice_a, consult_id=consult.public_id, record_id=uuid.uuid4()
            )
            is None
        )
        checked.append(key)
    assert len(checked) >= 10
