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
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import audit_log
from consult.models import AuditAction, Consult, Versioned

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
    actor: Actor,
    kind: EditableKind,
    record: Versioned,
    values: Mapping[str, Any],
    version: int,
) -> Versioned:
    """Save the given field values if the record is still at `version`, with its audit
    record in the same transaction. The record comes from EditableKind.locate, which
    annotated its consult's state."""
    _require_open(record.consult_finished_at)  # type: ignore[attr-defined]
    now = timezone.now()
    with transaction.atomic():
        changed = (
            type(record)
            ._default_manager.filter(pk=record.pk, version=version)
            .update(**values, version=F("version") + 1, updated_at=now)
        )
        if changed:
            audit_log(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type=kind.key,
                object_id=str(record.public_id),
                patient_id=record.patient_public_id,  # type: ignore[attr-defined]
            )
    if not changed:
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
