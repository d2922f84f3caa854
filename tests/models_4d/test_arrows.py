"""The arrow search cuts corners to be quick (it stops at options that can no longer
win, and takes a first look at a curve through a few of its points), but it must
choose the very arrow a search that scores every option in full would choose: the
cheapest, and of equally cheap ones the first in the order the options are tried.
The geometries are those of real diagrams: random ones drawn through the chart."""

import random
from math import inf

import pytest

from models_4d import arrows
from models_4d.arrows import HIT_PENALTY, Box, Circle, sample
from models_4d.arrows import _best_arrow as quick_search
from models_4d.chart import forget_drawings, render_4d_svg
from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry

WORDS = [
    "slapen",
    "hoofdpijn",
    "piekeren",
    "geld",
    "somber",
    "buren",
    "schulden",
    "baan",
    "werk",
    "moe",
    "rug",
    "huur",
]


def full_search(cause, effect, obstacles, avoid, bounds, taken):
    """Every option scored in full, nothing skipped: what the search stands for."""
    starts, ends = arrows._ends(cause, effect, taken)

    def cheapest(options, build, best):
        for _least, reuse, start, end, shape in sorted(options, key=lambda option: option[0]):
            segments = build(start, end, shape)
            points = [point for segment in segments for point in sample(segment)]
            length = arrows._length_if_clear(points, avoid, bounds, inf)
            if length is None:
                continue
            cost = length + reuse + HIT_PENALTY * arrows._hits(points, obstacles)
            if best is None or cost < best[0]:
                best = (cost, segments, start.anchor.side, end.anchor.side)
        return best

    best = cheapest(arrows._direct(starts, ends), arrows._direct_segments, None)
    if best is None or best[0] >= HIT_PENALTY:
        best = cheapest(arrows._around(starts, ends, avoid), arrows._around_segments, best)
    return None if best is None else best[1:]


def random_diagram(rng: random.Random):
    entries = [
        FourDEntry(
            pk=number,
            domain=rng.choice(list(Domain4D)),
            kind=rng.choice(list(EntryKind)),
            text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6))),
        )
        for number in range(1, rng.randint(2, 14) + 1)
    ]
    pairs = {tuple(rng.sample(range(len(entries)), 2)) for _ in range(rng.randint(1, 12))}
    connections = [FourDConnection(cause=entries[a], effect=entries[b]) for a, b in sorted(pairs)]
    return entries, connections


@pytest.fixture
def searches(monkeypatch):
    """The arguments of every arrow search the chart makes."""
    calls: list[tuple] = []

    def recording(*args):
        calls.append(args)
        return quick_search(*args)

    monkeypatch.setattr(arrows, "_best_arrow", recording)
    forget_drawings()
    yield calls
    forget_drawings()


def test_the_quick_search_chooses_the_arrow_of_the_full_search(searches):
    rng = random.Random(2026_12_06)  # noqa: S311 - the same diagrams every run
    for _ in range(40):
        render_4d_svg(*random_diagram(rng))
    assert len(searches) > 150
    chosen = [quick_search.__wrapped__(*args) for args in searches]
    found = [None if arrow is None else (arrow[0].segments, arrow[1], arrow[2]) for arrow in chosen]
    assert found == [full_search(*args) for args in searches]
    # Not only easy cases: arrows that cannot avoid every box, and arrows around the
    # patient in the middle.
    drawn = [(args, arrow[0]) for args, arrow in zip(searches, found, strict=True) if arrow]
    assert any(len(segments) == 2 for _, segments in drawn)
    assert any(
        arrows._hits([point for s in segments for point in sample(s)], args[2]) > 0
        for args, segments in drawn
    )


def test_the_full_search_goes_around_a_box_in_the_way():
    """The search it is compared with is a real one: with a box between cause and
    effect, it chooses a curve around the box, not through it."""
    cause, effect = Box(0, 0, 100, 40), Box(0, 200, 100, 40)
    between = Box(0, 100, 100, 40)
    avoid = Circle(600, 600, 10)
    bounds = Box(-300, -300, 800, 800)
    found = full_search(cause, effect, (between,), avoid, bounds, ((0,) * 8, (0,) * 8))
    assert found is not None
    segments = found[0]
    points = [point for segment in segments for point in sample(segment)]
    assert arrows._hits(points, (between,)) == 0
