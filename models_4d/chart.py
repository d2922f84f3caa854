"""The 4D diagram as SVG, drawn on the server: four quadrants around the patient,
the entries in each as boxes of wrapped text, and the connections as arrows from the
cause's box to the effect's box. The same SVG serves the workspace, the look-along view
and the printed plan. Presentation attributes only (no style attributes), so it passes
the Content Security Policy; no markers, so WeasyPrint draws the arrowheads as the
browser does."""

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from typing import Any, NamedTuple
from uuid import UUID

from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from models_4d.arrows import Box, Circle, _best_arrow, route
from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry
from models_4d.text_width import text_width, wrap

WIDTH = 760
HALF_WIDTH = WIDTH / 2
INSET = 6  # between the drawing's edge or the middle and a quadrant's frame
MIN_HALF_HEIGHT, MAX_HALF_HEIGHT = 250, 420
# Entries keep to a column on the outer side of their quadrant; the band between the
# columns is where the patient sits and the arrows run.
COLUMN_WIDTH = 290
COLUMNS = {True: 20, False: 450}  # by "left quadrant?": where the column starts
ENTRY_SIZES = (21, 18, 15)  # a long entry is set smaller rather than cut
MAX_CARD_LINES = 6  # at the larger sizes
LINE_SPACING = 1.24  # a line's height, in type sizes
BASELINE = 0.9  # from a line's top to its baseline, in type sizes
PAD_X, PAD_Y = 8, 5
MARKER_WIDTH = 25  # "• " or "+ " before the first line; later lines align after it
ENTRY_GAP = 10
TITLE_SIZE = 25
MORE_SIZE = 18
MORE_HEIGHT = 28
# Where the entries may go in a quadrant, from its top and from its bottom: below the
# domain's name in the top quadrants, above it in the bottom ones.
ROOM = {True: (58, 14), False: (18, 54)}  # by "top quadrant?": above and below
CENTRE_RADIUS = 48
CENTRE_SIZES = (18, 17, 16, 15, 14, 13, 12, 11)
CENTRE_MAX_LINES = 4
CENTRE_LINE_HEIGHT = 1.15
INK = "#1d2430"
MUTED = "#4a5566"


@dataclass(frozen=True)
class Quadrant:
    domain: str
    left: bool
    top: bool
    colour: str
    pattern: str


QUADRANTS = (
    Quadrant(Domain4D.LICHAAM, True, True, "#2f6f4f", "dots"),
    Quadrant(Domain4D.GEEST, False, True, "#5b4a9a", "lines"),
    Quadrant(Domain4D.SOCIAAL, True, False, "#a4501f", "cross"),
    Quadrant(Domain4D.MAATSCHAPPELIJK, False, False, "#23607f", "waves"),
)

# Pattern colours are the domain colours already blended with white: WeasyPrint
# ignores opacity inside patterns and printed them dark.
PATTERNS = """<defs>
<pattern id="p-dots" width="14" height="14" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.4" fill="#d2e0d8"/></pattern>
<pattern id="p-lines" width="12" height="12" patternUnits="userSpaceOnUse"><path d="M0 12 L12 0" stroke="#e5e2ef" stroke-width="1.5"/></pattern>
<pattern id="p-cross" width="14" height="14" patternUnits="userSpaceOnUse"><path d="M0 7 H14 M7 0 V14" stroke="#f2e7e0"/></pattern>
<pattern id="p-waves" width="20" height="10" patternUnits="userSpaceOnUse"><path d="M0 5 Q5 0 10 5 T20 5" fill="none" stroke="#dce6eb"/></pattern>
</defs>"""


@dataclass(frozen=True)
class Setting:
    """An entry's text as set: its type size and its lines."""

    size: int
    lines: list[str]

    @property
    def line_height(self) -> float:
        return self.size * LINE_SPACING

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height + 2 * PAD_Y

    @property
    def width(self) -> float:
        return 2 * PAD_X + MARKER_WIDTH + max(text_width(line, self.size) for line in self.lines)


@dataclass(frozen=True)
class Card:
    """An entry as drawn: its text and the box around it."""

    entry: FourDEntry
    setting: Setting
    box: Box


@dataclass(frozen=True)
class Placed:
    """A quadrant as drawn: its frame, its title, the cards that fit and how many did not."""

    quadrant: Quadrant
    frame: Box
    title: Box
    cards: list[Card]
    hidden: int
    more: Box | None


class _Entry(NamedTuple):
    """What the diagram reads of an entry."""

    pk: int
    public_id: UUID
    domain: str
    kind: str
    text: str


class _Link(NamedTuple):
    cause_id: int
    effect_id: int


def render_4d_svg(
    entries: Sequence[FourDEntry],
    connections: Sequence[FourDConnection],
    *,
    centre_label: str | None = None,
) -> str:
    """Return the diagram as an SVG string with all patient text escaped.

    The same diagram is drawn on every step and save of a consult; what it reads of
    the entries and connections is the key of a small memory of drawn diagrams."""
    return _remembered_drawing(
        tuple(_Entry(e.pk, e.public_id, e.domain, e.kind, e.text) for e in entries),
        tuple(_Link(c.cause_id, c.effect_id) for c in connections),
        centre_label,
        get_language(),
    )


@functools.lru_cache(maxsize=128)
def _remembered_drawing(
    entries: tuple[_Entry, ...],
    connections: tuple[_Link, ...],
    centre_label: str | None,
    _language: str | None,
) -> str:
    return _draw(entries, connections, centre_label=centre_label)


def forget_drawings() -> None:
    """Forget the drawn diagrams and the arrows' routes (for measuring a first drawing)."""
    _remembered_drawing.cache_clear()
    _best_arrow.cache_clear()


def _draw(
    entries: Sequence[Any],
    connections: Sequence[Any],
    *,
    centre_label: str | None = None,
) -> str:
    shown_ids = {entry.pk for entry in entries}
    links = [c for c in connections if c.cause_id in shown_ids and c.effect_id in shown_ids]
    linked = {c.cause_id for c in links} | {c.effect_id for c in links}
    top_height, bottom_height = (
        _row_height([e for e in entries if e.domain in row], top=top)
        for row, top in (
            ((Domain4D.LICHAAM, Domain4D.GEEST), True),
            ((Domain4D.SOCIAAL, Domain4D.MAATSCHAPPELIJK), False),
        )
    )
    height = top_height + bottom_height
    centre = Circle(HALF_WIDTH, top_height, CENTRE_RADIUS)
    placed = [
        _place(
            quadrant,
            [e for e in entries if e.domain == quadrant.domain],
            linked,
            y=0 if quadrant.top else top_height,
            height=top_height if quadrant.top else bottom_height,
        )
        for quadrant in QUADRANTS
    ]
    title = _("4D diagram: body, mind, social and societal")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="fourd-title fourd-desc" class="chart chart-4d">',
        f'<title id="fourd-title">{escape(title)}</title>',
        f'<desc id="fourd-desc">{escape(_describe(entries, links))}</desc>',
        PATTERNS,
    ]
    for quadrant in placed:
        parts.append(_quadrant_svg(quadrant))
    parts.append(_arrows_svg(placed, links, centre, height))
    parts.append(_centre_svg(centre, centre_label if centre_label is not None else _("Patient")))
    parts.append("</svg>")
    return "".join(parts)


def _set(entry: FourDEntry) -> Setting:
    """Wrap the entry's text to the column, at the largest size that keeps it to a few
    lines (the smallest size takes as many as it needs)."""
    room = COLUMN_WIDTH - 2 * PAD_X - MARKER_WIDTH
    for size in ENTRY_SIZES:
        lines = wrap(entry.text, room, size)
        if len(lines) <= MAX_CARD_LINES:
            break
    return Setting(size, lines)


def _stack_height(heights: Sequence[float]) -> float:
    return sum(heights) + ENTRY_GAP * max(len(heights) - 1, 0)


def _row_height(entries: Sequence[FourDEntry], *, top: bool) -> float:
    """The height a row of two quadrants needs for all its entries, within limits."""
    room_top, room_bottom = ROOM[top]
    needed = max(
        (
            _stack_height([_set(e).height for e in entries if e.domain == domain])
            for domain in {e.domain for e in entries}
        ),
        default=0,
    )
    return min(max(needed + room_top + room_bottom, MIN_HALF_HEIGHT), MAX_HALF_HEIGHT)


def _place(
    quadrant: Quadrant,
    entries: Sequence[FourDEntry],
    linked: set[int],
    *,
    y: float,
    height: float,
) -> Placed:
    """Stack the quadrant's entries as cards. When not all fit, the ones that are
    connected go first and a line says how many more there are."""
    x = COLUMNS[quadrant.left]
    left_edge = 0 if quadrant.left else HALF_WIDTH
    frame = Box(left_edge + INSET, y + INSET, HALF_WIDTH - 2 * INSET, height - 2 * INSET)
    label = str(dict(Domain4D.choices)[quadrant.domain])
    title_baseline = y + 40 if quadrant.top else y + height - 22
    title = Box(
        x,
        title_baseline - 0.8 * TITLE_SIZE,
        text_width(label, TITLE_SIZE, bold=True),
        TITLE_SIZE * 1.05,
    )
    room_top, room_bottom = ROOM[quadrant.top]
    room = height - room_top - room_bottom
    settings = {entry.pk: _set(entry) for entry in entries}
    heights = {pk: setting.height for pk, setting in settings.items()}
    shown = {entry.pk for entry in entries}
    if _stack_height(list(heights.values())) > room:
        shown = set()
        for entry in sorted(entries, key=lambda e: e.pk not in linked):
            if _stack_height([*(heights[pk] for pk in shown), heights[entry.pk]]) <= (
                room - MORE_HEIGHT
            ):
                shown.add(entry.pk)
    cards = []
    top = y + room_top
    for entry in entries:
        if entry.pk not in shown:
            continue
        setting = settings[entry.pk]
        box = Box(x, top, min(setting.width, COLUMN_WIDTH), setting.height)
        cards.append(Card(entry, setting, box))
        top += setting.height + ENTRY_GAP
    hidden = len(entries) - len(cards)
    more = Box(x, top, COLUMN_WIDTH, MORE_HEIGHT - ENTRY_GAP) if hidden else None
    return Placed(quadrant, frame, title, cards, hidden, more)


def _quadrant_svg(placed: Placed) -> str:
    quadrant, frame, title = placed.quadrant, placed.frame, placed.title
    label = str(dict(Domain4D.choices)[quadrant.domain])
    parts = [
        f'<rect x="{frame.x}" y="{frame.y}" width="{frame.w}" height="{frame.h}" rx="10" '
        f'fill="url(#p-{quadrant.pattern})" stroke="{quadrant.colour}" stroke-width="2"/>',
        f'<text x="{title.x}" y="{title.y + 0.8 * TITLE_SIZE:.1f}" font-size="{TITLE_SIZE}" '
        f'font-weight="700" fill="{quadrant.colour}">{escape(label)}</text>',
    ]
    for card in placed.cards:
        parts.append(_card_svg(card, quadrant.colour))
    if placed.more is not None:
        more = _("and %(count)d more") % {"count": placed.hidden}
        parts.append(
            f'<text class="more" x="{placed.more.x}" y="{placed.more.y + MORE_SIZE:.1f}" '
            f'font-size="{MORE_SIZE}" fill="{MUTED}">{escape(more)}</text>'
        )
    return "".join(parts)


def _card_svg(card: Card, colour: str) -> str:
    box, setting = card.box, card.setting
    helps = card.entry.kind == EntryKind.HELPS
    marker = "+" if helps else "•"
    style = ' font-style="italic"' if helps else ""
    text_x = box.x + PAD_X + MARKER_WIDTH
    first_baseline = box.y + PAD_Y + BASELINE * setting.size
    spans = [f'<tspan x="{box.x + PAD_X}" y="{first_baseline:.1f}">{marker}</tspan>']
    for index, line in enumerate(setting.lines):
        y = first_baseline + index * setting.line_height
        spans.append(f'<tspan x="{text_x}" y="{y:.1f}">{escape(line)}</tspan>')
    return (
        f'<g class="entry entry-{card.entry.kind}" data-entry="{card.entry.public_id}">'
        f'<rect x="{box.x}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="6" '
        f'fill="#ffffff" fill-opacity=".92" stroke="{colour}" stroke-opacity=".55"/>'
        f'<text font-size="{setting.size}" fill="{INK}"{style}>{"".join(spans)}</text></g>'
    )


def _arrows_svg(
    placed: Sequence[Placed],
    connections: Sequence[FourDConnection],
    centre: Circle,
    height: float,
) -> str:
    boxes = {card.entry.pk: card.box for quadrant in placed for card in quadrant.cards}
    by_pk = {card.entry.pk: card.entry for quadrant in placed for card in quadrant.cards}
    obstacles = [
        *boxes.values(),
        *(quadrant.title for quadrant in placed),
        *(quadrant.more for quadrant in placed if quadrant.more is not None),
    ]
    bounds = Box(2, 2, WIDTH - 4, height - 4)
    used: Counter[tuple[Box, str]] = Counter()
    parts = []
    for connection in connections:
        cause, effect = boxes.get(connection.cause_id), boxes.get(connection.effect_id)
        if cause is None or effect is None:
            continue
        arrow = route(cause, effect, obstacles=obstacles, avoid=centre, bounds=bounds, used=used)
        if arrow is None:
            continue
        parts.append(
            f'<g class="connection" data-cause="{by_pk[connection.cause_id].public_id}" '
            f'data-effect="{by_pk[connection.effect_id].public_id}">'
            f'<path d="{arrow.path_data}" fill="none" stroke="#ffffff" stroke-width="8" '
            f'stroke-opacity=".85" stroke-linecap="round"/>'
            f'<path class="link" d="{arrow.path_data}" fill="none" stroke="{INK}" '
            f'stroke-width="3"/>'
            f'<polygon class="arrowhead" points="{arrow.head_points}" fill="{INK}"/></g>'
        )
    return "".join(parts)


def _centre_svg(centre: Circle, label: str) -> str:
    size, lines = _fit_in_circle(label, centre.r - 5)
    line_height = size * CENTRE_LINE_HEIGHT
    first = centre.y - (len(lines) - 1) * line_height / 2 + 0.35 * size
    spans = "".join(
        f'<tspan x="{centre.x}" y="{first + index * line_height:.1f}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return (
        f'<g class="centre"><circle cx="{centre.x}" cy="{centre.y}" r="{centre.r}" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="3"/>'
        f'<text font-size="{size}" font-weight="700" text-anchor="middle" fill="{INK}">'
        f"{spans}</text></g>"
    )


def _fit_in_circle(label: str, radius: float) -> tuple[int, list[str]]:
    """The largest type size, and the lines, that put `label` inside a circle of
    `radius`: one line if it can, up to four, breaking a word only when no size fits it
    whole. A name too long even then ends in "…"."""
    for break_words in (False, True):
        for size in CENTRE_SIZES:
            for count in range(1, CENTRE_MAX_LINES + 1):
                widths = _line_widths(radius, count, size)
                lines = wrap(label, widths, size, bold=True, break_words=break_words)
                if len(lines) <= count and _fits(lines, radius, size):
                    return size, lines
    size = CENTRE_SIZES[-1]
    widths = _line_widths(radius, CENTRE_MAX_LINES, size)
    lines = wrap(label, widths, size, bold=True)[:CENTRE_MAX_LINES]
    last = lines[-1]
    while last and text_width(last + "…", size, bold=True) > widths[-1]:
        last = last[:-1]
    return size, [*lines[:-1], last.rstrip("-") + "…"]


def _fits(lines: Sequence[str], radius: float, size: float) -> bool:
    widths = _line_widths(radius, len(lines), size)
    return all(
        text_width(line, size, bold=True) <= width
        for line, width in zip(lines, widths, strict=True)
    )


def _line_widths(radius: float, count: int, size: float) -> list[float]:
    """How wide each of `count` lines centred in a circle can be: the circle's width
    at the line's edge farthest from the middle."""
    line_height = size * CENTRE_LINE_HEIGHT
    widths = []
    for index in range(count):
        top = (index - count / 2) * line_height
        farthest = max(abs(top), abs(top + line_height))
        widths.append(2 * sqrt(max(radius**2 - farthest**2, 0)))
    return widths


def _describe(entries: Sequence[FourDEntry], connections: Sequence[FourDConnection]) -> str:
    """What the diagram shows, in words: the entries per domain, then the connections."""
    sentences = []
    for domain, label in Domain4D.choices:
        parts = []
        for kind, template in (
            (EntryKind.PLAYS, _("plays: %(items)s")),
            (EntryKind.HELPS, _("helps: %(items)s")),
        ):
            texts = [e.text for e in entries if e.domain == domain and e.kind == kind]
            if texts:
                parts.append(template % {"items": "; ".join(texts)})
        if parts:
            sentences.append(f"{label}: {'. '.join(parts)}.")
    by_id = {entry.pk: entry for entry in entries}
    links = [f"{by_id[c.cause_id].text} → {by_id[c.effect_id].text}" for c in connections]
    if links:
        sentences.append(_("Connections: %(links)s") % {"links": "; ".join(links)})
    else:
        sentences.append(_("No connections drawn yet."))
    return " ".join(sentences)
