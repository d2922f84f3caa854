"""Saving as you type, without silent overwrites.

Every editable record (a goal, an agreement, a 4D entry, ...) carries a version. The
browser sends the field that changed together with the version it last saw. A save
against a stale version is refused with both texts, unless the stored value already
equals what was sent. Model apps register their record kinds here, so the one
autosave endpoint in `consult` serves all of them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.models import AuditAction, AuditEvent, AuditOutcome, Consult, Versioned

type FormClass = type[forms.ModelForm]


@dataclass(frozen=True)
class EditableKind:
    """One kind of record that can be edited during a consult.

    `patient_path` leads from the record to its Patient; `consult_path`, when set,
    from the record to its Consult (records of one conversation), otherwise the
    record belongs to the patient's shared plan and may be edited from any consult.
    """

    key: str
    model: type[Versioned]
    form_class: FormClass
    patient_path: str
    consult_path: str | None = None

    def locate(self, *, practice_id: int, consult_id: UUID, record_id: UUID) -> Versioned | None:
        """The record, if it belongs to this consult (or to its patient's plan) in this
        practice, with what the save needs of the consult, in one query."""
        consult = self.consult_path or f"{self.patient_path}__consults"
        return (
            self.model._default_manager.filter(
                public_id=record_id,
                **{f"{consult}__public_id": consult_id, f"{consult}__practice_id": practice_id},
            )
            .annotate(
                consult_finished_at=F(f"{consult}__finished_at"),
                patient_public_id=F(f"{self.patient_path}__public_id"),
            )
            .first()
        )


_kinds: dict[str, EditableKind] = {}


def register_editable(kind: EditableKind) -> None:
    _kinds[kind.key] = kind


def editable_kind(key: str) -> EditableKind | None:
    return _kinds.get(key)


class StaleVersion(Exception):
    """Someone else saved the record first; carries what is stored now."""

    def __init__(self, record: Versioned, stored: Mapping[str, Any], unsaved: Mapping[str, Any]):
        super().__init__("stale version")
        self.record = record
        self.stored = dict(stored)
        self.unsaved = dict(unsaved)


def require_open(consult: Consult) -> None:
    _require_open(consult.finished_at)


def _require_open(finished_at: Any) -> None:
    if finished_at is not None:
        raise ValidationError(_("This conversation is finished and can no longer be changed."))


def clean_fields(kind: EditableKind, record: Versioned, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the fields present in `data` (prefixed with the record's id), as the
    record's form would. Raises ValidationError keyed by field name."""
    form = kind.form_class(data=data, instance=record, prefix=str(record.public_id))
    present = [name for name in form.fields if form.add_prefix(name) in data]
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in present:
        form_field = form.fields[name]
        raw = form_field.widget.value_from_datadict(data, form.files, form.add_prefix(name))
        try:
            value = form_field.clean(raw)
            form.cleaned_data = {name: value}
            clean_method = getattr(form, f"clean_{name}", None)
            if clean_method is not None:
                value = clean_method()
            record._meta.get_field(name).run_validators(value)  # type: ignore[union-attr]
        except ValidationError as error:
            errors[name] = error.messages
        else:
            cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def record_save(
    *,
    actor: Any,
    kind: EditableKind,
    record: Versioned,
    values: Mapping[str, Any],
    version: int,
) -> Versioned:
    """Save the given field values if the record is still at `version`. The record
    comes from EditableKind.locate, which annotated its consult's state."""
    _require_open(record.consult_finished_at)  # type: ignore[attr-defined]
    now = timezone.now()
    audit = AuditEvent(
        at=now,
        user=actor.user,
        role=actor.user.role,
        practice_id=actor.user.practice_id,
        patient_id=record.patient_public_id,  # type: ignore[attr-defined]
        action=AuditAction.UPDATE,
        object_type=kind.key,
        object_id=str(record.public_id),
        client_address=actor.client_address,
        outcome=AuditOutcome.ALLOWED,
    )
    if not _update_with_audit(record, values, version, now, audit):
        record.refresh_from_db()
        stored = {name: getattr(record, name) for name in values}
        if stored != dict(values):
            raise StaleVersion(record, stored, values)
        return record
    for name, value in values.items():
        setattr(record, name, value)
    record.version = version + 1
    record.updated_at = now
    return record


def _update_with_audit(
    record: Versioned, values: Mapping[str, Any], version: int, now: Any, audit: AuditEvent
) -> bool:
    """Update the record if it is still at `version`, and write its audit record in the
    same transaction. True when the record was updated."""
    model = type(record)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            changed = model._default_manager.filter(pk=record.pk, version=version).update(
                **values, version=F("version") + 1, updated_at=now
            )
            if changed:
                audit.save()
        return bool(changed)
    # On PostgreSQL one statement does both (a data-modifying WITH), atomic by itself:
    # an autosave happens every few seconds, and every round trip counts.
    quote = connection.ops.quote_name
    meta = model._meta
    assignments, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assert isinstance(field, models.Field)
        assignments.append(f"{quote(_column(field))} = %s")
        params.append(field.get_db_prep_save(value, connection))
    audit_fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(_column(field)) for field in audit_fields)
    placeholders = ", ".join(["%s"] * len(audit_fields))
    params += [now, record.pk, version]
    params += [
        field.get_db_prep_save(field.pre_save(audit, add=True), connection)
        for field in audit_fields
    ]
    # Only quoted table and column names from the models go into the text; every value
    # is a parameter.
    sql = (
        f"WITH changed AS (UPDATE {quote(meta.db_table)} SET {', '.join(assignments)}, "  # noqa: S608
        f"{quote('version')} = {quote('version')} + 1, {quote('updated_at')} = %s "
        f"WHERE {quote('id')} = %s AND {quote('version')} = %s RETURNING 1) "
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) "
        f"SELECT {placeholders} FROM changed"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _column(field: "models.Field[Any, Any]") -> str:
    return field.get_attname_column()[1] or field.attname
