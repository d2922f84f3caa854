"""Running an import: plan again, then write, in one transaction.

Either every valid row is written, or nothing unless every row is valid (the user
chooses after the check). The writing goes in batches of BATCH_SIZE rows: one INSERT
returning the keys for new services, one prepared UPDATE executed for the whole batch
for changed ones, themes, areas and revisions in bulk, and the search vectors
refreshed once at the end. A row that changes nothing is not written, keeps its
version and gets no revision.
"""

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from brede_gesprek.statistics import analyze
from sociale_kaart.access import KaartUser
from sociale_kaart.csv_io.columns import COLUMNS, model_field, service_field
from sociale_kaart.csv_io.planning import (
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    RowOutcome,
    plan_import,
)
from sociale_kaart.csv_io.reading import ParsedFile, parse_csv
from sociale_kaart.models import (
    SearchTerm,
    Service,
    ServiceArea,
    ServiceMap,
    ServiceRevision,
    Theme,
)
from sociale_kaart.services import refresh_search_vectors, snapshot
from sociale_kaart.validators import parse_areas

BATCH_SIZE: Final = 500
# What an import fills, analysed after it (brede_gesprek.statistics).
_IMPORTED_TABLES: Final = tuple(
    model._meta.db_table
    for model in (Service, Service.themes.through, ServiceArea, SearchTerm, ServiceRevision)
)

# Writing modes, chosen by the user after the check.
MODE_VALID_ROWS: Final = "valid-rows"
MODE_ALL_OR_NOTHING: Final = "all-or-nothing"
MODES: Final = (MODE_VALID_ROWS, MODE_ALL_OR_NOTHING)

# The Service fields the file carries (themes are a relation, the key is matched on).
DATA_FIELDS: Final = tuple(c.field for c in COLUMNS if c.field not in {"external_id", "themes"})
UPDATE_FIELDS: Final = (*DATA_FIELDS, "external_id", "version", "updated_at")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


@dataclass
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    rejected: int
    written: bool
    rejected_rows: list[RowOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per action, keyed as ImportPlan.counts() keys them."""
        return {
            CREATE: self.created,
            UPDATE: self.updated,
            UNCHANGED: self.unchanged,
            REJECTED: self.rejected,
        }


def run_import(
    parsed: ParsedFile,
    service_map: ServiceMap,
    *,
    user: KaartUser,
    mode: str,
    other_maps: Iterable[ServiceMap] = (),
) -> Generator[Progress | ImportSummary]:
    """Check again (the map may have changed since the check) and write, in one
    transaction. Yields Progress after every batch, then the ImportSummary once the
    transaction is committed (or, inside the caller's transaction, its savepoint
    released). Stopping the iteration early rolls everything back."""
    if mode not in MODES:
        raise ValueError(mode)
    with transaction.atomic():
        # One import per map at a time (PostgreSQL; SQLite has one writer anyway).
        list(ServiceMap.objects.select_for_update().filter(pk=service_map.pk))
        plan = plan_import(parsed, service_map, other_maps)
        counts = plan.counts()
        total = len(plan.rows)
        write = not (mode == MODE_ALL_OR_NOTHING and counts[REJECTED])
        yield Progress(0, total)
        if write:
            theme_ids = dict(Theme.objects.values_list("slug", "pk"))
            written: list[int] = []
            for start in range(0, total, BATCH_SIZE):
                written += _write_batch(plan.rows[start : start + BATCH_SIZE], user, theme_ids)
                yield Progress(min(start + BATCH_SIZE, total), total)
            refresh_search_vectors(written)
    if write and counts[CREATE] + counts[UPDATE]:
        # Thousands of new rows at once: the planner's statistics would be stale until
        # autovacuum ran, and the kaart search planned as on an empty table.
        analyze(tables=_IMPORTED_TABLES)
    yield ImportSummary(
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        rejected=counts[REJECTED],
        written=write,
        rejected_rows=plan.rejected,
    )


def _write_batch(rows: list[RowOutcome], user: KaartUser, theme_ids: dict[str, int]) -> list[int]:
    """Write one batch of checked rows; returns the pks of services created or changed."""
    creates = [row for row in rows if row.action == CREATE]
    updates = [row for row in rows if row.action == UPDATE]
    adopted = [row for row in rows if row.action == UNCHANGED and row.adopt_key]
    now = timezone.now()
    if creates:
        _insert_services([_service(row) for row in creates])
    if updates:
        for row in updates:
            service = _service(row)
            service.version += 1
            service.updated_at = now
        _update_services([_service(row) for row in updates], UPDATE_FIELDS)
    if adopted:
        _update_services([_service(row) for row in adopted], ("external_id",))

    through = Service.themes.through
    retheme = [row for row in updates if row.themes_changed]
    through.objects.filter(service_id__in=[_service(row).pk for row in retheme]).delete()
    _insert_rows(
        through._meta.db_table,
        _columns(through, ("service", "theme")),
        [
            (_service(row).pk, theme_ids[slug])
            for row in [*creates, *retheme]
            for slug in row.themes
        ],
    )

    rearea = [row for row in updates if row.areas_changed]
    ServiceArea.objects.filter(service_id__in=[_service(row).pk for row in rearea]).delete()
    _insert_rows(
        ServiceArea._meta.db_table,
        _columns(ServiceArea, ("service", "postcode_from", "postcode_to")),
        [
            (_service(row).pk, start, end)
            for row in [*creates, *rearea]
            for start, end in parse_areas(_service(row).area_postcodes)
        ],
    )

    last_numbers = dict(
        ServiceRevision.objects.filter(service_id__in=[_service(row).pk for row in updates])
        .values("service_id")
        .annotate(last=Max("number"))
        .values_list("service_id", "last")
    )
    # The revisions as rows, not model instances: what is the same for the whole batch
    # (the time, who, the kind of change) prepared for the database once.
    data = model_field(ServiceRevision, "data")
    same = {
        "changed_at": now,
        "changed_by": user.pk,
        "change": "imported",
    }
    constants = tuple(
        model_field(ServiceRevision, name).get_db_prep_save(value, connection)
        for name, value in same.items()
    )
    _insert_rows(
        ServiceRevision._meta.db_table,
        _columns(ServiceRevision, ("service", "number", *same, "data")),
        [
            (
                _service(row).pk,
                last_numbers.get(_service(row).pk, 0) + 1,
                *constants,
                data.get_db_prep_save(snapshot(_service(row), row.themes), connection),
            )
            for row in [*creates, *updates]
        ],
    )
    return [_service(row).pk for row in [*creates, *updates]]


def _columns(model: type[Model], names: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(model_field(model, name).column) for name in names)


def _update_services(services: list[Service], names: Iterable[str]) -> None:
    """One UPDATE statement, executed for the whole batch (executemany: prepared once).
    QuerySet.bulk_update builds a CASE per field with a WHEN per row, which costs
    seconds per thousand rows here; this costs milliseconds."""
    fields = [service_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(Service._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 (names from the model, values as parameters)
    params = [
        [f.get_db_prep_save(getattr(s, f.attname), connection) for f in fields] + [s.pk]
        for s in services
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Rows of values ready for the database, one INSERT executed for all (prepared
    once): bulk_create compiles every value of every row into its statement, which cost
    more than the rows themselves (half of the writing of 10,000 services). For rows
    whose primary key nobody reads back."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 (names from the models, values as parameters)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_services(services: list[Service]) -> None:
    """New services, as many in one INSERT as the database takes parameters, each
    field's value prepared as save() prepares it; the statement returns their keys.
    What bulk_create does, without compiling every value of every row into the
    statement, which was most of its time (half of the writing of 10,000 services).
    The keys are matched to the services by external_id, unique within a map."""
    fields = _insertable_fields(Service)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    size = connection.ops.bulk_batch_size(fields, services) or len(services)
    for start in range(0, len(services), size):
        batch = services[start : start + size]
        sql = (
            f"INSERT INTO {quote(Service._meta.db_table)} ({names}) "  # noqa: S608 (names from the model, values as parameters)
            f"VALUES {', '.join([row] * len(batch))} "
            f"RETURNING {quote(str(Service._meta.pk.column))}, {quote('external_id')}"
        )
        params = [value for service in batch for value in _db_values(fields, service)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            keys = {external_id: pk for pk, external_id in cursor.fetchall()}
        if len(keys) != len(batch):
            raise RuntimeError("New services of one import must have distinct keys.")
        for service in batch:
            service.pk = keys[service.external_id]
            service._state.adding = False
            service._state.db = connection.alias


def _insertable_fields(model: type[Model]) -> list[Any]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _db_values(fields: list[Any], instance: Model) -> tuple[Any, ...]:
    """The instance's values of `fields` as save() prepares them for a new row
    (defaults and auto_now_add included)."""
    return tuple(
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    )


def _service(row: RowOutcome) -> Service:
    assert row.service is not None
    return row.service


def import_csv(
    text: str,
    service_map: ServiceMap,
    *,
    user: KaartUser,
    mode: str = MODE_VALID_ROWS,
    other_maps: Iterable[ServiceMap] = (),
    on_progress: Callable[[Progress], None] | None = None,
) -> ImportSummary:
    """Parse and import in one go (for scripts and tests); raises CsvFileError."""
    parsed = parse_csv(text)
    summary = None
    for event in run_import(parsed, service_map, user=user, mode=mode, other_maps=other_maps):
        if isinstance(event, Progress):
            if on_progress is not None:
                on_progress(event)
        else:
            summary = event
    assert summary is not None
    return summary
