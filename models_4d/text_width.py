"""How wide a line of SVG text will be, estimated without the font: the SVG is drawn on
the server and shown by browsers and WeasyPrint alike. The widths are those of DejaVu
Sans (WeasyPrint's sans-serif here, and among the widest sans-serif fonts), rounded up,
so text that fits by this estimate fits in narrower system fonts too."""

import re
from collections.abc import Sequence

EM_WIDTHS = {
    **dict.fromkeys(" .,:;!'|iljIJïíìî", 0.34),
    **dict.fromkeys('frt()[]{}/-"', 0.46),
    **dict.fromkeys("ABCDGHKNOQRUVXZÄÖÜÅ", 0.79),
    **dict.fromkeys("mwMW@%&—…", 1.0),
    "+": 0.84,
    "→": 0.84,
    "•": 0.6,
}
LATIN_EM_WIDTH = 0.64  # other letters, digits and signs of Latin scripts
OTHER_EM_WIDTH = 1.0  # anything else: assume a wide glyph
BOLD_FACTOR = 1.15
LAST_LATIN = 0x24F
AFTER_HYPHEN = re.compile(r"(?<=-)(?=.)")


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    ems = sum(
        EM_WIDTHS.get(char, LATIN_EM_WIDTH if ord(char) <= LAST_LATIN else OTHER_EM_WIDTH)
        for char in text
    )
    return ems * size * (BOLD_FACTOR if bold else 1.0)


def wrap(
    text: str,
    max_width: float | Sequence[float],
    size: float,
    *,
    bold: bool = False,
    break_words: bool = True,
) -> list[str]:
    """Break `text` into lines no wider than `max_width` (or, given a sequence, than
    its n-th width for the n-th line and its last for the rest): between words, or
    after a hyphen. A word longer than a line is broken with a hyphen, or with
    `break_words=False` left whole on a line of its own."""
    widths = [max_width] if isinstance(max_width, float | int) else list(max_width)
    lines: list[str] = []

    def room() -> float:
        return widths[min(len(lines), len(widths) - 1)]

    line = ""
    for word in text.split():
        for index, piece in enumerate(AFTER_HYPHEN.split(word)):
            joined = f"{line} {piece}" if index == 0 else line + piece
            candidate = joined if line else piece
            if text_width(candidate, size, bold=bold) <= room():
                line = candidate
                continue
            if line:
                lines.append(line)
            while break_words and text_width(piece, size, bold=bold) > room():
                cut = _longest_fitting_prefix(piece, room(), size, bold=bold)
                lines.append(piece[:cut] + "-")
                piece = piece[cut:]
            line = piece
    lines.append(line)
    return lines


def _longest_fitting_prefix(word: str, max_width: float, size: float, *, bold: bool) -> int:
    """How many characters of `word`, followed by a hyphen, fit (at least one)."""
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1] + "-", size, bold=bold) <= max_width:
        cut += 1
    return cut
