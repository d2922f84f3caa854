"""Trends on the patient page, drawn on the server as SVG: one chart per series, a
line per item (a spider-web dimension, a KOP complaint), told apart by marker shape
and dash as well as colour, with a legend and a text description. Presentation
attributes only, so the Content Security Policy holds."""

from datetime import date

from django.utils.html import escape
from django.utils.translation import gettext as _

from consult.registry import SeriesLine, TimelineSeries

WIDTH = 640
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 620, 16, 196
LEGEND_TOP = 236
LEGEND_ROW = 26
COLOURS = ("#23607f", "#a4501f", "#2f6f4f", "#5b4a9a", "#7a5c00", "#8a2846", "#1d2430")
DASHES = ("", "8 4", "2 4", "12 4 2 4", "4 4", "16 6", "1 3")


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    match shape % 7:
        case 0:
            return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
        case 1:
            return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'
        case 2:
            return (
                f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 5:.1f} L{x - 6:.1f} {y + 5:.1f} z" '
                f'fill="{colour}"/>'
            )
        case 3:
            return (
                f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y:.1f} L{x:.1f} {y + 6:.1f} '
                f'L{x - 6:.1f} {y:.1f} z" fill="{colour}"/>'
            )
        case 4:
            return (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#ffffff" stroke="{colour}" '
                f'stroke-width="2.5"/>'
            )
        case 5:
            return (
                f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#ffffff" '
                f'stroke="{colour}" stroke-width="2.5"/>'
            )
        case _:
            return (
                f'<path d="M{x - 5:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 5:.1f} M{x + 5:.1f} '
                f'{y - 5:.1f} L{x - 5:.1f} {y + 5:.1f}" stroke="{colour}" stroke-width="3"/>'
            )


def render_trend_svg(series: TimelineSeries) -> str:
    """The series as an SVG string, all text escaped. Draws an empty chart when there
    are no points yet."""
    dates = sorted({point.on for line in series.lines for point in line.points})
    first, last = (dates[0], dates[-1]) if dates else (date.today(), date.today())
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        if first == last:
            return (PLOT_LEFT + PLOT_RIGHT) / 2
        return PLOT_LEFT + (day - first).days / span * (PLOT_RIGHT - PLOT_LEFT)

    y_span = (series.y_max - series.y_min) or 1

    def y_of(value: float) -> float:
        value = min(max(value, series.y_min), series.y_max)
        return PLOT_BOTTOM - (value - series.y_min) / y_span * (PLOT_BOTTOM - PLOT_TOP)

    height = LEGEND_TOP + LEGEND_ROW * len(series.lines) + 8
    ident = f"trend-{escape(series.key)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="chart chart-trend">',
        f'<title id="{ident}-title">{escape(series.title)}</title>',
        f'<desc id="{ident}-desc">{escape(_describe(series))}</desc>',
    ]
    ticks = _ticks(series.y_min, series.y_max)
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{PLOT_RIGHT}" y2="{y:.1f}" '
            f'stroke="#d5dae1" stroke-width="1"/>'
            f'<text x="{PLOT_LEFT - 8}" y="{y + 5:.1f}" font-size="14" text-anchor="end" '
            f'fill="#4a5566">{tick:g}</text>'
        )
    labels = _date_labels(dates)
    for day in labels:
        # The first and last labels line up with the plot's edges, inside the chart.
        anchor = "middle"
        if len(labels) > 1 and day == labels[0]:
            anchor = "start"
        elif len(labels) > 1 and day == labels[-1]:
            anchor = "end"
        parts.append(
            f'<text x="{x_of(day):.1f}" y="{PLOT_BOTTOM + 24}" font-size="14" '
            f'text-anchor="{anchor}" fill="#4a5566">{day:%d-%m-%Y}</text>'
        )
    for index, line in enumerate(series.lines):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        points = sorted(line.points, key=lambda point: point.on)
        if len(points) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{x_of(p.on):.1f} {y_of(p.value):.1f}"
                for i, p in enumerate(points)
            )
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        parts.extend(_marker(index, x_of(p.on), y_of(p.value), colour) for p in points)
        legend_y = LEGEND_TOP + index * LEGEND_ROW
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{legend_y}" x2="{PLOT_LEFT + 40}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            + _marker(index, PLOT_LEFT + 20, legend_y, colour)
            + f'<text x="{PLOT_LEFT + 52}" y="{legend_y + 5}" font-size="16" fill="#1d2430">'
            f"{escape(line.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _ticks(low: float, high: float) -> list[float]:
    step = (high - low) / 5 if high > low else 1
    return [low + step * i for i in range(6)]


def _date_labels(dates: list[date]) -> list[date]:
    """At most five dates under the axis, first and last included."""
    if len(dates) <= 5:
        return dates
    step = (len(dates) - 1) / 4
    return [dates[round(i * step)] for i in range(5)]


def _line_text(line: SeriesLine) -> str:
    values = ", ".join(
        f"{point.value:g} ({point.on:%d-%m-%Y})"
        for point in sorted(line.points, key=lambda point: point.on)
    )
    return f"{line.label}: {values}" if values else f"{line.label}: {_('No values yet.')}"


def _describe(series: TimelineSeries) -> str:
    return "; ".join(_line_text(line) for line in series.lines) or _("No values yet.")
