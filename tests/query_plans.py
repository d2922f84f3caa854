"""What PostgreSQL's plans of a piece of code read of a table, for the tests that hold
a query to the rows it should read (the audit trail, the patient search)."""

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def rows_read_from_table(table: str, run: Callable[[], object]) -> list[int]:
    """Run `run`, then EXPLAIN ANALYZE each of its queries that reads `table` (not its
    INSERTs): per query, the rows its scans of that table read (returned, filtered
    away, or rechecked away)."""
    with CaptureQueriesContext(connection) as queries:
        run()
    read = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if table not in query["sql"] or query["sql"].startswith("INSERT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            read.append(_rows(table, plan[0]["Plan"]))
    return read


def _rows(table: str, node: dict[str, Any]) -> int:
    total = sum(_rows(table, child) for child in node.get("Plans", []))
    if node.get("Relation Name") == table:
        loops = node.get("Actual Loops", 1)
        total += loops * (
            node["Actual Rows"]
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0)
        )
    return total
