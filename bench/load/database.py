"""The load test's own PostgreSQL database, reached as its administrator: statements
outside the app, leftovers of killed runs, the second factors reset between steps and
the audit trail's growth."""

from pathlib import Path
from typing import Any


def admin_execute(server: str, statement: str, database: str = "postgres") -> Any:
    import psycopg

    with psycopg.connect(f"{server}/{database}", autocommit=True) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchone() if cursor.description else None


def drop_leftovers(server: str) -> None:
    """Databases of earlier runs whose process is gone (killed before it cleaned up)."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'brede_gesprek_load_%'"
            )
        ]
        for name in names:
            pid = name.rsplit("_", 1)[-1]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_second_factor(server: str, database: str) -> None:
    """Every step logs everyone in again; a code the device already accepted in the
    same 30 seconds would rightly be refused, so forget the last one used."""
    admin_execute(
        server,
        "UPDATE otp_totp_totpdevice SET last_t = -1, throttling_failure_count = 0, "
        "throttling_failure_timestamp = NULL",
        database,
    )


def audit_size(server: str, database: str) -> tuple[int, int]:
    """(rows, bytes) of the audit trail: every request writes to it."""
    row = admin_execute(
        server,
        "SELECT count(*), pg_total_relation_size('consult_auditevent') FROM consult_auditevent",
        database,
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)


def audit_growth(
    before: tuple[int, int], after: tuple[int, int], step: dict[str, Any]
) -> dict[str, Any]:
    rows, size = after[0] - before[0], after[1] - before[1]
    requests = int(step.get("requests_whole_run") or 0)
    return {
        "rows": rows,
        "bytes": size,
        "requests": requests,
        "rows_per_request": round(rows / requests, 2) if requests else None,
        "bytes_per_row": round(size / rows) if rows else None,
    }
