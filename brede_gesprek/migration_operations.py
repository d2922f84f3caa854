"""Migration operations for tables that are written while they change."""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState


class AddIndexWhileWriting(AddIndexConcurrently):
    """AddIndexConcurrently on PostgreSQL (the migration says `atomic = False`), a plain
    AddIndex on other databases."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._as_the_database_can("database_forwards", schema_editor)(
            self, app_label, schema_editor, from_state, to_state
        )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        self._as_the_database_can("database_backwards", schema_editor)(
            self, app_label, schema_editor, from_state, to_state
        )

    @staticmethod
    def _as_the_database_can(method: str, schema_editor: BaseDatabaseSchemaEditor) -> Any:
        postgresql = schema_editor.connection.vendor == "postgresql"
        return getattr(AddIndexConcurrently if postgresql else migrations.AddIndex, method)


class DropForeignKeyIndex(migrations.AlterField):
    """A foreign key that no longer has an index of its own (`db_index=False`), because
    a composite index or unique constraint starts with it.

    Django's AlterField would drop the foreign key's constraint and add it again, and
    adding it reads the whole table while its writes wait: on the audit table, every
    request. This drops only the index, CONCURRENTLY on PostgreSQL, so that writes go
    on (the migration says `atomic = False` for that). Backwards it is Django's own
    AlterField, which builds the index again."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        connection = schema_editor.connection
        if not self.allow_migrate_model(connection.alias, model):
            return
        table = model._meta.db_table
        column = model._meta.get_field(self.name).column
        drop = "DROP INDEX CONCURRENTLY" if connection.vendor == "postgresql" else "DROP INDEX"
        for name in _own_indexes(connection, table, column):
            schema_editor.execute(f"{drop} IF EXISTS {schema_editor.quote_name(name)}")

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        # AlterField's own backwards calls database_forwards, which is the drop above.
        super().database_forwards(app_label, schema_editor, from_state, to_state)


def _own_indexes(connection: Any, table: str, column: str) -> list[str]:
    """The names of the plain, non-unique indexes of the table on this column alone."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and info["columns"] == [column]
        and not info["unique"]
        and not info["primary_key"]
        and not name.endswith("_like")
    ]
