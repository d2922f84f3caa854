"""The autosave's UPDATE is built once per model and fields on PostgreSQL (not by
Django's compiler each time): for every kind that can be edited, saving every field of
its form stores each value as Django would, moves the version on by one, writes one
audit record, and saves nothing at a version the record is no longer at."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, models

from consult.access import Actor
from consult.audit import _versioned_update_statement
from consult.autosave import StaleVersion, record_save
from consult.models import AuditEvent, Versioned
from tests.security.conftest import security_world  # noqa: F401 (a fixture)
from tests.security.world import World

pytestmark = pytest.mark.django_db


def changed_value(field: models.Field, value: Any) -> Any:
    """Another valid value for a field of a plain kind, or the value itself."""
    if field.choices:
        others = [choice for choice, _label in field.flatchoices if choice not in (value, "")]
        return others[0] if others else value
    if isinstance(field, models.TextField | models.CharField):
        text = (value or "") + " (bewaard)"
        return text[-field.max_length :] if field.max_length else text
    if isinstance(field, models.BooleanField):
        return not value
    if isinstance(field, models.DateField):
        return (value or date(2026, 1, 1)) + timedelta(days=1)
    return value


def test_every_field_of_every_kind_saves_as_django_would(security_world: World):  # noqa: F811
    world = security_world
    user = world.user("huisarts_a")
    actor = Actor(user=user, client_address="127.0.0.1")
    checked = []
    for kind, consult, record_id in world.editable_records():
        key = kind.key
        record: Any = kind.locate(
            practice_id=user.practice_id, consult_id=consult.public_id, record_id=record_id
        )
        form = kind.form_class(instance=record)
        fields = {name: record._meta.get_field(name) for name in form.fields}
        values = {
            name: changed_value(field, getattr(record, name))
            for name, field in fields.items()
            if not field.many_to_many
        }
        if connection.vendor == "postgresql":
            model: type[Versioned] = type(record)
            assert _versioned_update_statement(model, tuple(values)) is not None, key
        audits = AuditEvent.objects.filter(action="update", object_id=str(record_id)).count()
        version = record.version
        record_save(actor=actor, kind=kind, record=record, values=values, version=version)
        stored = type(record)._default_manager.get(pk=record.pk)
        assert stored.version == version + 1, key
        assert {name: getattr(stored, name) for name in values} == values, key
        assert (
            AuditEvent.objects.filter(action="update", object_id=str(record_id)).count()
            == audits + 1
        ), key
        # The same save from a page that saw the old version: nothing is saved over it.
        text_fields = [
            name
            for name in values
            if isinstance(fields[name], models.TextField | models.CharField)
            and not fields[name].choices
        ]
        if text_fields:
            name = text_fields[0]
            stale = {name: changed_value(fields[name], values[name]) + "!"}
            again: Any = kind.locate(
                practice_id=user.practice_id, consult_id=consult.public_id, record_id=record_id
            )
            with pytest.raises(StaleVersion):
                record_save(actor=actor, kind=kind, record=again, values=stale, version=version)
            stored.refresh_from_db()
            assert getattr(stored, name) == values[name], key
            assert stored.version == version + 1, key
        checked.append(key)
    assert len(checked) >= 10
