"""The KOP-schema as a picture a patient can follow: the circumstances (O) and the
personal style (P) on the left, together leading to the complaints (K) on the right:
K = O + P. Drawn on the server as SVG, presentation attributes only (CSP), every
text escaped. The same SVG serves the workspace, the look-along view and the print."""

from collections.abc import Sequence
from textwrap import wrap

from django.utils.html import escape
from django.utils.translation import gettext as _

from kop.models import Circumstance, Complaint, StyleItem

WIDTH = 760
LEFT_X, LEFT_W = 16, 330
RIGHT_X, RIGHT_W = 470, 274
LINE = 24
FONT = 18
CHARS = 30  # characters per line at FONT in a column of LEFT_W
HEAD = 44
GAP = 40
INK, MUTED = "#1d2430", "#4a5566"
O_COLOUR, P_COLOUR, K_COLOUR = "#a4501f", "#5b4a9a", "#23607f"


def _lines(marker: str, text: str, width: int) -> list[str]:
    wrapped = wrap(text, width=width - 2) or [""]
    return [f"{marker} {wrapped[0]}", *(f"  {line}" for line in wrapped[1:])]


def _box(
    x: float, y: float, w: float, title: str, items: list[tuple[str, str, bool]], colour: str
) -> tuple[list[str], float]:
    """A titled box with one item per row group; returns its parts and its height.
    Items are (marker, text, emphasised)."""
    chars = int(CHARS * w / LEFT_W)
    rows: list[tuple[str, bool]] = []
    for marker, text, emphasised in items:
        rows.extend((line, emphasised) for line in _lines(marker, text, chars))
    if not rows:
        rows = [(_("(nothing yet)"), False)]
    height = HEAD + len(rows) * LINE + 14
    parts = [
        f'<rect x="{x}" y="{y}" width="{w}" height="{height}" rx="10" fill="#ffffff" '
        f'stroke="{colour}" stroke-width="3"/>',
        f'<text x="{x + 14}" y="{y + 30}" font-size="21" font-weight="700" fill="{colour}">'
        f"{escape(title)}</text>",
    ]
    for index, (line, emphasised) in enumerate(rows):
        style = ' font-style="italic"' if emphasised else ""
        parts.append(
            f'<text x="{x + 14}" y="{y + HEAD + 16 + index * LINE}" font-size="{FONT}" '
            f'fill="{INK}"{style} xml:space="preserve">{escape(line)}</text>'
        )
    return parts, height


def render_kop_svg(
    complaints: Sequence[Complaint],
    circumstances: Sequence[Circumstance],
    style: Sequence[StyleItem],
) -> str:
    o_items = [("+" if c.positive else "•", c.text, c.positive) for c in circumstances]
    p_items = [("+" if s.helps else "•", s.text, s.helps) for s in style]
    k_items = [
        (
            "•",
            c.text + (f" ({c.severity}/10)" if c.severity else ""),
            False,
        )
        for c in complaints
    ]
    top = 56
    o_parts, o_height = _box(LEFT_X, top, LEFT_W, _("O: circumstances"), o_items, O_COLOUR)
    plus_y = top + o_height + GAP / 2 + 12
    p_top = top + o_height + GAP
    p_parts, p_height = _box(LEFT_X, p_top, LEFT_W, _("P: personal style"), p_items, P_COLOUR)
    left_bottom = p_top + p_height
    k_parts, k_height = _box(RIGHT_X, top, RIGHT_W, _("K: complaints"), k_items, K_COLOUR)
    height = max(left_bottom, top + k_height) + 44
    # The arrow leaves the middle of the O + P group and ends at the complaints box.
    start_x, start_y = LEFT_X + LEFT_W + 8, (top + left_bottom) / 2
    end_x, end_y = RIGHT_X - 6, top + min(k_height, left_bottom - top) / 2
    title = _("KOP-schema: circumstances and personal style together lead to the complaints")
    formula = _("K = O + P")
    legend = _("• burdens or falls short   + helps or supports")
    leads_to = _("leads to")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-labelledby="kop-title kop-desc" class="chart chart-kop">',
        f'<title id="kop-title">{escape(title)}</title>',
        f'<desc id="kop-desc">{escape(_describe(complaints, circumstances, style))}</desc>',
        f'<text x="{WIDTH / 2}" y="32" font-size="24" font-weight="700" text-anchor="middle" '
        f'fill="{INK}">{escape(formula)}</text>',
        *o_parts,
        f'<text x="{LEFT_X + LEFT_W / 2}" y="{plus_y:.0f}" font-size="34" font-weight="700" '
        f'text-anchor="middle" fill="{INK}">+</text>',
        *p_parts,
        *k_parts,
        f'<path d="M{start_x:.0f} {start_y:.0f} C{start_x + 60:.0f} {start_y:.0f} '
        f'{end_x - 60:.0f} {end_y:.0f} {end_x - 14:.0f} {end_y:.0f}" fill="none" '
        f'stroke="{INK}" stroke-width="4"/>',
        f'<polygon points="{end_x:.0f},{end_y:.0f} {end_x - 18:.0f},{end_y - 10:.0f} '
        f'{end_x - 18:.0f},{end_y + 10:.0f}" fill="{INK}" class="arrowhead"/>',
        f'<text x="{(start_x + end_x) / 2:.0f}" y="{min(start_y, end_y) - 16:.0f}" '
        f'font-size="17" text-anchor="middle" fill="{MUTED}">{escape(leads_to)}</text>',
        f'<text x="{LEFT_X}" y="{height - 14:.0f}" font-size="15" fill="{MUTED}">'
        f"{escape(legend)}</text>",
        "</svg>",
    ]
    return "".join(parts)


def _describe(
    complaints: Sequence[Complaint],
    circumstances: Sequence[Circumstance],
    style: Sequence[StyleItem],
) -> str:
    def listed(items: Sequence[object]) -> str:
        return "; ".join(str(item) for item in items) or "—"

    return _("Circumstances: %(o)s. Personal style: %(p)s. Together they lead to: %(k)s.") % {
        "o": listed(circumstances),
        "p": listed(style),
        "k": listed(complaints),
    }
