"""Fresh planner statistics after loading data. PostgreSQL plans queries from its
statistics; a table that was just filled without them (autovacuum off, or not yet
run) can turn a 35 ms step into one of hundreds of milliseconds. So `migrate`,
`seed_demo` and the CSV import end with ANALYZE; autovacuum keeps them fresh after."""

from typing import Any

from django.db import connections


def analyze(using: str = "default") -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def analyze_after_migrate(*, using: str = "default", **_kwargs: Any) -> None:
    analyze(using)
