"""Where the 4D diagram's arrows run: from the edge of the cause's box to the edge of
the effect's box, around the patient in the middle and, where it can, around the other
entries. A small search over a few curve shapes, scored by length and by what they
cross. Deterministic: the same diagram is always drawn the same way.

The arrowhead is a polygon computed from the path's end tangent, not an SVG marker:
WeasyPrint draws `orient="auto"` markers pointing the wrong way."""

import functools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from math import cos, hypot, inf, pi, sin
from typing import NamedTuple

Point = tuple[float, float]
Cubic = tuple[Point, Point, Point, Point]

GAP = 3  # between a box's edge and the arrow's start or its arrowhead's tip
HEAD_LENGTH = 14
HEAD_HALF_WIDTH = 7
CLEARANCE = 8  # the path keeps at least this far from the centre circle
RING = 24  # how far outside the circle a path may go around it
HANDLES = (24, 60, 120)
SAMPLES = 20
COARSE_SAMPLES = 4  # a first look through every fifth sample; must divide SAMPLES
# The first look's line through fewer points, summed in other steps, may come out a
# rounding error longer than the full line where both are the same straight line.
LENGTH_MARGIN = 1e-6
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


class _Start(NamedTuple):
    """Where an arrow may leave the cause: the anchor, the path's first point, and how
    many arrows already leave or arrive there."""

    anchor: Anchor
    first: Point
    taken: int


class _End(NamedTuple):
    """Where an arrow may arrive at the effect: the anchor, the arrowhead's tip, the
    path's last point (the middle of the arrowhead's base), and how many arrows already
    leave or arrive there."""

    anchor: Anchor
    tip: Point
    last: Point
    taken: int


type Segments = tuple[Cubic, ...]
type Around = tuple[float, Point, int]
# An option: the least it can cost (the straight lines between its ends and the penalty
# for anchors already taken), that penalty, its ends, and its shape (for the direct
# curve its handle length; for the curve around the circle the point it passes through,
# at which angle, turning which way).
type Option[Shape] = tuple[float, float, _Start, _End, Shape]
# The best arrow so far: its cost, its curve, where it arrives, and the sides it leaves
# and arrives at.
type Best = tuple[float, Segments, _End, str, str]


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
    two arrows do not share an end; this arrow's anchors are added to it.

    The search depends on nothing but the geometry, so its answer is remembered: the
    diagram is drawn again on every step and save of a consult, mostly unchanged."""
    sides = [anchor.side for anchor in cause.anchors()]
    taken = (
        tuple(used[(cause, side)] for side in sides),
        tuple(used[(effect, side)] for side in sides),
    )
    found = _best_arrow(cause, effect, tuple(obstacles), avoid, bounds, taken)
    if found is None:
        return None
    arrow, start_side, end_side = found
    used[(cause, start_side)] += 1
    used[(effect, end_side)] += 1
    return arrow


@functools.lru_cache(maxsize=4096)
def _best_arrow(
    cause: Box,
    effect: Box,
    obstacles: tuple[Box, ...],
    avoid: Circle,
    bounds: Box,
    taken: tuple[tuple[int, ...], tuple[int, ...]],
) -> tuple[Arrow, str, str] | None:
    """A small search over curve shapes between every pair of anchors, scored by length,
    by what the curve crosses and by anchors already `taken` (counts per side of the
    cause and of the effect, in the order of Box.anchors)."""
    starts, ends = _ends(cause, effect, taken)
    best = _search(_direct(starts, ends), _direct_segments, None, obstacles, avoid, bounds)
    if best is None or best[0] >= HIT_PENALTY:
        # Only when no direct curve keeps clear of every box.
        best = _search(
            _around(starts, ends, avoid), _around_segments, best, obstacles, avoid, bounds
        )
    if best is None:
        return None
    _, segments, end, start_side, end_side = best
    return Arrow(segments, _head(end.tip, end.last)), start_side, end_side


def _ends(
    cause: Box, effect: Box, taken: tuple[tuple[int, ...], tuple[int, ...]]
) -> tuple[list[_Start], list[_End]]:
    """Where arrows may leave the cause and arrive at the effect, with the anchors
    already `taken` (counts in the order of Box.anchors)."""
    starts = [
        _Start(anchor, _along(anchor.point, anchor.normal, GAP), count)
        for anchor, count in zip(cause.anchors(), taken[0], strict=True)
    ]
    ends = [
        _End(
            anchor,
            _along(anchor.point, anchor.normal, GAP),
            _along(anchor.point, anchor.normal, GAP + HEAD_LENGTH),
            count,
        )
        for anchor, count in zip(effect.anchors(), taken[1], strict=True)
    ]
    return starts, ends


def _search[Shape](
    options: list[Option[Shape]],
    build: Callable[[_Start, _End, Shape], Segments],
    best: Best | None,
    obstacles: Sequence[Box],
    avoid: Circle,
    bounds: Box,
) -> Best | None:
    """The cheapest of `options` if it beats `best`, else `best`; of equally cheap ones
    the first in order of their least cost. A curve is no shorter than the straight
    lines between its ends, and crossing a box only adds to the cost: the search
    stops once the cheapest option left cannot win."""
    for least, reuse, start, end, shape in sorted(options, key=lambda option: option[0]):
        if best is not None and least >= best[0]:
            break
        segments = build(start, end, shape)
        limit = best[0] - reuse if best is not None else inf
        if not _may_win(segments, obstacles, avoid, bounds, limit):
            continue
        points = [point for segment in segments for point in sample(segment)]
        length = _length_if_clear(points, avoid, bounds, limit)
        if length is None:
            continue
        hits = _hits(points, obstacles, (limit - length) / HIT_PENALTY)
        cost = length + reuse + HIT_PENALTY * hits
        if best is None or cost < best[0]:
            best = (cost, segments, end, start.anchor.side, end.anchor.side)
    return best


def _reuse(start: _Start, end: _End) -> float:
    return REUSE_PENALTY * (start.taken + end.taken)


def _direct(starts: list[_Start], ends: list[_End]) -> list[Option[float]]:
    """One curve leaving the cause at a right angle and arriving at a right angle, for
    every pair of anchors and every handle length."""
    options: list[Option[float]] = []
    for start in starts:
        for end in ends:
            reuse = _reuse(start, end)
            least = _distance(start.first, end.last) + reuse
            options.extend((least, reuse, start, end, handle) for handle in HANDLES)
    return options


def _direct_segments(start: _Start, end: _End, handle: float) -> Segments:
    c1 = _along(start.first, start.anchor.normal, handle)
    c2 = _along(end.last, end.anchor.normal, handle)
    return ((start.first, c1, c2, end.last),)


def _around(starts: list[_Start], ends: list[_End], avoid: Circle) -> list[Option[Around]]:
    """Two curves through a point just outside the centre circle, passing it along
    its edge, for every pair of anchors, eight points and both ways round: for entries
    on opposite sides of the patient."""
    radius = avoid.r + RING
    vias = []
    for step in range(8):
        angle = step * pi / 4
        vias.append((angle, (avoid.x + radius * cos(angle), avoid.y + radius * sin(angle))))
    into = [[_distance(start.first, via) for _, via in vias] for start in starts]
    out = [[_distance(via, end.last) for _, via in vias] for end in ends]
    options: list[Option[Around]] = []
    for start, into_via in zip(starts, into, strict=True):
        for end, out_of_via in zip(ends, out, strict=True):
            reuse = _reuse(start, end)
            for (angle, via), before, after in zip(vias, into_via, out_of_via, strict=True):
                least = before + after + reuse
                options.append((least, reuse, start, end, (angle, via, 1)))
                options.append((least, reuse, start, end, (angle, via, -1)))
    return options


def _around_segments(start: _Start, end: _End, shape: Around) -> Segments:
    angle, via, turn = shape
    first, last = start.first, end.last
    tangent = (-sin(angle) * turn, cos(angle) * turn)
    into, out = _distance(first, via) * 0.4, _distance(via, last) * 0.4
    c1 = _along(first, start.anchor.normal, min(60.0, into))
    c2 = _along(via, tangent, -into)
    c3 = _along(via, tangent, out)
    c4 = _along(last, end.anchor.normal, min(60.0, out))
    return ((first, c1, c2, via), (via, c3, c4, last))


def _may_win(
    segments: Segments, obstacles: Sequence[Box], avoid: Circle, bounds: Box, limit: float
) -> bool:
    """A first look through every fifth sample of the curve (COARSE_SAMPLES): False
    when it already enters the circle, leaves the drawing, or costs `limit` or more
    with the boxes it crosses. Those points are among the samples, and the line
    through fewer of them is no longer and crosses no more boxes, so what this rules
    out the full look would rule out too."""
    points = [point for segment in segments for point in sample(segment, COARSE_SAMPLES)]
    bound = limit + LENGTH_MARGIN
    length = _length_if_clear(points, avoid, bounds, bound)
    if length is None:
        return False
    room = (bound - length) / HIT_PENALTY
    return _hits(points, obstacles, room) < room


def _head(tip: Point, base: Point) -> tuple[Point, Point, Point]:
    dx, dy = tip[0] - base[0], tip[1] - base[1]
    length = hypot(dx, dy) or 1.0
    across = (-dy / length * HEAD_HALF_WIDTH, dx / length * HEAD_HALF_WIDTH)
    return (
        tip,
        (base[0] + across[0], base[1] + across[1]),
        (base[0] - across[0], base[1] - across[1]),
    )


def _length_if_clear(
    points: Sequence[Point], avoid: Circle, bounds: Box, limit: float = inf
) -> float | None:
    """The length of the path through `points`; None when it enters the circle, leaves
    the drawing or reaches `limit` (it cannot beat the best arrow so far). Written out,
    the circle tested on squared distances: it runs for every sample of every
    candidate."""
    cx, cy, reach = avoid.x, avoid.y, avoid.r + CLEARANCE
    reach_squared = reach * reach
    left, top, right, bottom = bounds.x, bounds.y, bounds.right, bounds.bottom
    length = 0.0
    px, py = points[0]
    for x, y in points:
        dx, dy = x - cx, y - cy
        if dx * dx + dy * dy < reach_squared:
            return None
        if not (left <= x <= right and top <= y <= bottom):
            return None
        length += hypot(x - px, y - py)
        if length >= limit:
            return None
        px, py = x, y
    return length


def _hits(points: Sequence[Point], obstacles: Sequence[Box], enough: float = inf) -> int:
    """How many boxes the path through `points` runs through, counted until `enough`
    (more would not change the arrow chosen)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    hits = 0
    for box in obstacles:
        left, top, right, bottom = box.x, box.y, box.x + box.w, box.y + box.h
        if left > high_x or right < low_x or top > high_y or bottom < low_y:
            continue
        if any(left <= x <= right and top <= y <= bottom for x, y in points):
            hits += 1
            if hits >= enough:
                break
    return hits


def _weights(count: int) -> tuple[tuple[float, float, float, float], ...]:
    """The Bernstein weights of a cubic curve at `count` + 1 evenly spaced t."""
    weights = []
    for index in range(count + 1):
        t = index / count
        weights.append(((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3))
    return tuple(weights)


_SAMPLE_WEIGHTS = _weights(SAMPLES)
_COARSE_WEIGHTS = _weights(COARSE_SAMPLES)


def sample(cubic: Cubic, count: int = SAMPLES) -> list[Point]:
    """`count` + 1 points along a cubic Bézier curve, both ends included."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = cubic
    if count == SAMPLES:
        weights = _SAMPLE_WEIGHTS
    elif count == COARSE_SAMPLES:
        weights = _COARSE_WEIGHTS
    else:
        weights = _weights(count)
    return [
        (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)
        for a, b, c, d in weights
    ]


def _along(point: Point, direction: Point, distance: float) -> Point:
    return (point[0] + direction[0] * distance, point[1] + direction[1] * distance)


def _distance(a: Point, b: Point) -> float:
    return hypot(a[0] - b[0], a[1] - b[1])


def _num(point: Point) -> str:
    return f"{point[0]:.1f} {point[1]:.1f}"
