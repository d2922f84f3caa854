"""The models' charts: median and p95 time to draw each SVG, beside drawing the empty
chart of the same kind (the grid and labels alone), interleaved in one run. Prints one
JSON line per figure. No database needed: the charts take plain records."""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench.common  # noqa: F401  sets Django up before anything else

# isort: split
from django.utils import translation

from kop.chart import render_kop_svg
from kop.models import Circumstance, Complaint, StyleItem
from spinnenweb.chart import RadarWeb, render_radar_svg
from spinnenweb.dimensions import DIMENSIONS

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))


def timed(draw: Callable[[], str]) -> float:
    start = time.perf_counter()
    draw()
    return (time.perf_counter() - start) * 1000


def figure(name: str, draw: Callable[[], str], baseline_name: str, baseline: Callable[[], str]):
    ours, base = [], []
    for _ in range(ROUNDS):
        ours.append(timed(draw))
        base.append(timed(baseline))
    ours.sort()
    base.sort()
    print(
        json.dumps(
            {
                "name": name,
                "median": round(statistics.median(ours), 3),
                "p95": round(ours[int(len(ours) * 0.95) - 1], 3),
                "unit": "ms",
                "baseline": baseline_name,
                "baseline_median": round(statistics.median(base), 3),
            }
        )
    )


def main() -> None:
    translation.activate("nl")
    now = RadarWeb("Nu, samen", {d.key: 7 for d in DIMENSIONS}, frozenset({"meedoen"}))
    home = RadarWeb("Thuis ingevuld", {d.key: 5 for d in DIMENSIONS}, frozenset({"mentaal"}))
    before = RadarWeb("Vorige keer", {d.key: 4 for d in DIMENSIONS})
    figure(
        "radar with comparison (3 webs)",
        lambda: render_radar_svg([now, home, before]),
        "empty radar",
        lambda: render_radar_svg([]),
    )
    complaints = [
        Complaint(text=f"Klacht {n} die wat langer is dan een regel", severity=n + 3)
        for n in range(4)
    ]
    circumstances = [
        Circumstance(area="werk", positive=n == 3, text=f"Omstandigheid {n}") for n in range(4)
    ]
    style = [StyleItem(helps=n % 2 == 0, text=f"Manier van reageren {n}") for n in range(4)]
    figure(
        "KOP-schema picture (12 items)",
        lambda: render_kop_svg(complaints, circumstances, style),
        "empty KOP-schema picture",
        lambda: render_kop_svg([], [], []),
    )


if __name__ == "__main__":
    main()
