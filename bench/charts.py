"""The models' charts: the time to draw each SVG as a consult fills it, beside drawing
the same chart empty (grid, frames and labels only) through the same function,
interleaved. No database: the charts take plain records, as the models hand them
over after their (fixed number of) queries.

Target: an absolute median, under 2 ms per chart (see README, "Benchmarks"): a chart
is drawn into the step partial, the workspace page, the look-along view and the
print, so it must stay a small part of the step partial's budget. The empty chart shows what
the frame costs; the ratio to it is reported, not held to a target."""

import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import bench.common  # noqa: F401  sets Django up before anything else

# isort: split
from django.utils import translation

from bench import harness
from consult.charts.trend import render_trend_svg
from consult.registry import SeriesLine, SeriesPoint, TimelineSeries
from emboss.chart import CardMarks, render_card_svg
from emboss.domains import DOMAINS as CARD_DOMAINS
from kop.chart import render_kop_svg
from kop.models import Circumstance, Complaint, StyleItem
from models_4d.chart import forget_drawings, render_4d_svg
from models_4d.models import FourDConnection, FourDEntry
from spinnenweb.chart import RadarWeb, render_radar_svg
from spinnenweb.dimensions import DIMENSIONS

ROUNDS = harness.rounds(300)
# A chart is drawn inside the step partial, whose target is 2x a bare view (about
# 3.5 ms on SQLite here, so some 3.5 ms for all the app's own work): a chart may take
# about half of that.
TARGET_MS = 2.0
# The 4D diagram is remembered once drawn, and its arrows per geometry (it is drawn
# again on every step and save of a consult): `chart_4d` is that redrawing;
# `chart_4d_first_drawing` forgets both before each drawing, as after a new
# connection or a changed text. It is drawn once per change, on a request that
# also saves: under a third of the time a GP would notice (100 ms).
FIRST_DRAWING_TARGET_MS = 30.0
FIGURES = (
    "chart_4d",
    "chart_4d_first_drawing",
    "chart_radar_comparison",
    "chart_kop_schema",
    "chart_kop_severity",
    "chart_emboss_card",
)

FOURD_TEXTS = {
    "lichaam": ["Slecht slapen, wakker om vier uur", "Hoofdpijn", "Fietst weer naar het werk"],
    "geest": ["Piekeren over geld", "Somber sinds de scheiding", "Kan goed relativeren"],
    "sociaal": ["Weinig contact met de kinderen", "Ruzie met de buren", "Goede vriendin"],
    "maatschappelijk": ["Schulden bij de energiemaatschappij", "Bang baan te verliezen", "Hobby"],
}


def fourd_records() -> tuple[list[FourDEntry], list[FourDConnection]]:
    """A full diagram: twelve entries, three per domain (the last one helps), and six
    connections (the demo's case, half-way, has six entries and two)."""
    entries: list[FourDEntry] = []
    for domain, texts in FOURD_TEXTS.items():
        for number, text in enumerate(texts):
            kind = "helpt" if number == 2 else "speelt"
            entries.append(
                FourDEntry(pk=len(entries) + 1, domain=domain, kind=kind, text=text, priority=None)
            )
    pairs = [(10, 4), (4, 1), (5, 7), (11, 5), (7, 2), (1, 8)]
    connections = [
        FourDConnection(pk=n + 1, cause=entries[a - 1], effect=entries[b - 1])
        for n, (a, b) in enumerate(pairs)
    ]
    return entries, connections


def kop_records() -> tuple[list[Complaint], list[Circumstance], list[StyleItem]]:
    complaints = [
        Complaint(text=f"Klacht {n} die wat langer is dan een regel", severity=n + 3)
        for n in range(4)
    ]
    circumstances = [
        Circumstance(area="werk", positive=n == 3, text=f"Omstandigheid {n}") for n in range(4)
    ]
    style = [StyleItem(helps=n % 2 == 0, text=f"Manier van reageren {n}") for n in range(4)]
    return complaints, circumstances, style


def severity_series(points: bool) -> TimelineSeries:
    """The KOP severity trend of the patient page: four complaints over six sessions a
    fortnight apart (or no sessions yet)."""
    start = date(2026, 1, 5)
    lines = [
        SeriesLine(
            label=f"Klacht {n}",
            points=[
                SeriesPoint(on=start + timedelta(weeks=2 * s), value=max(1, 8 - s - n % 2))
                for s in range(6)
            ]
            if points
            else [],
        )
        for n in range(4)
    ]
    return TimelineSeries(
        key="kop-ernst", title="KOP: ernst per klacht (1 tot 10)", lines=lines, y_min=0, y_max=10
    )


def card_marks() -> dict[str, CardMarks]:
    states = ["zorgen", "goed", "zorgen", "goed", "", "zorgen", "goed"]
    return {
        domain.key: CardMarks(state=states[n % len(states)], matters_most=n in (2, 6))
        for n, domain in enumerate(CARD_DOMAINS)
    }


def figure(name: str, draw: Callable[[], str], empty: Callable[[], str]) -> None:
    assert draw() != empty(), name  # the filled chart draws something the empty one does not
    harness.measure_pair(
        name, draw, f"{name}_empty", empty, ROUNDS, target_abs=TARGET_MS, warmup=20
    )


def measure_all() -> None:
    translation.activate("nl")
    entries, connections = fourd_records()
    harness.attempt(
        ["chart_4d"],
        lambda: figure(
            "chart_4d",
            lambda: render_4d_svg(entries, connections),
            lambda: render_4d_svg([], []),
        ),
    )

    def first_drawing() -> str:
        forget_drawings()
        return render_4d_svg(entries, connections)

    harness.attempt(
        ["chart_4d_first_drawing"],
        lambda: harness.measure_pair(
            "chart_4d_first_drawing",
            first_drawing,
            "chart_4d_empty",
            lambda: render_4d_svg([], []),
            harness.rounds(60),
            target_abs=FIRST_DRAWING_TARGET_MS,
            warmup=5,
        ),
    )
    now = RadarWeb("Nu, samen", {d.key: 7 for d in DIMENSIONS}, frozenset({"meedoen"}))
    home = RadarWeb("Thuis ingevuld", {d.key: 5 for d in DIMENSIONS}, frozenset({"mentaal"}))
    before = RadarWeb("Vorige keer", {d.key: 4 for d in DIMENSIONS})
    harness.attempt(
        ["chart_radar_comparison"],
        lambda: figure(
            "chart_radar_comparison",
            lambda: render_radar_svg([now, home, before]),
            lambda: render_radar_svg([]),
        ),
    )
    complaints, circumstances, style = kop_records()
    harness.attempt(
        ["chart_kop_schema"],
        lambda: figure(
            "chart_kop_schema",
            lambda: render_kop_svg(complaints, circumstances, style),
            lambda: render_kop_svg([], [], []),
        ),
    )
    filled, no_points = severity_series(True), severity_series(False)
    harness.attempt(
        ["chart_kop_severity"],
        lambda: figure(
            "chart_kop_severity",
            lambda: render_trend_svg(filled),
            lambda: render_trend_svg(no_points),
        ),
    )
    marks = card_marks()
    harness.attempt(
        ["chart_emboss_card"],
        lambda: figure(
            "chart_emboss_card",
            lambda: render_card_svg(marks),
            lambda: render_card_svg({}),
        ),
    )


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
