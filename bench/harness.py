"""What every benchmark module measures with: a figure beside its baseline, the two
run interleaved (A, B, A, B, ... after a warm-up) so that both see the same machine
load, and one JSON line per figure on stdout. A figure that misses its target is
remembered; `exit_code()` is 1 when any did. Also: a database of the process's own
(and, for the kaart search, a second, empty one to run the same request against).

Modules print nothing else on stdout (human notes go to stderr), so that
bench/run_all.py can collect the JSON lines."""

import json
import math
import os
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_ALIAS = "default"
_figures: list[dict[str, Any]] = []
_database = "none"  # set by bench_database(): the vendor the figures were measured on


def rounds(default: int) -> int:
    """The module's number of rounds, or BENCH_ROUNDS when set (to shrink a quick run)."""
    return int(os.environ.get("BENCH_ROUNDS") or default)


def services_count(default: int = 10_000) -> int:
    return int(os.environ.get("BENCH_SERVICES") or default)


@dataclass(frozen=True)
class Figure:
    """One figure to measure beside the group's baseline. Its target is a ratio of
    the two medians (ratio <= target_ratio) or an absolute median (median <
    target_abs, in the figure's unit); a figure without either is only reported."""

    name: str
    run: Callable[[], object]
    target_ratio: float | None = None
    target_abs: float | None = None
    target_note: str = ""  # why, in a few words, when the bare numbers do not say it


def measure_pair(
    name: str,
    fn: Callable[[], object],
    baseline_name: str,
    baseline_fn: Callable[[], object],
    rounds: int,
    unit: str = "ms",
    target_ratio: float | None = None,
    target_abs: float | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Measure `fn` beside `baseline_fn`, interleaved, and print the figure."""
    figure = Figure(name, fn, target_ratio, target_abs, options.pop("target_note", ""))
    return measure_group(baseline_name, baseline_fn, [figure], rounds, unit=unit, **options)[0]


def measure_group(
    baseline_name: str,
    baseline_fn: Callable[[], object],
    figures: Sequence[Figure],
    rounds: int,
    *,
    unit: str = "ms",
    warmup: int | None = None,
    budget_s: float | None = None,
    min_rounds: int = 5,
    before_round: Callable[[], object] | None = None,
    extra: dict[str, Any] | None = None,
    timed_by_run: bool = False,
) -> list[dict[str, Any]]:
    """Measure several figures beside one baseline: each round runs the baseline and
    then every figure once, so the baseline is sampled as often as each figure and
    under the same load. After `warmup` untimed rounds, `rounds` timed ones; with
    `budget_s`, fewer when the timed rounds take longer than that (at least
    `min_rounds`), and a warm-up of at most a fifth of it (at least one round): for
    a slow figure on a slow database. `before_round`, untimed, runs before each
    round (warm-up too): to put the data back. With `timed_by_run`, each run returns
    its own duration in the unit, timed where the user sees it (in the browser), and
    that is the sample instead of the time the call took. Prints one JSON line per
    figure and returns them."""
    scale = 1000.0 if unit == "ms" else 1.0
    runs: list[tuple[str, Callable[[], object]]] = [(baseline_name, baseline_fn)]
    runs += [(figure.name, figure.run) for figure in figures]
    started = time.perf_counter()
    for done in range(warmup if warmup is not None else min(30, max(2, rounds // 10))):
        if budget_s is not None and done >= 1 and time.perf_counter() - started > budget_s / 5:
            break
        if before_round is not None:
            before_round()
        for _name, run in runs:
            run()
    samples: dict[str, list[float]] = {run_name: [] for run_name, _run in runs}
    started = time.perf_counter()
    done = 0
    for done in range(1, rounds + 1):
        if before_round is not None:
            before_round()
        for run_name, run in runs:
            start = time.perf_counter()
            result: Any = run()
            elapsed = (time.perf_counter() - start) * scale
            samples[run_name].append(float(result) if timed_by_run else elapsed)
        if budget_s is not None and done >= min_rounds and time.perf_counter() - started > budget_s:
            break
    base = samples[baseline_name]
    lines = []
    for figure in figures:
        line = _figure_line(figure, samples[figure.name], baseline_name, base, unit)
        line["rounds"] = done
        line.update(extra or {})
        lines.append(record(line))
    return lines


def _figure_line(
    figure: Figure, values: list[float], baseline_name: str, base: list[float], unit: str
) -> dict[str, Any]:
    median, base_median = statistics.median(values), statistics.median(base)
    ratio = median / base_median if base_median > 0 else math.inf
    line: dict[str, Any] = {
        "name": figure.name,
        "median": _round(median),
        "p95": _round(p95(values)),
        "unit": unit,
        "baseline": {
            "name": baseline_name,
            "median": _round(base_median),
            "p95": _round(p95(base)),
        },
        "ratio": round(ratio, 2),
    }
    if figure.target_ratio is not None:
        line["target"] = f"ratio <= {figure.target_ratio:g}"
        line["met"] = ratio <= figure.target_ratio
    elif figure.target_abs is not None:
        line["target"] = f"median < {figure.target_abs:g} {unit}"
        line["met"] = median < figure.target_abs
    else:
        line["target"] = None
        line["met"] = True
    if figure.target_note:
        line["target_note"] = figure.target_note
    line["database"] = _database
    return line


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by nearest rank: the value 95% of the samples do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _round(value: float) -> float:
    return round(value, 3) if value < 100 else round(value, 1)


def record(line: dict[str, Any]) -> dict[str, Any]:
    """Print a figure as one JSON line and remember it."""
    line.setdefault("database", _database)
    print(json.dumps(line, ensure_ascii=False), flush=True)
    _figures.append(line)
    return line


def attempt(names: Sequence[str], measure: Callable[[], object]) -> None:
    """Run `measure`; when it raises, every figure of `names` it did not print yet
    counts as a miss with the error, and the module goes on with its next figures."""
    try:
        measure()
    except Exception as error:  # a crash is a miss, not the end of the run
        traceback.print_exc(file=sys.stderr)
        printed = {line["name"] for line in _figures}
        for name in names:
            if name not in printed:
                record(
                    {
                        "name": name,
                        "error": f"{type(error).__name__}: {error}"[:500],
                        "met": False,
                    }
                )


def exit_code() -> int:
    return 1 if any(not line.get("met", False) for line in _figures) else 0


def note(text: str) -> None:
    """A line for the human reader, on stderr (stdout is for the figures)."""
    print(text, file=sys.stderr, flush=True)


# The database: a test database of this process's own, migrated, dropped afterwards.


def _test_name(alias: str) -> str:
    base = os.environ.get("BENCH_DB_NAME") or f"bench_{os.getpid()}"
    return base if alias == DEFAULT_ALIAS else f"{base}_{alias}"


@contextmanager
def bench_database(*extra_aliases: str) -> Iterator[None]:
    """Create the benchmark's own test database (PostgreSQL: bench_<pid>, or
    BENCH_DB_NAME; SQLite: a file of that name in the temporary directory, like the
    app's own database a file in WAL mode) and one more per extra alias, with the
    default's settings; drop them all afterwards. Never touches DATABASE_URL's own
    database."""
    global _database
    from django.conf import settings
    from django.db import connections

    default = connections.settings[DEFAULT_ALIAS]
    for alias in extra_aliases:
        copy: Any = {
            **default,
            "TEST": dict(default.get("TEST", {})),
            "OPTIONS": dict(default["OPTIONS"]),
        }
        connections.settings[alias] = copy
        settings.DATABASES[alias] = copy
    created: list[tuple[str, str]] = []
    try:
        for alias in (DEFAULT_ALIAS, *extra_aliases):
            settings_dict = connections.settings[alias]
            name = _test_name(alias)
            if settings_dict["ENGINE"].endswith("sqlite3"):
                path = Path(tempfile.gettempdir()) / f"brede_gesprek_{name}.sqlite3"
                settings_dict["TEST"]["NAME"] = str(path)
            else:
                settings_dict["TEST"]["NAME"] = name
            old_name = settings_dict["NAME"]
            # Migrated with the alias standing in for the default, so that nothing a
            # migration writes can land in another database.
            with using_database(alias):
                connections[alias].creation.create_test_db(verbosity=0, autoclobber=True)
            created.append((alias, old_name))
        _database = connections[DEFAULT_ALIAS].vendor
        yield
    finally:
        for alias, old_name in reversed(created):
            connections[alias].creation.destroy_test_db(old_name, verbosity=0)


@contextmanager
def using_database(alias: str) -> Iterator[None]:
    """Let `alias` stand in for the default database: the views, the ORM and
    transactions all use it while inside."""
    from django.db import connections

    if alias == DEFAULT_ALIAS:
        yield
        return
    original = connections[DEFAULT_ALIAS]
    connections[DEFAULT_ALIAS] = connections[alias]
    try:
        yield
    finally:
        connections[DEFAULT_ALIAS] = original


def measure_get_beside_database(
    name: str,
    baseline_name: str,
    url: str,
    params: dict[str, str],
    client: Any,
    baseline_client: Any,
    baseline_alias: str,
    rounds: int,
    **options: Any,
) -> dict[str, Any]:
    """The same GET request twice, interleaved: by `client` in the default database,
    and by `baseline_client` with `baseline_alias` standing in for it (the empty
    services table of the kaart search, the practice alone of the audit trail)."""
    return measure_beside_database(
        name,
        baseline_name,
        lambda some_client: some_client.get(url, params),
        client,
        baseline_client,
        baseline_alias,
        rounds,
        **options,
    )


def measure_beside_database(
    name: str,
    baseline_name: str,
    send: Callable[[Any], Any],
    client: Any,
    baseline_client: Any,
    baseline_alias: str,
    rounds: int,
    **options: Any,
) -> dict[str, Any]:
    """The same request (`send(client)` returns its response) twice, interleaved: by
    `client` in the default database, and by `baseline_client` with `baseline_alias`
    standing in for it."""

    def figure() -> None:
        response = send(client)
        assert response.status_code == 200, response.status_code

    def baseline() -> None:
        with using_database(baseline_alias):
            response = send(baseline_client)
        assert response.status_code == 200, response.status_code

    return measure_pair(name, figure, baseline_name, baseline, rounds, **options)


def on_postgresql_only(why: str, measure: Callable[[], object], *extra_aliases: str) -> None:
    """`measure` in the benchmark's own databases (bench_database) when the server is
    PostgreSQL; on SQLite only a note that says `why` there is nothing to measure."""
    from django.db import connection

    if connection.vendor != "postgresql":
        note(f"{why}; nothing on SQLite")
        return
    with bench_database(*extra_aliases):
        measure()


def main(names: Sequence[str], measure_all: Callable[[], object]) -> int:
    """Run a module's figures (`names`, all it prints) and return its exit code: a
    crash, in setting up the database too, counts as a miss of every figure not yet
    printed."""
    attempt(names, measure_all)
    return exit_code()
