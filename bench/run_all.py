"""`make bench`: every benchmark module, each in a process of its own (they set Django
up differently), on SQLite and, when a server answers on 127.0.0.1, on PostgreSQL.
Prints each module's JSON lines (one per figure) as they come, then a summary of the
figures that missed their target; a module that crashes or hangs counts as a miss
with its error, and the others still run. Exit code 1 when anything missed.

    uv run --frozen python bench/run_all.py [--database sqlite|postgresql|both]
        [--only MODULE ...] [--out FILE.jsonl]
    uv run --frozen python bench/run_all.py --table FILE.jsonl   # README table

Each module makes its own test database and drops it: on PostgreSQL bench_<pid>_<n>
(DATABASE_URL names bench_<pid>, which is never created), on SQLite a file of that
name in the temporary directory. Whatever a killed module left behind of those names
is dropped at the end. BENCH_ROUNDS and BENCH_SERVICES shrink a quick run;
BENCH_PG_SERVER is the server (postgres://postgres@127.0.0.1:5432)."""

import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# (module, needs a database): the charts take plain records and run once.
MODULES = (
    ("charts", False),
    ("run", True),
    ("timeline", True),
    ("search", True),
    ("audit_trail", True),
    ("patients", True),
    ("worklists", True),
    ("pdf", True),
    ("import_csv", True),
    ("browser", True),
)
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
TIMEOUT_S = float(os.environ.get("BENCH_TIMEOUT", "1200"))  # per module
RUN_ID = f"bench_{os.getpid()}"


def postgres_version() -> str | None:
    """The server's version when PostgreSQL answers on BENCH_PG_SERVER, else None."""
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except Exception as error:
        print(f"PostgreSQL not reachable ({error}); SQLite only", file=sys.stderr)
        return None
    return str(row[0]).split()[0] if row else "?"


def run_module(module: str, database: str, number: int) -> list[dict[str, Any]]:
    """Run one module and return its figures; a crash or a hang becomes a miss."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "BENCH_DB_NAME": f"{RUN_ID}_{number}"}
    if database == "postgresql":
        env["DATABASE_URL"] = f"{PG_SERVER}/{RUN_ID}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / RUN_ID}.sqlite3"
    print(f"--- {module} on {database}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(BENCH / f"{module}.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tail: collections.deque[str] = collections.deque(maxlen=20)

    def pass_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            sys.stderr.write(line)
            sys.stderr.flush()
            tail.append(line.rstrip())

    reader = threading.Thread(target=pass_stderr, daemon=True)
    reader.start()
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        process.kill()

    timer = threading.Timer(TIMEOUT_S, stop)
    timer.start()
    figures = []
    assert process.stdout is not None
    for line in process.stdout:
        try:
            figure = json.loads(line)
        except json.JSONDecodeError:
            figure = None
        if isinstance(figure, dict) and "name" in figure:
            figure["module"] = module
            figures.append(figure)
            print(json.dumps(figure, ensure_ascii=False), flush=True)
        else:
            sys.stderr.write(line)
    returncode = process.wait()
    timer.cancel()
    reader.join(timeout=5)
    seconds = time.perf_counter() - started
    print(f"--- {module} on {database}: {seconds:.0f} s", file=sys.stderr, flush=True)
    if timed_out.is_set() or (returncode != 0 and all(f.get("met", False) for f in figures)):
        why = f"killed after {TIMEOUT_S:.0f} s" if timed_out.is_set() else f"exit {returncode}"
        error = next((line for line in reversed(tail) if line.strip()), "")
        crash = {
            "name": f"{module} (crashed)",
            "error": f"{why}: {error}"[:500],
            "met": False,
            "database": database,
            "module": module,
        }
        figures.append(crash)
        print(json.dumps(crash, ensure_ascii=False), flush=True)
    return figures


def drop_leftovers(postgres: bool) -> None:
    """Drop what a killed module may have left: only this run's own names."""
    for path in Path(tempfile.gettempdir()).glob(f"brede_gesprek_{RUN_ID}_*.sqlite3*"):
        path.unlink(missing_ok=True)
    if not postgres:
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (RUN_ID.replace("_", "\\_") + "\\_%",),
            )
        ]
        for name in names:
            print(f"dropping leftover database {name}", file=sys.stderr)
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


def summary(
    figures: list[dict[str, Any]], seconds: float, loads: list[float], databases: list[str]
) -> str:
    misses = [f for f in figures if not f.get("met", False)]
    lines = [
        "",
        f"# {datetime.now():%Y-%m-%d %H:%M}, {machine()}; {', '.join(databases) or 'no database'}"
        f"; load average {loads[0]:.1f} at the start, {loads[1]:.1f} at the end",
        f"# {len(figures)} figures, {len(misses)} missed; {seconds / 60:.1f} minutes",
    ]
    for figure in misses:
        where = f"[{figure.get('database', '?')}]"
        if "error" in figure:
            lines.append(f"MISSED {figure['name']} {where}: {figure['error']}")
            continue
        base = figure["baseline"]
        lines.append(
            f"MISSED {figure['name']} {where}: {figure['median']:g} {figure['unit']} median, "
            f"{base['name']} {base['median']:g} {figure['unit']} (ratio {figure['ratio']:g}); "
            f"target {figure['target']}"
        )
    return "\n".join(lines)


def short(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def table(path: Path) -> str:
    """The README's table: a row per figure, a column per database (the charts, which
    need none, in the first)."""
    figures = [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]
    names = list(dict.fromkeys(f["name"] for f in figures))
    rows = [
        "| figure | compared with | target | SQLite | PostgreSQL |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in names:
        of_name = {f.get("database"): f for f in figures if f["name"] == name}
        some = next(iter(of_name.values()))
        base = some.get("baseline", {}).get("name", "")
        target = next((f["target"] for f in of_name.values() if f.get("target")), "") or ""
        cells = []
        for database in ("sqlite", "postgresql"):
            figure = of_name.get(database) or (
                of_name.get("none") if database == "sqlite" else None
            )
            if figure is None:
                cells.append("no database" if "none" in of_name else "—")
            elif "error" in figure:
                cells.append("**crashed**")
            else:
                unit = figure["unit"]
                cell = (
                    f"{short(figure['median'])} {unit} (p95 {short(figure['p95'])}) vs "
                    f"{short(figure['baseline']['median'])} {unit}: {figure['ratio']:g}x"
                )
                if not figure.get("met"):
                    cell += " **missed**"
                elif not figure.get("target"):
                    cell += " (no target)"
                cells.append(cell)
        target = target.replace("<=", "≤").replace("<", "&lt;")
        rows.append(f"| {name} | {base} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--only", action="append", choices=[m for m, _db in MODULES])
    parser.add_argument("--out", type=Path, help="also write the JSON lines to this file")
    parser.add_argument("--table", type=Path, help="print the README table of a JSON-lines file")
    args = parser.parse_args()
    if args.table:
        print(table(args.table))
        return 0
    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    pg = postgres_version() if args.database in ("postgresql", "both") else None
    databases = ["sqlite"] if args.database != "postgresql" else []
    if pg:
        databases.append("postgresql")
    labels = ["SQLite"] if databases and databases[0] == "sqlite" else []
    labels += [f"PostgreSQL {pg}"] if pg else []
    if args.database == "both" and not pg:
        labels.append("PostgreSQL not reachable")
    modules = [(m, db) for m, db in MODULES if not args.only or m in args.only]
    figures: list[dict[str, Any]] = []
    number = 0
    try:
        for module, needs_database in modules:
            if not needs_database and databases:
                number += 1
                figures += run_module(module, databases[0], number)
        for database in databases:
            for module, needs_database in modules:
                if needs_database:
                    number += 1
                    figures += run_module(module, database, number)
        if args.database == "postgresql" and not pg:
            figures.append(
                {"name": "postgresql (not reachable)", "error": "no server", "met": False}
            )
    finally:
        drop_leftovers(pg is not None)
    if args.out:
        args.out.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in figures))
    loads = [load_start, os.getloadavg()[0]]
    print(summary(figures, time.perf_counter() - started, loads, labels))
    return 1 if any(not f.get("met", False) for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
