"""The 4D diagram's SVG read back with xml.etree, as a person would read the drawing:
which box each arrow leaves, which box its arrowhead points at, and whether anything
runs into the patient in the middle. Used by the unit tests and the browser test."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from math import hypot

SVG = "{http://www.w3.org/2000/svg}"
Point = tuple[float, float]
Cubic = tuple[Point, Point, Point, Point]
NEAR = 4.0  # an arrow's end is "at" a box when it is this close to the box's edge
ALIGNED = 0.99  # cosine: the arrowhead points along the path's last direction


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    def gap(self, point: Point) -> float:
        """How far `point` is outside the box; negative when inside (the distance to
        the nearest edge)."""
        px, py = point
        dx = max(self.x - px, 0.0, px - (self.x + self.w))
        dy = max(self.y - py, 0.0, py - (self.y + self.h))
        if dx or dy:
            return hypot(dx, dy)
        return -min(px - self.x, self.x + self.w - px, py - self.y, self.y + self.h - py)

    def corners(self) -> list[Point]:
        return [
            (self.x, self.y),
            (self.x + self.w, self.y),
            (self.x, self.y + self.h),
            (self.x + self.w, self.y + self.h),
        ]


@dataclass(frozen=True)
class Arrow:
    cause: str
    effect: str
    segments: list[Cubic]
    head: list[Point]

    @property
    def start(self) -> Point:
        return self.segments[0][0]

    @property
    def end(self) -> Point:
        return self.segments[-1][3]

    @property
    def tip(self) -> Point:
        """The arrowhead's point: its corner farthest from where the path ends."""
        return max(self.head, key=lambda p: hypot(p[0] - self.end[0], p[1] - self.end[1]))

    def end_direction(self) -> Point:
        """The path's direction where it ends (the last control point to the end)."""
        _, c1, c2, end = self.segments[-1]
        before = c2 if c2 != end else c1
        return _unit((end[0] - before[0], end[1] - before[1]))

    def points(self, per_segment: int = 200) -> list[Point]:
        return [p for segment in self.segments for p in _sample(segment, per_segment)]


@dataclass(frozen=True)
class Entry:
    rect: Rect
    lines: list[str]
    baselines: list[float]
    size: float


@dataclass(frozen=True)
class Drawing:
    entries: dict[str, Entry]  # by the entry's public id
    arrows: list[Arrow]
    centre: tuple[float, float, float]  # x, y, radius
    centre_lines: list[str]
    centre_size: float
    more: list[str]  # the "and N more" lines
    root: ET.Element


def read(svg: str) -> Drawing:
    root = ET.fromstring(svg)
    entries, arrows = {}, []
    centre: tuple[float, float, float] | None = None
    centre_lines: list[str] = []
    centre_size = 0.0
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class", "").split()
        if "entry" in kind:
            rect = group.find(f"{SVG}rect")
            assert rect is not None
            text = group.find(f"{SVG}text")
            assert text is not None, "an entry without its text"
            spans = text.findall(f"{SVG}tspan")[1:]  # the first is the • or +
            entries[group.get("data-entry", "")] = Entry(
                Rect(*(float(rect.get(a, "0")) for a in ("x", "y", "width", "height"))),
                [span.text or "" for span in spans],
                [float(span.get("y", "0")) for span in spans],
                float(text.get("font-size", "0")),
            )
        elif "connection" in kind:
            path = group.find(f"{SVG}path[@class='link']")
            head = group.find(f"{SVG}polygon")
            assert path is not None, "a connection without its path"
            assert head is not None, "a connection without its arrowhead"
            arrows.append(
                Arrow(
                    group.get("data-cause", ""),
                    group.get("data-effect", ""),
                    path_segments(path.get("d", "")),
                    [_point(pair) for pair in head.get("points", "").split()],
                )
            )
        elif "centre" in kind:
            circle = group.find(f"{SVG}circle")
            text = group.find(f"{SVG}text")
            assert circle is not None, "no centre circle"
            assert text is not None, "no name in the centre circle"
            centre = tuple(float(circle.get(a, "0")) for a in ("cx", "cy", "r"))  # type: ignore[assignment]
            centre_lines = [span.text or "" for span in text.findall(f"{SVG}tspan")]
            centre_size = float(text.get("font-size", "0"))
    more = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "more"]
    assert centre is not None, "the diagram has no centre circle"
    return Drawing(entries, arrows, centre, centre_lines, centre_size, more, root)


def path_segments(d: str) -> list[Cubic]:
    """The cubic segments of a path written as `M x y C x y x y x y C …`."""
    tokens = re.findall(r"[MC]|-?\d+(?:\.\d+)?", d)
    assert tokens[:1] == ["M"], f"a path should start with M: {d!r}"
    current = (float(tokens[1]), float(tokens[2]))
    segments: list[Cubic] = []
    index = 3
    while index < len(tokens):
        assert tokens[index] == "C", f"only cubic curves expected: {d!r}"
        values = [float(v) for v in tokens[index + 1 : index + 7]]
        c1, c2, end = (values[0], values[1]), (values[2], values[3]), (values[4], values[5])
        segments.append((current, c1, c2, end))
        current = end
        index += 7
    return segments


def arrow_problems(drawing: Drawing) -> list[str]:
    """Everything about the arrows that would make the drawing say something else than
    was recorded; empty when each arrow leaves its cause and points at its effect."""
    problems = []
    cx, cy, radius = drawing.centre
    for arrow in drawing.arrows:
        name = f"{arrow.cause[:8]}→{arrow.effect[:8]}"
        cause, effect = drawing.entries[arrow.cause].rect, drawing.entries[arrow.effect].rect
        if not -1 <= cause.gap(arrow.start) <= NEAR:
            problems.append(f"{name}: starts {cause.gap(arrow.start):.1f} from its cause")
        if not -1 <= effect.gap(arrow.tip) <= NEAR:
            problems.append(f"{name}: its tip is {effect.gap(arrow.tip):.1f} from its effect")
        if effect.gap(arrow.start) <= NEAR:
            problems.append(f"{name}: starts at its effect")
        if effect.gap(arrow.end) <= effect.gap(arrow.tip):
            problems.append(f"{name}: the arrowhead points away from its effect")
        pointing = _unit((arrow.tip[0] - arrow.end[0], arrow.tip[1] - arrow.end[1]))
        along = pointing[0] * arrow.end_direction()[0] + pointing[1] * arrow.end_direction()[1]
        if along < ALIGNED:
            problems.append(f"{name}: the arrowhead is turned from the path ({along:.2f})")
        inside = [p for p in [*arrow.points(), *arrow.head] if hypot(p[0] - cx, p[1] - cy) < radius]
        if inside:
            problems.append(f"{name}: runs into the centre circle at {inside[0]}")
    return problems


def _sample(cubic: Cubic, count: int) -> list[Point]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = cubic
    points = []
    for index in range(count + 1):
        t = index / count
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


def _point(pair: str) -> Point:
    x, y = pair.split(",")
    return float(x), float(y)


def _unit(vector: Point) -> Point:
    length = hypot(*vector) or 1.0
    return vector[0] / length, vector[1] / length
