"""The 4D diagram as SVG, drawn on the server: four quadrants around the patient,
the entries in each, and the connections as arrows. The same SVG serves the
workspace, the look-along view and the printed plan. Presentation attributes only
(no style attributes), so it passes the Content Security Policy."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry

WIDTH, HEIGHT = 760, 560
CENTRE_X, CENTRE_Y = WIDTH / 2, HEIGHT / 2
MAX_LINES = 6
MAX_CHARS = 24
LINE_HEIGHT = 30
ENTRY_SIZE = 21
TITLE_SIZE = 25


@dataclass(frozen=True)
class Quadrant:
    domain: str
    x: float
    y: float
    colour: str
    pattern: str


QUADRANTS = (
    Quadrant(Domain4D.LICHAAM, 0, 0, "#2f6f4f", "dots"),
    Quadrant(Domain4D.GEEST, WIDTH / 2, 0, "#5b4a9a", "lines"),
    Quadrant(Domain4D.SOCIAAL, 0, HEIGHT / 2, "#a4501f", "cross"),
    Quadrant(Domain4D.MAATSCHAPPELIJK, WIDTH / 2, HEIGHT / 2, "#23607f", "waves"),
)

PATTERNS = """<defs>
<pattern id="p-dots" width="14" height="14" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.4" fill="#2f6f4f" fill-opacity=".18"/></pattern>
<pattern id="p-lines" width="12" height="12" patternUnits="userSpaceOnUse"><path d="M0 12 L12 0" stroke="#5b4a9a" stroke-opacity=".16" stroke-width="1.5"/></pattern>
<pattern id="p-cross" width="14" height="14" patternUnits="userSpaceOnUse"><path d="M0 7 H14 M7 0 V14" stroke="#a4501f" stroke-opacity=".14"/></pattern>
<pattern id="p-waves" width="20" height="10" patternUnits="userSpaceOnUse"><path d="M0 5 Q5 0 10 5 T20 5" fill="none" stroke="#23607f" stroke-opacity=".16"/></pattern>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#1d2430"/></marker>
</defs>"""


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…"


def render_4d_svg(
    entries: Sequence[FourDEntry],
    connections: Sequence[FourDConnection],
    *,
    centre_label: str | None = None,
) -> str:
    """Return the diagram as an SVG string with all patient text escaped."""
    labels = dict(Domain4D.choices)
    title = _("4D diagram: body, mind, social and societal")
    anchors: dict[int, tuple[float, float]] = {}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="fourd-title fourd-desc" class="chart chart-4d">',
        f'<title id="fourd-title">{escape(title)}</title>',
        f'<desc id="fourd-desc">{escape(_describe(entries, connections))}</desc>',
        PATTERNS,
    ]
    half_w, half_h = WIDTH / 2, HEIGHT / 2
    for quadrant in QUADRANTS:
        parts.append(
            f'<rect x="{quadrant.x + 6}" y="{quadrant.y + 6}" width="{half_w - 12}" '
            f'height="{half_h - 12}" rx="10" fill="url(#p-{quadrant.pattern})" '
            f'stroke="{quadrant.colour}" stroke-width="2"/>'
        )
        top = quadrant.y < CENTRE_Y
        left = quadrant.x < CENTRE_X
        # Text keeps clear of the centre; arrows leave from the quadrant's inner edge.
        text_x = quadrant.x + 24 if left else quadrant.x + 44
        anchor_x = quadrant.x + half_w - 20 if left else quadrant.x + 22
        title_y = quadrant.y + 40 if top else quadrant.y + half_h - 22
        parts.append(
            f'<text x="{text_x}" y="{title_y}" font-size="{TITLE_SIZE}" font-weight="700" '
            f'fill="{quadrant.colour}">{escape(str(labels[quadrant.domain]))}</text>'
        )
        in_domain = [entry for entry in entries if entry.domain == quadrant.domain]
        first_line = quadrant.y + 78 if top else quadrant.y + 42
        for index, entry in enumerate(in_domain[:MAX_LINES]):
            y = first_line + index * LINE_HEIGHT
            helps = entry.kind == EntryKind.HELPS
            marker = "+" if helps else "•"
            style = ' font-style="italic"' if helps else ""
            parts.append(
                f'<text x="{text_x}" y="{y}" font-size="{ENTRY_SIZE}" fill="#1d2430"{style}>'
                f"<title>{escape(entry.text)}</title>{marker} {escape(_short(entry.text))}</text>"
            )
            anchors[entry.pk] = (anchor_x, y - 7)
        hidden = len(in_domain) - MAX_LINES
        if hidden > 0:
            y = first_line + MAX_LINES * LINE_HEIGHT
            more = _("and %(count)d more") % {"count": hidden}
            parts.append(
                f'<text x="{text_x}" y="{y}" font-size="18" fill="#4a5566">{escape(more)}</text>'
            )
    for connection in connections:
        start, end = anchors.get(connection.cause_id), anchors.get(connection.effect_id)
        if start and end:
            parts.append(_arrow(start, end))
    label = centre_label if centre_label is not None else _("Patient")
    parts.append(
        f'<circle cx="{CENTRE_X}" cy="{CENTRE_Y}" r="46" fill="#ffffff" stroke="#1d2430" stroke-width="3"/>'
        f'<text x="{CENTRE_X}" y="{CENTRE_Y + 6}" font-size="18" font-weight="700" '
        f'text-anchor="middle" fill="#1d2430">{escape(label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _arrow(start: tuple[float, float], end: tuple[float, float]) -> str:
    """A curved arrow: bent away from the straight line, so it passes around the
    patient in the middle instead of through them."""
    (x1, y1), (x2, y2) = start, end
    mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
    length = max(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5, 1)
    normal_x, normal_y = -(y2 - y1) / length, (x2 - x1) / length
    # Bend towards the side away from the centre.
    if (mid_x + normal_x - CENTRE_X) ** 2 + (mid_y + normal_y - CENTRE_Y) ** 2 < (
        mid_x - CENTRE_X
    ) ** 2 + (mid_y - CENTRE_Y) ** 2:
        normal_x, normal_y = -normal_x, -normal_y
    bend = 70
    control_x, control_y = mid_x + normal_x * bend, mid_y + normal_y * bend
    return (
        f'<path d="M{x1:.0f} {y1:.0f} Q{control_x:.0f} {control_y:.0f} {x2:.0f} {y2:.0f}" '
        f'fill="none" stroke="#1d2430" stroke-width="3" stroke-dasharray="8 5" '
        f'marker-end="url(#arrow)"/>'
    )


def _describe(entries: Sequence[FourDEntry], connections: Sequence[FourDConnection]) -> str:
    by_id = {entry.pk: entry for entry in entries}
    links = [
        f"{by_id[c.cause_id].text} → {by_id[c.effect_id].text}"
        for c in connections
        if c.cause_id in by_id and c.effect_id in by_id
    ]
    if not links:
        return _("No connections drawn yet.")
    return _("Connections: %(links)s") % {"links": "; ".join(links)}
