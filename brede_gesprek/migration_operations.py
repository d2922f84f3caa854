"""Migration operations for tables that are written while they change."""

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
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


class AddUniqueConstraintWhileWriting(migrations.AddConstraint):
    """A unique constraint over plain columns. On PostgreSQL its index is built
    CONCURRENTLY first and the constraint then takes that index (`UNIQUE USING INDEX`,
    which reads nothing), so that the table is written meanwhile; the migration says
    `atomic = False` for that. Other databases: Django's AddConstraint. Backwards it is
    Django's own, which drops the constraint with its index."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(connection.alias, model):
            return
        constraint = self.constraint
        if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
            raise TypeError("AddUniqueConstraintWhileWriting takes a unique constraint of fields")
        quote = schema_editor.quote_name
        table, name = quote(model._meta.db_table), quote(constraint.name)
        columns = ", ".join(
            quote(model._meta.get_field(field).column) for field in constraint.fields
        )
        # Run again after a migration stopped halfway (a later step refused), it finds
        # the constraint made and leaves it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass",
                [constraint.name, model._meta.db_table],
            )
            if cursor.fetchone():
                return
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")  # left invalid
        schema_editor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns})")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}"
        )


class SamePracticeAsParent(Operation):
    """On PostgreSQL, a foreign key over (parent, practice) to the parent's (id,
    practice): a row that carries a copy of its parent's practice (a plan its patient's,
    a referral its plan's) cannot be written with another practice, and the parent's
    practice cannot change under it. The parent needs a unique constraint over (id,
    practice) (AddUniqueConstraintWhileWriting).

    Rows that break the rule already stop the migration, with how many, before anything
    changes. The key is added NOT VALID and then validated, so the table's writes go on
    while its rows are checked. SQLite, the development database, is left as it is.
    Django's state does not change: its models know no keys over two columns."""

    reversible = True

    def __init__(self, model_name: str, parent_field: str, name: str) -> None:
        self.model_name = model_name
        self.parent_field = parent_field
        self.name = name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs = {"model_name": self.model_name, "parent_field": self.parent_field}
        return self.__class__.__qualname__, [], {**kwargs, "name": self.name}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def describe(self) -> str:
        return f"Keep the practice of {self.model_name} that of its {self.parent_field}"

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = self._postgresql_model(app_label, schema_editor, to_state)
        if model is None:
            return
        quote = schema_editor.quote_name
        parent_column = model._meta.get_field(self.parent_field).column
        parent = model._meta.get_field(self.parent_field).related_model
        table, parent_table = quote(model._meta.db_table), quote(parent._meta.db_table)
        practice = quote(model._meta.get_field("practice").column)
        parent_practice = quote(parent._meta.get_field("practice").column)
        parent_key = quote(parent._meta.pk.column)
        # Every name quoted, from the models; no value of a user.
        wrong_rows = (
            f"SELECT count(*) FROM {table} JOIN {parent_table} "  # noqa: S608
            f"ON {parent_table}.{parent_key} = {table}.{quote(parent_column)} "
            f"WHERE {table}.{practice} <> {parent_table}.{parent_practice}"
        )
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(wrong_rows)
            (wrong,) = cursor.fetchone()
        if wrong:
            raise RuntimeError(
                f"{wrong} rows of {model._meta.db_table} carry a practice other than their "
                f"{self.parent_field}'s; correct them before this migration"
            )
        name = quote(self.name)
        # A key left not yet valid by a run that stopped halfway is made again.
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} "
            f"FOREIGN KEY ({quote(parent_column)}, {practice}) "
            f"REFERENCES {parent_table} ({parent_key}, {parent_practice}) "
            "NOT VALID"
        )
        schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}")

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        model = self._postgresql_model(app_label, schema_editor, from_state)
        if model is None:
            return
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} DROP CONSTRAINT IF EXISTS {quote(self.name)}"
        )

    def _postgresql_model(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, state: ProjectState
    ) -> Any:
        """The model in that state, when the key is this database's to change: None on
        SQLite, or where a router keeps the model elsewhere."""
        connection = schema_editor.connection
        model = state.apps.get_model(app_label, self.model_name)
        if connection.vendor != "postgresql":
            return None
        return model if self.allow_migrate_model(connection.alias, model) else None
