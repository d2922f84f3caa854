from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from consult.models import AuditEvent

# A role name is put into SQL as an identifier: only plain names.
_NAME_CHARACTERS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the role the application connects as the rights to use the "
        "tables, and nothing more. Run as the role that ran the migrations (the owner), "
        "after migrate. The application's role owns nothing, so it cannot drop or alter a "
        "table, switch off the audit trail's trigger, or empty a table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The role the application connects as.")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist on PostgreSQL only.")
        if not role or not set(role) <= _NAME_CHARACTERS:
            raise CommandError("A role name is lower-case letters, digits and underscores.")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"Role {role} does not exist.")
            if any(found):
                raise CommandError(f"Role {role} may create roles or databases: not for the app.")
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = %s",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(f"Role {role} owns tables: the application's role owns nothing.")
            audit = connection.ops.quote_name(AuditEvent._meta.db_table)
            quoted = connection.ops.quote_name(role)
            for statement in (
                f"GRANT USAGE ON SCHEMA public TO {quoted}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
                # Audit records are added, and sealed into the chain (the trigger allows
                # only that update), never removed.
                f"REVOKE DELETE, TRUNCATE ON {audit} FROM {quoted}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {quoted}",
            ):
                cursor.execute(statement)
        self.stdout.write(f"Role {role} may use the tables; it owns none.")
