"""What a load run reports: per gunicorn configuration and step, throughput, median,
p95 and p99 per endpoint and the errors; the knee (the most concurrent professionals
at which the autosave's p95 stays under 100 ms); the report as JSON and as markdown
under bench/results/, named with the date and the machine."""

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from bench.load.consults import MODELS
from bench.load.machine import machine_slug
from bench.load.scenario import step_partial_name

PRINTING_IN_REQUEST = (
    "in the web request (PRINT_IN_WORKER off): a gunicorn worker makes the PDF while the "
    "printer waits."
)
PRINTING_IN_WORKER = (
    "in a worker (PRINT_IN_WORKER on): one `manage.py db_worker` process beside gunicorn "
    "makes the PDFs; a printer's request queues the job, opens its page, asks for its "
    "status every second as htmx does, and fetches the PDF once it is ready "
    '("print plan: asked to PDF" is all of that, from the click to the PDF). The '
    "worker's CPU is its own share."
)
PROXY_NONE = "none: locust talks plain http to gunicorn."
KNEE_ENDPOINT = "autosave"
KNEE_P95_MS = 100.0
# The order endpoints are listed in; others follow alphabetically.
ENDPOINT_ORDER = (
    "autosave",
    *(step_partial_name(model) for model in MODELS),
    "workspace page",
    "print plan (PDF)",
    "print plan: asked to PDF",
    "print plan: queue",
    "print plan: job page",
    "print plan: job status",
    "print plan: PDF from the worker",
    "kaart: list",
    "kaart: search",
    "kaart: search filtered",
    "kaart: search typo",
    "kaart: service",
)


class StatsEntry(Protocol):
    """What report needs of a locust StatsEntry."""

    name: str
    method: str | None
    num_requests: int
    num_failures: int
    median_response_time: float
    avg_response_time: float
    max_response_time: float

    def get_response_time_percentile(self, percent: float) -> float: ...


def endpoint_figures(entry: StatsEntry, seconds: float) -> dict[str, Any]:
    """One endpoint's figures over a measuring window of `seconds`."""
    measured = entry.num_requests > 0
    return {
        "name": entry.name,
        "method": entry.method or "",
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.num_requests / seconds, 2) if seconds else 0.0,
        "median_ms": round(entry.median_response_time, 1) if measured else None,
        "p95_ms": round(entry.get_response_time_percentile(0.95), 1) if measured else None,
        "p99_ms": round(entry.get_response_time_percentile(0.99), 1) if measured else None,
        "avg_ms": round(entry.avg_response_time, 1) if measured else None,
        "max_ms": round(entry.max_response_time, 1) if measured else None,
    }


def sort_endpoints(endpoints: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(endpoint: dict[str, Any]) -> tuple[int, str]:
        name = endpoint["name"]
        return (ENDPOINT_ORDER.index(name) if name in ENDPOINT_ORDER else len(ENDPOINT_ORDER), name)

    return sorted(endpoints, key=key)


def endpoint(step: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((e for e in step.get("endpoints", []) if e["name"] == name), None)


def step_errors(step: dict[str, Any]) -> int:
    """Every failed request and every exception of the step's whole run: the
    measuring window, and the logins, ramp-up and warm-up before it."""
    return int(step.get("errors_whole_run", 0)) + int(step.get("exceptions", 0))


def step_passes(
    step: dict[str, Any], name: str = KNEE_ENDPOINT, limit_ms: float = KNEE_P95_MS
) -> bool:
    figures = endpoint(step, name)
    return (
        figures is not None
        and figures["requests"] > 0
        and figures["p95_ms"] is not None
        and figures["p95_ms"] < limit_ms
        and step_errors(step) == 0
    )


def knee(
    steps: Iterable[dict[str, Any]], name: str = KNEE_ENDPOINT, limit_ms: float = KNEE_P95_MS
) -> int | None:
    """The most concurrent professionals at which `name`'s p95 stayed under `limit_ms`
    without errors, climbing the steps from the fewest: the first step that misses
    ends the climb (a later lucky step does not count). None when the first missed."""
    found = None
    for step in sorted(steps, key=lambda step: step["professionals"]):
        if not step_passes(step, name, limit_ms):
            break
        found = step["professionals"]
    return found


def knee_text(config: dict[str, Any]) -> str:
    steps = config["steps"]
    value = config.get("knee")
    if value is None:
        return f"below {min(s['professionals'] for s in steps)}" if steps else "not measured"
    if value == max(s["professionals"] for s in steps):
        return f"{value} or more (every step passed)"
    return str(value)


def total_errors(report: dict[str, Any]) -> int:
    return sum(step_errors(step) for config in report["configs"] for step in config["steps"])


def report_paths(results_dir: Path, machine: dict[str, Any], when: datetime) -> tuple[Path, Path]:
    """bench/results/load-2026-12-02-1530-vm-2cores-amd-epyc.json (and .md)."""
    stem = f"load-{when:%Y-%m-%d-%H%M}-{machine_slug(machine)}"
    return results_dir / f"{stem}.json", results_dir / f"{stem}.md"


def config_label(config: dict[str, Any]) -> str:
    label = f"{config['worker_class']}, {config['workers']} workers"
    if config["worker_class"] == "gthread":
        label += f" x {config['threads']} threads"
    return label


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def summary_rows(report: dict[str, Any]) -> list[list[str]]:
    """Per configuration: the knee and the autosave p95 at each step."""
    steps = sorted({s["professionals"] for c in report["configs"] for s in c["steps"]})
    rows = [["gunicorn", "knee", *(f"p95 autosave @{n}" for n in steps), "errors"]]
    for config in report["configs"]:
        by_n = {s["professionals"]: s for s in config["steps"]}
        cells = []
        for n in steps:
            figures = endpoint(by_n[n], KNEE_ENDPOINT) if n in by_n else None
            cells.append(_ms(figures["p95_ms"]) + " ms" if figures else "-")
        errors = sum(step_errors(s) for s in config["steps"])
        rows.append([config_label(config), knee_text(config), *cells, str(errors)])
    return rows


def _table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return lines


def cpu_line(step: dict[str, Any]) -> str:
    """Who used the machine's CPU during the step."""
    cpu = step.get("cpu", {})
    shares = [
        f"gunicorn {cpu.get('server_pct', '?')}%",
        f"PostgreSQL {cpu.get('database_pct', '?')}%",
        f"locust {cpu.get('loadgen_pct', '?')}%",
        *(f"{name} {share}%" for name, share in cpu.get("others_pct", {}).items()),
        f"the rest (others on the machine) {cpu.get('rest_pct', '?')}%",
    ]
    return (
        f"CPU of the machine ({step.get('cores', '?')} cores = 100%): "
        f"{cpu.get('machine_busy_pct', '?')}% busy: {', '.join(shares)}."
    )


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    method = report["method"]
    lines = [
        f"# Load test of {report['started']}",
        "",
        f"Machine: {machine['hostname']}, {machine['cores']} cores ({machine['cpu_model']}), "
        f"{machine['memory_gb']} GB; Python {machine['python']}, "
        + ", ".join(f"{name} {version}" for name, version in report["versions"].items())
        + ".",
        f"Tree: {report['tree']}. Load average {report['load_average_start']} at the start, "
        f"{report['load_average_end']} at the end.",
        *([f"Note: {report['note']}"] if report.get("note") else []),
        "",
        f"Each step: {method['professionals_note']} {method['printers']} printing plans, "
        f"{method['managers']} practice manager on the sociale kaart; "
        f"{method['seconds']:.0f} s measured after all users logged in and "
        f"{method['warmup']:.0f} s of warm-up. {method['think_time_note']}",
        "",
        f"Database: {method.get('database') or 'directly, as its owner.'} "
        f"Proxy: {method.get('proxy') or PROXY_NONE} "
        f"Printing: {method.get('printing') or PRINTING_IN_REQUEST}",
        "",
        "## Summary",
        "",
        f"Knee: the most concurrent professionals at which the autosave's p95 stays under "
        f"{KNEE_P95_MS:.0f} ms without errors.",
        "",
        *_table(summary_rows(report)),
    ]
    for config in report["configs"]:
        lines += ["", f"## {config_label(config)}: knee {knee_text(config)}"]
        for step in config["steps"]:
            lines += [
                "",
                f"### {step['professionals']} professionals ({step['users']} users), "
                f"{step['total']['rps']} req/s",
                "",
                f"{cpu_line(step)} Load average at the end {step.get('load_average', '?')}. "
                f"Errors: {step_errors(step)}.",
            ]
            audit = step.get("audit")
            if audit and audit.get("requests"):
                lines.append(
                    f"Audit trail: {audit['rows']} rows for the step's {audit['requests']} "
                    f"requests (logins and warm-up included): {audit['rows_per_request']} "
                    f"per request, {audit['bytes_per_row']} bytes per row with its indexes."
                )
            lines.append("")
            rows = [["endpoint", "req/s", "median ms", "p95 ms", "p99 ms", "requests", "failures"]]
            for figures in [*step["endpoints"], step["total"]]:
                rows.append(
                    [
                        figures["name"],
                        f"{figures['rps']:.1f}",
                        _ms(figures["median_ms"]),
                        _ms(figures["p95_ms"]),
                        _ms(figures["p99_ms"]),
                        str(figures["requests"]),
                        str(figures["failures"]),
                    ]
                )
            lines += _table(rows)
            for error in step.get("errors", []):
                lines.append(
                    f"- error: {error['method']} {error['name']}: {error['error']} ({error['occurrences']}x)"
                )
    return "\n".join(lines) + "\n"


def summary(report: dict[str, Any]) -> str:
    """The plain text printed at the end of a run."""
    rows = summary_rows(report)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    for config in report["configs"]:
        lines.append("")
        lines.append(f"{config_label(config)}: p95 per endpoint (ms) at each step")
        for step in config["steps"]:
            parts = [f"{e['name']} {_ms(e['p95_ms'])}" for e in step["endpoints"] if e["requests"]]
            lines.append(
                f"  {step['professionals']:>4} professionals, {step['total']['rps']:>6.1f} req/s, "
                f"errors {step_errors(step)}: " + "; ".join(parts)
            )
    return "\n".join(lines)


def write(report: dict[str, Any], results_dir: Path, when: datetime) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = report_paths(results_dir, report["machine"], when)
    json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path
