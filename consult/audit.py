"""Writing the audit trail (NEN 7513). Called inside the transaction of the read or
write it records, so a change without its audit record cannot happen. Every audit
record is built by `_event`, whichever path writes it."""

import functools
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, Unpack, cast
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.db.models.sql import UpdateQuery

from consult.models import AuditAction, AuditEvent, AuditOutcome, Versioned
from consult.models.audit import AuditEventType

if TYPE_CHECKING:
    from consult.access import Actor
    from consult.models import Consult, User


@dataclass(frozen=True)
class PatientVisitor:
    """A patient without an account, on their own entry link: logged with the role
    "patient", no user, and the address the request came from."""

    client_address: str | None = None


@dataclass(frozen=True)
class Visitor:
    """Someone not logged in (yet): a login attempt, an account activation link.
    Logged without a user or role, with the address the request came from."""

    client_address: str | None = None


type Who = "Actor | PatientVisitor | Visitor"


def audit_log(
    *,
    actor: Who,
    action: AuditAction,
    object_type: str,
    object_id: str = "",
    patient_id: UUID | None = None,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    event: AuditEventType = AuditEventType.RECORD,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    record = _event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        outcome=outcome,
        event=event,
        details=details,
    )
    _insert(record)
    _seal_after_commit()
    return record


def _insert(record: AuditEvent) -> None:
    """INSERT the record with a statement built once: every audited request writes one,
    and Django's compiling of the insert was most of its cost. (The record keeps no
    primary key; nobody reads it back from here.)"""
    fields, sql = _insert_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(fields, record))


def _values(fields: list[Any], record: AuditEvent) -> list[Any]:
    return [field.get_db_prep_save(field.pre_save(record, True), connection) for field in fields]


def _insert_into() -> tuple[list[Any], str]:
    """The audit record's columns (all but the key) and "INSERT INTO table (columns)"."""
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    return fields, f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns})"


@functools.cache
def _insert_statement(vendor: str) -> tuple[list[Any], str]:
    fields, insert_into = _insert_into()
    return fields, f"{insert_into} VALUES ({', '.join(['%s'] * len(fields))})"


class AuditOf(TypedDict):
    """What the audit record of a change says: who, what they did, to which record of
    which patient."""

    actor: "Actor"
    action: AuditAction
    object_type: str
    object_id: str
    patient_id: UUID | None


def audited_update(
    queryset: QuerySet[Any], changes: dict[str, Any], **audit: Unpack[AuditOf]
) -> int:
    """UPDATE the rows of `queryset` (at most one: filter on its key) with `changes`
    and, when a row changed, write the audit record of the change: both or neither.

    On PostgreSQL in one statement, atomic by itself: every autosave takes this path,
    and its round trips (BEGIN, UPDATE, INSERT, COMMIT) were a third of its time.
    Elsewhere in a transaction. Returns the number of rows changed."""
    record = _allowed(**audit)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            changed = queryset.update(**changes)
            if changed:
                _insert(record)
    else:
        query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
        query.add_update_values(changes)
        query.clear_select_clause()
        update_sql, update_params = query.get_compiler(queryset.db).as_sql()
        changed = _update_with_record(update_sql, update_params, record)
    if changed:
        _seal_after_commit()
    return changed


def audited_versioned_update(
    model: type[Versioned],
    *,
    pk: int,
    version: int,
    values: dict[str, Any],
    updated_at: datetime,
    **audit: Unpack[AuditOf],
) -> int:
    """`audited_update` of one versioned row that nobody saved since `version`: the
    `values`, the next version and `updated_at`, with the audit record; 0 when the row
    is at another version. This is the autosave, so on PostgreSQL its statement is
    built once per model and fields (Django compiling the UPDATE was a tenth of the
    save) and run with this save's values."""
    statement = (
        _versioned_update_statement(model, tuple(values))
        if connection.vendor == "postgresql"
        else None
    )
    if statement is None:
        return audited_update(
            model._default_manager.filter(pk=pk, version=version),
            {**values, "version": F("version") + 1, "updated_at": updated_at},
            **audit,
        )
    update_sql, fields = statement
    update_params = [
        *(_prepared(field, values[field.name]) for field in fields),
        _prepared(model._meta.get_field("updated_at"), updated_at),
        pk,
        version,
    ]
    changed = _update_with_record(update_sql, update_params, _allowed(**audit))
    if changed:
        _seal_after_commit()
    return changed


def _prepared(field: Any, value: Any) -> Any:
    """A value as Django's UPDATE would send it for `field`."""
    if hasattr(value, "prepare_database_save"):
        value = value.prepare_database_save(field)
    return field.get_db_prep_save(value, connection=connection)


@functools.cache
def _versioned_update_statement(
    model: type[Versioned], names: tuple[str, ...]
) -> tuple[str, list[Any]] | None:
    """PostgreSQL: "UPDATE table SET field = %s, ..., version = version + 1,
    updated_at = %s WHERE id = %s AND version = %s" and the fields of the first
    parameters; None for a field whose value is not a plain parameter (Django would
    write it with its own SQL), which then goes through `audited_update`."""
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    if any(
        not getattr(field, "concrete", False)
        or field.many_to_many
        or field.name in {"version", "updated_at", "id"}
        or getattr(field, "get_placeholder_sql", None) is not None
        for field in fields
    ):
        return None

    def column(field: Any) -> str:
        return quote(str(field.column))

    table = quote(model._meta.db_table)
    version = column(model._meta.get_field("version"))
    assignments = [f"{column(field)} = %s" for field in fields]
    assignments += [
        f"{version} = ({table}.{version} + 1)",
        f"{column(model._meta.get_field('updated_at'))} = %s",
    ]
    key = column(model._meta.pk)
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)}"  # noqa: S608
        f" WHERE ({table}.{key} = %s AND {table}.{version} = %s)"
    )
    return sql, fields


def _update_with_record(update_sql: str, update_params: Sequence[Any], record: AuditEvent) -> int:
    """PostgreSQL: the UPDATE and, for each row it changed, the audit record, in one
    statement. Returns the number of rows changed."""
    fields, insert_sql = _insert_when_changed_statement()
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH changed AS ({update_sql} RETURNING 1) {insert_sql}",
            (*update_params, *_values(fields, record)),
        )
        return cursor.rowcount


@functools.cache
def _insert_when_changed_statement() -> tuple[list[Any], str]:
    """PostgreSQL: an INSERT of one audit record per row of `changed`. Its values are
    typed (a SELECT list does not take its columns' types); text goes into the
    character columns by assignment, which refuses a value that is too long."""
    fields, insert_into = _insert_into()
    values = ", ".join(
        "%s::text"
        if field.get_internal_type() == "CharField"
        else f"%s::{field.db_type(connection)}"
        for field in fields
    )
    return fields, f"{insert_into} SELECT {values} FROM changed"  # noqa: S608


def audit_account(
    *,
    actor: Who,
    event: AuditEventType,
    action: AuditAction,
    account: "User | None",
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """An event of an account (login, second factor, password, role): the account it
    concerns is the object. `details` holds what changed as {"field": [old, new]} or
    what was tried, never a password or a code."""
    return audit_log(
        actor=actor,
        action=action,
        object_type="user",
        object_id=str(account.public_id) if account is not None else "",
        outcome=outcome,
        event=event,
        details=details,
    )


def audit_log_many(
    *, actor: "Actor", action: AuditAction, object_type: str, patient_ids: Iterable[UUID]
) -> None:
    """One record per patient, each the object itself, written in one statement."""
    _log_allowed(actor, action, object_type, ((pid, pid) for pid in patient_ids))


def audit_reads_of_one_patient(
    *, actor: "Actor", object_type: str, object_ids: Iterable[UUID], patient_id: UUID
) -> None:
    """One read record per object of one patient (the flags of a banner), written in
    one statement."""
    _log_allowed(actor, AuditAction.READ, object_type, ((oid, patient_id) for oid in object_ids))


def _log_allowed(
    actor: "Actor",
    action: AuditAction,
    object_type: str,
    objects: Iterable[tuple[UUID, UUID]],
) -> None:
    """Allowed records of (object id, patient id) pairs, in one INSERT of many rows
    (a page of the audit trail names up to a hundred patients; Django's bulk_create
    compiled every value into its statement, a third of the page's time)."""
    records = [
        _allowed(actor, action, object_type, str(object_id), patient_id)
        for object_id, patient_id in objects
    ]
    if not records:
        return
    fields, insert_into = _insert_into()
    row = f"({', '.join(['%s'] * len(fields))})"
    size = connection.ops.bulk_batch_size(fields, records)
    with connection.cursor() as cursor:
        for start in range(0, len(records), size):
            batch = records[start : start + size]
            cursor.execute(
                f"{insert_into} VALUES {', '.join([row] * len(batch))}",
                [value for record in batch for value in _values(fields, record)],
            )
    _seal_after_commit()


def _allowed(
    actor: "Actor", action: AuditAction, object_type: str, object_id: str, patient_id: UUID | None
) -> AuditEvent:
    """An allowed record of patient data, without details."""
    return _event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        outcome=AuditOutcome.ALLOWED,
        event=AuditEventType.RECORD,
        details=None,
    )


def audit_consult_change(
    *, actor: "Actor", consult: "Consult", action: AuditAction, object_type: str, object_id: UUID
) -> None:
    """The audit record of a change made during a consult, to its patient's data."""
    audit_log(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=consult.patient.public_id,
    )


def _seal_after_commit() -> None:
    """Chain the new records once their transaction has committed (a rolled-back
    transaction drops the callback with its records)."""
    transaction.on_commit(_seal, robust=True)


def _seal() -> None:
    """Seal every pending record, at most once per AUDIT_SEAL_INTERVAL_SECONDS in this
    process: one sealing chains all records written since, so a busy process seals in
    batches instead of taking the chain's lock after every autosave. A record waiting
    for its seal is guarded all the same: the database refuses to change or remove it."""
    from consult.audit_chain import seal_pending

    global _last_seal
    now = time.monotonic()
    if now - _last_seal < settings.AUDIT_SEAL_INTERVAL_SECONDS:
        return
    _last_seal = now
    seal_pending()


_last_seal = -math.inf


def _event(
    *,
    actor: Who,
    action: AuditAction,
    object_type: str,
    object_id: str,
    patient_id: UUID | None,
    outcome: AuditOutcome,
    event: AuditEventType,
    details: dict[str, Any] | None,
) -> AuditEvent:
    user = getattr(actor, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent(
        event=event,
        details=details or {},
        application=settings.AUDIT_APPLICATION_ID,
        user=user,
        role="patient" if isinstance(actor, PatientVisitor) else (user.role if user else ""),
        practice_id=user.practice_id if user else None,
        patient_id=patient_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_address=actor.client_address,
        outcome=outcome,
    )
