"""The benchmarks' own machinery: a figure timed inside the browser, and the browser
benchmark run end to end (a short run: its figures are measured, not judged here;
`make bench` judges them)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import harness

ROOT = Path(__file__).resolve().parents[1]


def test_a_figure_timed_by_its_run_is_the_duration_the_run_reports(capsys) -> None:
    durations = iter([5.0, 7.0, 9.0] * 10)
    lines = harness.measure_group(
        "baseline",
        lambda: 2.0,
        [harness.Figure("figure", lambda: next(durations), target_abs=8.0)],
        3,
        warmup=0,
        timed_by_run=True,
    )
    capsys.readouterr()
    assert lines[0]["median"] == 7.0
    assert lines[0]["baseline"]["median"] == 2.0
    assert lines[0]["ratio"] == 3.5
    assert lines[0]["met"] is True


@pytest.mark.browser
def test_the_browser_benchmark_times_the_workspace_in_chromium() -> None:
    """gunicorn with the collected static files, Chromium logged in with both factors,
    the workspace opened, a step switched (4D and KOP) and a goal saved, each beside
    its bare counterpart; then again over an emulated practice connection, and the
    page once with an empty cache."""
    env = {**os.environ, "BENCH_ROUNDS": "3"}
    env.pop("BENCH_DB_NAME", None)
    run = subprocess.run(
        [sys.executable, "bench/browser.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    baselines = {
        "browser_workspace_page": "browser_bare_page",
        "browser_step_switch": "browser_bare_swap",
        "browser_autosave": "browser_bare_swap",
        "browser_step_switch_kop_schema": "browser_bare_swap",
        "browser_workspace_page_practice_network": "browser_bare_page_practice_network",
        "browser_workspace_page_first_visit": "browser_bare_page_practice_network",
        "browser_step_switch_practice_network": "browser_bare_swap_practice_network",
        "browser_autosave_practice_network": "browser_bare_swap_practice_network",
        "browser_step_switch_kop_schema_practice_network": "browser_bare_swap_practice_network",
    }
    assert [line["name"] for line in lines] == list(baselines), run.stderr[-3000:]
    for line in lines:
        assert "error" not in line, line
        assert line["median"] > 0, line
        assert line["baseline"]["median"] > 0, line
        assert line["rounds"] >= 3, line
        assert line["baseline"]["name"] == baselines[line["name"]], line
        if line["name"].endswith(("_practice_network", "_first_visit")):
            # The emulated connection is in place: every request takes its round trip.
            assert line["network"] == "40 ms round trip, 10 Mbit/s", line
            assert line["baseline"]["median"] >= 40, line
        else:
            assert line["network"] == "loopback", line
    assert run.returncode in (0, 1), run.stderr[-3000:]  # 1: a target missed, not a crash
