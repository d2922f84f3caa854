"""Fresh planner statistics after loading data. PostgreSQL plans queries from its
statistics; a table that was just filled without them (autovacuum off, or not yet
run) can turn a 35 ms step into one of hundreds of milliseconds. So `migrate`,
`seed_demo` and the CSV import end with ANALYZE; autovacuum keeps them fresh after."""

from collections.abc import Sequence

from django.db import connections


def analyze(using: str = "default", *, tables: Sequence[str] = ()) -> None:
    """ANALYZE the database, or only `tables` (names of the app's own tables)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if tables:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        else:
            cursor.execute("ANALYZE")
