"""The EMBOSS conversation card as SVG: one tile per life domain with a pictogram and
a few words, and what the patient marked: goes well (a tick), worries (an exclamation
mark in a triangle), matters most (a star and a heavy border). Marks are shapes and
words, never colour alone. Presentation attributes only (CSP), every text escaped."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from textwrap import wrap

from django.utils.html import escape
from django.utils.translation import gettext as _

from emboss.domains import DOMAINS

COLUMNS = 4
TILE_W, TILE_H, GAP = 176, 184, 12
INK, MUTED = "#1d2430", "#4a5566"
WELL, WORRY = "#1e6b3a", "#8a4b00"


@dataclass(frozen=True)
class CardMarks:
    state: str = ""
    matters_most: bool = False


def _tile(x: float, y: float, domain_index: int, mark: CardMarks) -> list[str]:
    domain = DOMAINS[domain_index]
    border = "5" if mark.matters_most else "2"
    parts = [
        f'<rect x="{x}" y="{y}" width="{TILE_W}" height="{TILE_H}" rx="12" fill="#ffffff" '
        f'stroke="{INK}" stroke-width="{border}"/>',
        f'<g transform="translate({x + TILE_W / 2 - 24} {y + 12}) scale(1.2)">'
        f'<path d="{domain.icon}" fill="none" stroke="{INK}" stroke-width="2.2" '
        f'stroke-linejoin="round" stroke-linecap="round"/></g>',
    ]
    for number, line in enumerate(wrap(str(domain.label), width=16)[:2]):
        parts.append(
            f'<text x="{x + TILE_W / 2}" y="{y + 86 + number * 23}" font-size="19" '
            f'font-weight="700" text-anchor="middle" fill="{INK}">{escape(line)}</text>'
        )
    mark_y = y + 142
    if mark.state == "goed":
        parts.append(
            f'<circle cx="{x + 26}" cy="{mark_y}" r="12" fill="{WELL}"/>'
            f'<path d="M{x + 20} {mark_y} L{x + 25} {mark_y + 5} L{x + 33} {mark_y - 5}" '
            f'fill="none" stroke="#ffffff" stroke-width="3"/>'
            f'<text x="{x + 44}" y="{mark_y + 6}" font-size="17" fill="{WELL}">'
            f"{escape(_('goes well'))}</text>"
        )
    elif mark.state == "zorgen":
        parts.append(
            f'<path d="M{x + 26} {mark_y - 13} L{x + 39} {mark_y + 11} L{x + 13} {mark_y + 11} Z" '
            f'fill="{WORRY}"/>'
            f'<text x="{x + 26}" y="{mark_y + 8}" font-size="15" font-weight="700" '
            f'text-anchor="middle" fill="#ffffff">!</text>'
            f'<text x="{x + 44}" y="{mark_y + 6}" font-size="17" fill="{WORRY}">'
            f"{escape(_('worries'))}</text>"
        )
    if mark.matters_most:
        parts.append(
            f'<path d="M{x + TILE_W - 22} {y + 8} l4 11 h12 l-10 7 l4 12 l-10 -7 l-10 7 l4 -12 '
            f'l-10 -7 h12 z" fill="{INK}" class="matters-most"/>'
            f'<text x="{x + TILE_W / 2}" y="{y + TILE_H - 12}" font-size="15" '
            f'text-anchor="middle" fill="{INK}">{escape(_("matters most"))}</text>'
        )
    return parts


def render_card_svg(marks: Mapping[str, CardMarks], *, title: str | None = None) -> str:
    rows = (len(DOMAINS) + COLUMNS - 1) // COLUMNS
    width = COLUMNS * TILE_W + (COLUMNS + 1) * GAP
    height = rows * TILE_H + (rows + 1) * GAP
    heading = title or _("Conversation card")
    ident = f"card-{uuid.uuid4().hex[:8]}"  # the card from home and of now on one page
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="chart chart-card">',
        f'<title id="{ident}-title">{escape(heading)}</title>',
        f'<desc id="{ident}-desc">{escape(_describe(marks))}</desc>',
    ]
    for index, domain in enumerate(DOMAINS):
        row, column = divmod(index, COLUMNS)
        in_row = min(COLUMNS, len(DOMAINS) - row * COLUMNS)
        offset = (COLUMNS - in_row) * (TILE_W + GAP) / 2
        x = GAP + offset + column * (TILE_W + GAP)
        y = GAP + row * (TILE_H + GAP)
        parts.extend(_tile(x, y, index, marks.get(domain.key, CardMarks())))
    parts.append("</svg>")
    return "".join(parts)


def _describe(marks: Mapping[str, CardMarks]) -> str:
    said = []
    for domain in DOMAINS:
        mark = marks.get(domain.key, CardMarks())
        words = []
        if mark.state == "goed":
            words.append(_("goes well"))
        elif mark.state == "zorgen":
            words.append(_("worries"))
        if mark.matters_most:
            words.append(_("matters most"))
        if words:
            said.append(f"{domain.label}: {', '.join(str(w) for w in words)}")
    return "; ".join(said) or _("Nothing marked yet.")
