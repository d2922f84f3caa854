"""Where the 4D diagram's arrows run: from the edge of the cause's box to the edge of
the effect's box, around the patient in the middle and, where it can, around the other
entries. A small search over a few curve shapes, scored by length and by what they
cross. Deterministic: the same diagram is always drawn the same way.

The arrowhead is a polygon computed from the path's end tangent, not an SVG marker:
WeasyPrint draws `orient="auto"` markers pointing the wrong way."""

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from math import cos, hypot, pi, sin

Point = tuple[float, float]
Cubic = tuple[Point, Point, Point, Point]

GAP = 3  # between a box's edge and the arrow's start or its arrowhead's tip
HEAD_LENGTH = 14
HEAD_HALF_WIDTH = 7
CLEARANCE = 8  # the path keeps at least this far from the centre circle
RING = 24  # how far outside the circle a path may go around it
HANDLES = (24, 60, 120)
SAMPLES = 20
HIT_PENALTY = 600
REUSE_PENALTY = 60


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, point: Point) -> bool:
        px, py = point
        return self.x <= px <= self.right and self.y <= py <= self.bottom

    def overlaps(self, other: "Box") -> bool:
        return not (
            other.x > self.right
            or other.right < self.x
            or other.y > self.bottom
            or other.bottom < self.y
        )

    def anchors(self) -> Iterator["Anchor"]:
        """Where an arrow may touch the box: the middle of the left and right sides,
        and three points along the top and the bottom."""
        mid_y = self.y + self.h / 2
        yield Anchor("left", (self.x, mid_y), (-1.0, 0.0))
        yield Anchor("right", (self.right, mid_y), (1.0, 0.0))
        for share in (0.25, 0.5, 0.75):
            x = self.x + self.w * share
            yield Anchor(f"top{share}", (x, self.y), (0.0, -1.0))
            yield Anchor(f"bottom{share}", (x, self.bottom), (0.0, 1.0))


@dataclass(frozen=True)
class Anchor:
    side: str
    point: Point
    normal: Point  # outward, unit length


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class Arrow:
    segments: tuple[Cubic, ...]
    head: tuple[Point, Point, Point]  # the tip first, then the two corners of its base

    @property
    def path_data(self) -> str:
        start = self.segments[0][0]
        parts = [f"M{_num(start)}"]
        for _, c1, c2, end in self.segments:
            parts.append(f"C{_num(c1)} {_num(c2)} {_num(end)}")
        return " ".join(parts)

    @property
    def head_points(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.head)


def route(
    cause: Box,
    effect: Box,
    *,
    obstacles: Sequence[Box],
    avoid: Circle,
    bounds: Box,
    used: Counter[tuple[Box, str]],
) -> Arrow | None:
    """The best arrow from `cause` to `effect`, or None when no shape keeps out of the
    circle and inside `bounds`. `used` counts the anchors taken by earlier arrows, so
    two arrows do not share an end; this arrow's anchors are added to it."""
    pairs = [(start, end) for start in cause.anchors() for end in effect.anchors()]
    best: tuple[float, Arrow, Anchor, Anchor] | None = None
    for shapes in (_direct, _around):
        candidates = []
        for start, end in pairs:
            reuse = REUSE_PENALTY * (used[(cause, start.side)] + used[(effect, end.side)])
            for arrow in shapes(start, end, avoid):
                ends = [segment[0] for segment in arrow.segments] + [arrow.segments[-1][3]]
                shortest = sum(_distance(a, b) for a, b in itertools.pairwise(ends))
                candidates.append((shortest + reuse, reuse, arrow, start, end))
        # A curve is no shorter than the straight lines between its ends, and crossing
        # a box only adds to the cost: stop once the cheapest left cannot win.
        for least, reuse, arrow, start, end in sorted(candidates, key=lambda c: c[0]):
            if best is not None and least >= best[0]:
                break
            points = [point for segment in arrow.segments for point in sample(segment)]
            length = _length_if_clear(points, avoid, bounds)
            if length is None or (best is not None and length + reuse >= best[0]):
                continue
            cost = length + reuse + HIT_PENALTY * _hits(points, obstacles)
            if best is None or cost < best[0]:
                best = (cost, arrow, start, end)
        if best is not None and best[0] < HIT_PENALTY:
            break
    if best is None:
        return None
    _, arrow, start, end = best
    used[(cause, start.side)] += 1
    used[(effect, end.side)] += 1
    return arrow


def _direct(start: Anchor, end: Anchor, avoid: Circle) -> Iterator[Arrow]:
    """One curve leaving the cause at a right angle and arriving at a right angle."""
    first, tip, last = _ends(start, end)
    for handle in HANDLES:
        c1 = _along(first, start.normal, handle)
        c2 = _along(last, end.normal, handle)
        yield Arrow(((first, c1, c2, last),), _head(tip, last))


def _around(start: Anchor, end: Anchor, avoid: Circle) -> Iterator[Arrow]:
    """Two curves through a point just outside the centre circle, passing it along
    its edge: for entries on opposite sides of the patient."""
    first, tip, last = _ends(start, end)
    radius = avoid.r + RING
    for step in range(8):
        angle = step * pi / 4
        via = (avoid.x + radius * cos(angle), avoid.y + radius * sin(angle))
        for turn in (1, -1):
            tangent = (-sin(angle) * turn, cos(angle) * turn)
            into, out = _distance(first, via) * 0.4, _distance(via, last) * 0.4
            c1 = _along(first, start.normal, min(60.0, into))
            c2 = _along(via, tangent, -into)
            c3 = _along(via, tangent, out)
            c4 = _along(last, end.normal, min(60.0, out))
            yield Arrow(((first, c1, c2, via), (via, c3, c4, last)), _head(tip, last))


def _ends(start: Anchor, end: Anchor) -> tuple[Point, Point, Point]:
    """The path's first point, the arrowhead's tip and the path's last point (the
    middle of the arrowhead's base)."""
    first = _along(start.point, start.normal, GAP)
    tip = _along(end.point, end.normal, GAP)
    last = _along(end.point, end.normal, GAP + HEAD_LENGTH)
    return first, tip, last


def _head(tip: Point, base: Point) -> tuple[Point, Point, Point]:
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    length = hypot(dx, dy) or 1.0
    across = (-dy / length * HEAD_HALF_WIDTH, dx / length * HEAD_HALF_WIDTH)
    return (
        tip,
        (base[0] + across[0], base[1] + across[1]),
        (base[0] - across[0], base[1] - across[1]),
    )


def _length_if_clear(points: Sequence[Point], avoid: Circle, bounds: Box) -> float | None:
    """The length of the path through `points`; None when it enters the circle or
    leaves the drawing."""
    length = 0.0
    previous = points[0]
    for point in points:
        if _distance(point, (avoid.x, avoid.y)) < avoid.r + CLEARANCE:
            return None
        if not bounds.contains(point):
            return None
        length += _distance(previous, point)
        previous = point
    return length


def _hits(points: Sequence[Point], obstacles: Sequence[Box]) -> int:
    """How many boxes the path through `points` runs through."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    hull = Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
    return sum(
        1
        for box in obstacles
        if box.overlaps(hull) and any(box.contains(point) for point in points)
    )


def sample(cubic: Cubic, count: int = SAMPLES) -> list[Point]:
    """`count` + 1 points along a cubic Bézier curve, both ends included."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = cubic
    points = []
    for index in range(count + 1):
        t = index / count
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        points.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return points


def _along(point: Point, direction: Point, distance: float) -> Point:
    return (point[0] + direction[0] * distance, point[1] + direction[1] * distance)


def _distance(a: Point, b: Point) -> float:
    return hypot(a[0] - b[0], a[1] - b[1])


def _num(point: Point) -> str:
    return f"{point[0]:.1f} {point[1]:.1f}"
