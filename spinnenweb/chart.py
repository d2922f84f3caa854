"""The spider web (radar) drawn on the server as SVG: six axes, rings 0 to 10, the
dimension names readable at print size. One or more webs are drawn over each other
(now, last time), each with its own line style and point shape, and a legend.
Dimensions the patient wants to talk about get a star and a bold name, not colour
alone. A half-filled web draws the scores it has; an empty one draws the empty web.
Presentation attributes only (CSP), every text escaped."""

import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from textwrap import wrap

from django.utils.html import escape
from django.utils.translation import gettext as _

from spinnenweb.dimensions import DIMENSIONS

WIDTH = 860
CX, CY, RADIUS = 430, 262, 170
LABEL_LINE = 24
LABEL_GAP = 26
LEGEND_TOP = 520
LEGEND_ROW = 28
INK, MUTED, GRID = "#1d2430", "#4a5566", "#c9ced6"


@dataclass(frozen=True)
class RadarWeb:
    label: str
    scores: Mapping[str, int | None]
    talk: frozenset[str] = field(default_factory=frozenset)


# Per web in the picture: stroke colour, dash, fill opacity, point shape.
STYLES = (
    ("#1f5f8b", "", "0.18", "circle"),
    ("#a4501f", "9 6", "0", "square"),
    ("#2f6f4f", "3 5", "0", "diamond"),
)


def _point(index: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + index * 2 * math.pi / len(DIMENSIONS)
    distance = RADIUS * value / 10
    return CX + distance * math.cos(angle), CY + distance * math.sin(angle)


def _shape(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 7:.1f} L{x + 7:.1f} {y:.1f} L{x:.1f} {y + 7:.1f} '
            f'L{x - 7:.1f} {y:.1f} z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{colour}"/>'


def _star(x: float, y: float, size: float = 9) -> str:
    points = []
    for i in range(10):
        r = size if i % 2 == 0 else size * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(f"{x + r * math.cos(angle):.1f},{y + r * math.sin(angle):.1f}")
    return f'<polygon points="{" ".join(points)}" fill="{INK}" class="talk-star"/>'


def render_radar_svg(webs: Sequence[RadarWeb], *, title: str | None = None) -> str:
    """The webs drawn over each other, the first one most prominent."""
    talk = set().union(*(web.talk for web in webs)) if webs else set()
    height = LEGEND_TOP + LEGEND_ROW * (len(webs) + (1 if talk else 0)) + 8
    heading = title or _("Spider web of Positieve Gezondheid")
    ident = f"radar-{uuid.uuid4().hex[:8]}"  # several webs may share a page
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="chart chart-radar">',
        f'<title id="{ident}-title">{escape(heading)}</title>',
        f'<desc id="{ident}-desc">{escape(_describe(webs))}</desc>',
    ]
    for ring in range(1, 11):
        ring_points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (_point(i, ring) for i in range(len(DIMENSIONS)))
        )
        width = "1.5" if ring % 5 == 0 else "0.8"
        parts.append(
            f'<polygon points="{ring_points}" fill="none" stroke="{GRID}" stroke-width="{width}"/>'
        )
    for ring in (0, 2, 4, 6, 8, 10):
        x, y = _point(0, ring)
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 5:.1f}" font-size="13" fill="{MUTED}">{ring}</text>'
        )
    for index, dimension in enumerate(DIMENSIONS):
        x, y = _point(index, 10)
        parts.append(
            f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_label(index, str(dimension.name), dimension.key in talk))
    for web, (colour, dash, fill, shape) in zip(webs, STYLES, strict=False):
        parts.extend(_web(web, colour, dash, fill, shape))
    for row, (web, (colour, dash, _fill, shape)) in enumerate(zip(webs, STYLES, strict=False)):
        y = LEGEND_TOP + row * LEGEND_ROW
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="120" y1="{y}" x2="170" y2="{y}" stroke="{colour}" stroke-width="3"{dash_attr}/>'
            + _shape(shape, 145, y, colour)
            + f'<text x="182" y="{y + 7}" font-size="20" fill="{INK}">{escape(web.label)}</text>'
        )
    if talk:
        y = LEGEND_TOP + len(webs) * LEGEND_ROW
        parts.append(
            _star(145, y) + f'<text x="182" y="{y + 7}" font-size="20" fill="{INK}">'
            f"{escape(_('I want to talk about this'))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _label(index: int, name: str, talk: bool) -> str:
    x, y = _point(index, 10)
    dx, dy = x - CX, y - CY
    anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
    lx = x + (LABEL_GAP if dx > 1 else -LABEL_GAP if dx < -1 else 0) * 0.6
    ly = y + (-14 if dy < -1 and abs(dx) < 1 else 22 if dy > 1 and abs(dx) < 1 else 6)
    weight = ' font-weight="700"' if talk else ""
    # Long names go over two lines, so they stay large and inside the picture.
    lines = wrap(name, width=13, break_long_words=False) or [name]
    block = (len(lines) - 1) * LABEL_LINE
    # Lines grow away from the web: upwards at the top, centred on the sides.
    first_y = ly - block / 2
    if anchor == "middle":
        first_y = ly - block if dy < 0 else ly
    star = ""
    if talk:
        # The star sits between the web and the name, which moves aside to make room;
        # above a name at the top, below one at the bottom.
        if anchor == "start":
            star, lx = _star(lx + 4, ly - 6), lx + 18
        elif anchor == "end":
            star, lx = _star(lx - 4, ly - 6), lx - 18
        else:
            star = _star(lx, first_y - 26 if dy < 0 else first_y + block + 20)
    # A space ends every line but the last, so the name reads whole as text.
    spans = "".join(
        f'<tspan x="{lx:.1f}" y="{first_y + number * LABEL_LINE:.1f}">'
        f"{escape(line)}{' ' if number < len(lines) - 1 else ''}</tspan>"
        for number, line in enumerate(lines)
    )
    return f'<text font-size="22" text-anchor="{anchor}" fill="{INK}"{weight}>{spans}</text>{star}'


def _web(web: RadarWeb, colour: str, dash: str, fill: str, shape: str) -> list[str]:
    points = [
        (_point(index, score) if (score := web.scores.get(d.key)) is not None else None)
        for index, d in enumerate(DIMENSIONS)
    ]
    parts = []
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    if all(points):
        outline = " ".join(f"{p[0]:.1f},{p[1]:.1f}" for p in points if p)
        parts.append(
            f'<polygon points="{outline}" fill="{colour}" fill-opacity="{fill}" '
            f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
        )
    else:
        # A half-filled web: lines only between neighbouring dimensions that have a score.
        for index, start in enumerate(points):
            end = points[(index + 1) % len(points)]
            if start and end:
                parts.append(
                    f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" '
                    f'y2="{end[1]:.1f}" stroke="{colour}" stroke-width="3"{dash_attr}/>'
                )
    parts.extend(_shape(shape, p[0], p[1], colour) for p in points if p)
    return parts


def _describe(webs: Sequence[RadarWeb]) -> str:
    if not webs:
        return _("No scores yet.")
    described = []
    for web in webs:
        scores = ", ".join(
            f"{d.name} {web.scores.get(d.key) if web.scores.get(d.key) is not None else '—'}"
            + (" (" + _("wants to talk about this") + ")" if d.key in web.talk else "")
            for d in DIMENSIONS
        )
        described.append(f"{web.label}: {scores}")
    return ". ".join(described) + "."
