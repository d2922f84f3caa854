"""Saving as you type, without silent overwrites.

Every editable record (a goal, an agreement, a 4D entry, ...) carries a version. The
browser sends the field that changed together with the version it last saw and the
field's base: the value it last knew the server to have. When the record was saved
since (another field, another person, or this page's own save still on its way), the
field is saved all the same if what is stored for it is still its base; only a field
someone else changed is a conflict, refused with both texts. Model apps register
their record kinds here, so the one autosave endpoint in `consult` serves all of them.
"""

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from consult.access import Actor
from consult.audit import AuditOf, audited_update, audited_versioned_update
from consult.models import AuditAction, Consult, Versioned

type FormClass = type[forms.ModelForm]

BASE_PREFIX = "base:"


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
        practice, with what the save needs of the consult, in one query.

        Every autosave asks this, so the query is compiled once per kind and database
        (located_statement) and run with this save's values."""
        sql, slots = self.located_statement(connection.vendor)
        values: dict[str, Any] = {
            "practice": practice_id,
            "consult": consult_id,
            "record": record_id,
        }
        params = [
            (values[slot].hex if as_hex else values[slot]) if slot else fixed
            for slot, as_hex, fixed in slots
        ]
        found = list(self.model._default_manager.raw(sql, params))
        if not found:
            return None
        record = found[0]
        # A raw query leaves its extra columns as the database gives them (SQLite: text).
        record.patient_public_id = _uuid(record.patient_public_id)  # type: ignore[attr-defined]
        record.consult_finished_at = _moment(record.consult_finished_at)  # type: ignore[attr-defined]
        return record

    def located(self, *, practice_id: int, consult_id: UUID, record_id: UUID) -> Any:
        """The query of `locate`, as a QuerySet."""
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
            .order_by()[:1]
        )

    def located_statement(self, vendor: str) -> tuple[str, list[tuple[str, bool, Any]]]:
        """The SQL of `located` and, per parameter, which value goes there (practice,
        consult or record; as hex where the database stores UUIDs as text) or the fixed
        value the query itself holds."""
        return _located_statement(self, vendor)


# Stand-ins that no real id equals: compiled into the query, then told apart.
_STAND_INS: dict[str, Any] = {
    "practice": -7_513_000_001,
    "consult": UUID("00000000-7513-4000-8000-00000000c0c0"),
    "record": UUID("00000000-7513-4000-8000-00000000fefe"),
}


@functools.cache
def _located_statement(kind: EditableKind, vendor: str) -> tuple[str, list[tuple[str, bool, Any]]]:
    query = kind.located(
        practice_id=_STAND_INS["practice"],
        consult_id=_STAND_INS["consult"],
        record_id=_STAND_INS["record"],
    ).query
    sql, params = query.sql_with_params()
    slots: list[tuple[str, bool, Any]] = []
    for param in params:
        slot = next(
            (
                (name, isinstance(param, str))
                for name, stand_in in _STAND_INS.items()
                if param == stand_in or (isinstance(stand_in, UUID) and param == stand_in.hex)
            ),
            None,
        )
        slots.append((slot[0], slot[1], None) if slot else ("", False, param))
    if {slot for slot, _hex, _fixed in slots} != {"practice", "consult", "record"}:
        raise RuntimeError(f"The located query of {kind.key} lost a value: {sql}")
    return sql, slots


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _moment(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    moment = parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


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


def _widget_names(form: forms.BaseForm, name: str) -> set[str]:
    """The names under which the form field `name` arrives in a POST."""
    html_name = form.add_prefix(name)
    widget = form.fields[name].widget
    if isinstance(widget, forms.MultiWidget):
        suffixes: list[str] = getattr(widget, "widgets_names", [])
        return {html_name + suffix for suffix in suffixes}
    return {html_name}


def _clean_one(form: forms.BaseForm, name: str, data: Mapping[str, Any]) -> Any:
    """One field's value from `data`, cleaned as the form would clean it."""
    form_field = form.fields[name]
    raw = form_field.widget.value_from_datadict(data, form.files, form.add_prefix(name))
    value = form_field.clean(raw)
    form.cleaned_data = {name: value}
    clean_method = getattr(form, f"clean_{name}", None)
    return clean_method() if clean_method is not None else value


def clean_fields(kind: EditableKind, record: Versioned, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the fields present in `data` (prefixed with the record's id), as the
    record's form would. Raises ValidationError keyed by field name, or without a
    field when a name is not one of the record's fields or no field was sent."""
    form = kind.form_class(data=data, instance=record, prefix=str(record.public_id))
    sent = {key for key in data if key.startswith(form.add_prefix(""))}
    known = {form.add_prefix("version")}.union(*(_widget_names(form, n) for n in form.fields))
    unknown = sorted(sent - known)
    if unknown:
        raise ValidationError(
            _("This record has no field “%(name)s”. Reload the page.")
            % {"name": unknown[0].removeprefix(form.add_prefix(""))}
        )
    # A field counts as sent when its value is, or its base: an unticked checkbox of a
    # form posted without JavaScript sends only its base.
    present = [
        name
        for name in form.fields
        if _widget_names(form, name) & sent or base_name(form.add_prefix(name)) in data
    ]
    if not present:
        raise ValidationError(_("No field was sent. Reload the page and try again."))
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in present:
        try:
            value = _clean_one(form, name, data)
            record._meta.get_field(name).run_validators(value)  # type: ignore[union-attr]
        except ValidationError as error:
            errors[name] = error.messages
        else:
            cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def base_name(html_name: str) -> str:
    """Where a field's base is posted: the value the browser last knew the server to
    have for that field (more than one while earlier saves are still on their way)."""
    return f"{BASE_PREFIX}{html_name}"


def clean_bases(
    kind: EditableKind, record: Versioned, data: Mapping[str, Any], names: Iterable[str]
) -> dict[str, list[Any]]:
    """The bases posted for the fields `names`, cleaned as their values are; a base
    that does not clean is left out (it cannot be what is stored)."""
    form = kind.form_class(instance=record, prefix=str(record.public_id))
    getlist = getattr(data, "getlist", lambda key: [data[key]] if key in data else [])
    bases: dict[str, list[Any]] = {}
    for name in names:
        html_name = form.add_prefix(name)
        for raw in getlist(base_name(html_name)):
            try:
                bases.setdefault(name, []).append(_clean_one(form, name, {html_name: raw}))
            except ValidationError:
                continue
    return bases


def record_save(
    *,
    actor: Actor,
    kind: EditableKind,
    record: Versioned,
    values: Mapping[str, Any],
    version: int,
    bases: Mapping[str, Sequence[Any]] | None = None,
) -> Versioned:
    """Save the given field values, with the record's audit record in the same
    transaction. The record comes from EditableKind.locate, which annotated its
    consult's state.

    At `version` nobody saved the record since the browser saw it. At a later version
    each field is judged by itself: when what is stored is still one of the field's
    `bases` (nobody else changed this field) or already the value sent, the field is
    saved; otherwise it is a conflict, raised as StaleVersion with both texts after the
    fields without a conflict are saved. A field sent unchanged (its value is its one
    base: a whole form posted without JavaScript) is left as it is stored."""
    _require_open(record.consult_finished_at)  # type: ignore[attr-defined]
    bases = bases or {}
    values = {name: value for name, value in values.items() if list(bases.get(name, ())) != [value]}
    if not values:
        return record
    now = timezone.now()
    manager = type(record)._default_manager
    audit: AuditOf = {
        "actor": actor,
        "action": AuditAction.UPDATE,
        "object_type": kind.key,
        "object_id": str(record.public_id),
        "patient_id": record.patient_public_id,  # type: ignore[attr-defined]
    }
    conflicts: list[str] = []
    # Nobody saved it since: the fields and their audit record at once.
    saved = audited_versioned_update(
        type(record), pk=record.pk, version=version, values=values, updated_at=now, **audit
    )
    if not saved:
        with transaction.atomic():
            current = manager.select_for_update().get(pk=record.pk)
            stored = {name: getattr(current, name) for name in values}
            conflicts = [
                name
                for name, value in values.items()
                if stored[name] != value and stored[name] not in bases.get(name, ())
            ]
            changed = {
                name: value
                for name, value in values.items()
                if name not in conflicts and stored[name] != value
            }
            if changed:
                audited_update(
                    manager.filter(pk=record.pk),
                    {**changed, "version": F("version") + 1, "updated_at": now},
                    **audit,
                )
    if not saved:
        record.refresh_from_db()
    else:
        for name, value in values.items():
            setattr(record, name, value)
        record.version = version + 1
        record.updated_at = now
    if conflicts:
        raise StaleVersion(
            record,
            {name: getattr(record, name) for name in conflicts},
            {name: values[name] for name in conflicts},
        )
    return record
