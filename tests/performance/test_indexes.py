"""No index that another makes redundant. Every index is written on every insert (and
on every update of its columns); an index whose columns are the first columns of
another index or unique constraint of the same table serves no query the longer one
does not, and only costs writes and storage. Django gives every foreign key an index
of its own, so a foreign key that leads a composite index or unique constraint says
db_index=False.

Read from the database the tests migrated (SQLite or PostgreSQL), through Django's
introspection, for every table of the project's own models."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"consult", "models_4d", "spinnenweb", "kop", "emboss", "sociale_kaart"}


def _project_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for config in apps.get_app_configs()
        if config.label in PROJECT_APPS
        for model in config.get_models()
        # A many-to-many table Django makes itself cannot say db_index=False.
        if not model._meta.auto_created
    )


def _plain_column_indexes(table: str) -> dict[str, tuple[str, ...]]:
    """Name -> columns, of the table's indexes and unique constraints over plain
    columns (no expression, no condition: those serve their own queries), leaving out
    PostgreSQL's pattern-operator indexes for LIKE, which a plain index cannot replace."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    conditional = _conditional_index_names(table)
    return {
        name: tuple(info["columns"])
        for name, info in constraints.items()
        if (info["index"] or info["unique"])
        and not info["primary_key"]
        and info["columns"]  # an index of expressions alone names no column
        and all(info["columns"])
        and name not in conditional
        and not name.endswith("_like")
    }


def _conditional_index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND i.indpred IS NOT NULL",
                [table],
            )
        else:
            cursor.execute("SELECT name FROM pragma_index_list(%s) WHERE partial = 1", [table])
        return {name for (name,) in cursor.fetchall()}


def test_no_index_is_the_beginning_of_another_on_the_same_table() -> None:
    redundant = []
    for table in _project_tables():
        indexes = _plain_column_indexes(table)
        for name, columns in indexes.items():
            for other, longer in indexes.items():
                if len(longer) > len(columns) and longer[: len(columns)] == columns:
                    redundant.append(f"{table}: {name} {columns} begins {other} {longer}")
    assert not redundant, "\n".join(redundant)


def test_the_check_sees_a_foreign_key_index_and_a_composite_index() -> None:
    """The check above reads what it should: the audit trail's composite index of the
    practice and the time is there, with the practice first."""
    indexes = _plain_column_indexes("consult_auditevent").values()
    assert ("practice_id", "at") in indexes
    assert ("user_id", "at") in indexes


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own catalogue")
def test_the_migration_drops_only_the_index_and_keeps_the_foreign_key_constraint() -> None:
    """Django's AlterField would drop the audit table's foreign key constraints and add
    them again, reading the whole table while every request's audit record waits; the
    migration's own operation leaves them as they are (the same constraint, not a new
    one) and drops only the index."""
    call_command("migrate", "consult", "0012", verbosity=0)
    try:
        before = _foreign_keys("consult_auditevent")
        assert "consult_auditevent_user_id_baab9e0c" in _index_names("consult_auditevent")
        call_command("migrate", "consult", "0013", verbosity=0)
        assert _foreign_keys("consult_auditevent") == before
        assert len(before) == 2
        assert "consult_auditevent_user_id_baab9e0c" not in _index_names("consult_auditevent")
    finally:
        call_command("migrate", verbosity=0)


def _foreign_keys(table: str) -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oid, conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        return set(cursor.fetchall())


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}
