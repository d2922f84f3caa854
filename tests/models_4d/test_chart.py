"""The 4D diagram tells the truth: every arrow leaves the entry that is the cause and
points at the entry that is the effect, never at or from the patient in the middle;
entries are wrapped, never cut; a long name stays inside the circle; the printed plan
draws the same diagram. The SVG is read back with xml.etree (tests/models_4d/diagram.py)."""

import logging
import re
import subprocess
from itertools import permutations
from math import hypot

import pytest
from django.urls import reverse

from consult.access import Actor
from models_4d.chart import render_4d_svg
from models_4d.conversation import FOUR_D
from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry
from models_4d.services import connection_add, entry_add
from models_4d.text_width import text_width
from tests.conftest import client_for
from tests.models_4d.diagram import SVG, arrow_problems, read

L, G, S, M = Domain4D.LICHAAM, Domain4D.GEEST, Domain4D.SOCIAAL, Domain4D.MAATSCHAPPELIJK
PLAYS, HELPS = EntryKind.PLAYS, EntryKind.HELPS
LONG = "weinig contact sinds de verhuizing naar de andere kant van de stad, ik mis mijn buren"
LONGEST = ("Ik maak me zorgen over mijn moeder, over het geld en over mijn werk. " * 5)[:300]
DEMO = [
    (L, PLAYS, "Hoofdpijn, bijna elke dag"),
    (L, PLAYS, "Slecht slapen"),
    (G, PLAYS, "Somber, veel piekeren"),
    (S, HELPS, "Mijn zus luistert"),
    (S, PLAYS, LONG),
    (M, PLAYS, "Schulden, brieven maak ik niet meer open"),
    (M, HELPS, "Werk als chauffeur, dat gaat goed"),
]


def entries_of(spec) -> list[FourDEntry]:
    return [
        FourDEntry(pk=number, domain=domain, kind=kind, text=text)
        for number, (domain, kind, text) in enumerate(spec, start=1)
    ]


def connect(entries, pairs) -> list[FourDConnection]:
    return [FourDConnection(cause=entries[a], effect=entries[b]) for a, b in pairs]


def by_text(drawing, entries, text):
    entry = next(e for e in entries if e.text == text)
    return drawing.entries[str(entry.public_id)]


def test_the_arrow_from_debts_starts_at_debts_and_points_at_worrying():
    """The case of the seeds: schulden → piekeren → hoofdpijn. Today the first arrow
    started under the patient circle and read "patiënt → piekeren"."""
    entries = entries_of(DEMO)
    drawing = read(render_4d_svg(entries, connect(entries, [(5, 2), (2, 0)])))
    debts = by_text(drawing, entries, "Schulden, brieven maak ik niet meer open").rect
    worry = by_text(drawing, entries, "Somber, veel piekeren").rect
    first = next(a for a in drawing.arrows if a.cause == str(entries[5].public_id))
    cx, cy, radius = drawing.centre
    assert -1 <= debts.gap(first.start) <= 4
    assert -1 <= worry.gap(first.tip) <= 4
    assert hypot(first.start[0] - cx, first.start[1] - cy) > radius + 10
    assert arrow_problems(drawing) == []


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(DEMO, id="the seeds' case"),
        pytest.param(
            [(domain, PLAYS, f"{domain} {LONG}") for domain in (L, G, S, M)]
            + [(domain, HELPS, "Kort") for domain in (L, G, S, M)],
            id="long texts",
        ),
    ],
)
def test_every_arrow_leaves_its_cause_and_points_at_its_effect(spec):
    """Every pair of domains, both ways: side by side, above each other and across the
    patient in the middle."""
    entries = entries_of(spec)
    one_per_domain = {e.domain: index for index, e in reversed(list(enumerate(entries)))}
    pairs = list(permutations(one_per_domain.values(), 2))
    drawing = read(render_4d_svg(entries, connect(entries, pairs)))
    assert len(drawing.arrows) == len(pairs) == 12
    assert {(a.cause, a.effect) for a in drawing.arrows} == {
        (str(entries[a].public_id), str(entries[b].public_id)) for a, b in pairs
    }
    assert arrow_problems(drawing) == []


def test_arrowheads_are_drawn_shapes_that_print_the_same():
    """Markers with orient="auto" point every way WeasyPrint likes; a polygon does not."""
    entries = entries_of(DEMO)
    svg = render_4d_svg(entries, connect(entries, [(5, 2), (2, 0), (4, 6)]))
    drawing = read(svg)
    assert drawing.root.find(f".//{SVG}marker") is None
    assert "marker-end" not in svg
    assert [len(arrow.head) for arrow in drawing.arrows] == [3, 3, 3]


def test_entries_are_wrapped_and_never_cut():
    """Even an entry of the longest length allowed, set smaller."""
    entries = entries_of([*DEMO, (G, PLAYS, LONGEST)])
    drawing = read(render_4d_svg(entries, []))
    cx, cy, radius = drawing.centre
    rects = [entry.rect for entry in drawing.entries.values()]
    assert len(rects) == len(entries)
    for entry in entries:
        drawn = drawing.entries[str(entry.public_id)]
        assert "…" not in "".join(drawn.lines)
        assert _letters(" ".join(drawn.lines)) == _letters(entry.text)
        inner = drawn.rect.w - 2 * 8 - 25 + 0.1  # the SVG rounds to tenths
        assert all(text_width(line, drawn.size) <= inner for line in drawn.lines)
        assert all(drawn.rect.y < y < drawn.rect.y + drawn.rect.h for y in drawn.baselines)
        assert all(hypot(x - cx, y - cy) > radius for x, y in drawn.rect.corners())
    assert len(by_text(drawing, entries, LONG).lines) >= 3
    assert by_text(drawing, entries, LONG).size == 21
    assert 14 <= by_text(drawing, entries, LONGEST).size < 21
    for first, second in permutations(rects, 2):
        overlap_x = min(first.x + first.w, second.x + second.w) - max(first.x, second.x)
        overlap_y = min(first.y + first.h, second.y + second.h) - max(first.y, second.y)
        assert overlap_x <= 0 or overlap_y <= 0, f"{first} and {second} overlap"


def test_a_full_quadrant_shows_what_is_connected_and_says_how_many_more():
    spec = [(G, PLAYS, f"Zorg nummer {n} die al een hele tijd speelt") for n in range(1, 13)]
    entries = entries_of([*spec, (L, PLAYS, "Hoofdpijn")])
    last_worry, headache = entries[11], entries[12]
    drawing = read(render_4d_svg(entries, connect(entries, [(11, 12)])))
    shown = [e for e in entries[:12] if str(e.public_id) in drawing.entries]
    assert str(last_worry.public_id) in drawing.entries
    assert 3 <= len(shown) < 12
    assert drawing.more == [f"en nog {12 - len(shown)}"]
    assert [(a.cause, a.effect) for a in drawing.arrows] == [
        (str(last_worry.public_id), str(headache.public_id))
    ]
    assert arrow_problems(drawing) == []


@pytest.mark.parametrize(
    "name",
    ["Ingrid", "Anne-Marie Wilhelmina Johanna", "Maximiliaanwilhelmusfrederik", "Jan Willem"],
)
def test_the_patients_first_name_fits_in_the_circle(consult_4d, patient_a, name):
    patient_a.first_name = name
    patient_a.save(update_fields=["first_name"])
    drawing = read(FOUR_D.chart_svg(consult_4d, for_patient=True))
    assert _letters("".join(drawing.centre_lines)) == _letters(name)
    _assert_inside_circle(drawing)


def test_a_name_too_long_for_any_size_ends_in_an_ellipsis_inside_the_circle():
    name = "Wilhelminajohannapetronellamargarethacornelia" * 2
    drawing = read(render_4d_svg([], [], centre_label=name))
    assert drawing.centre_lines[-1].endswith("…")
    _assert_inside_circle(drawing)


def test_the_printed_plan_draws_the_whole_diagram(tmp_path, huisarts_a, consult_4d, caplog):
    actor = Actor(user=huisarts_a)
    made = {
        text: entry_add(actor=actor, consult=consult_4d, domain=d, kind=k, text=text)
        for d, k, text in DEMO
    }
    connection_add(
        actor=actor,
        consult=consult_4d,
        cause=made["Schulden, brieven maak ik niet meer open"],
        effect=made["Somber, veel piekeren"],
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = (
            client_for(huisarts_a)
            .get(reverse("plan_pdf", kwargs={"consult_id": consult_4d.public_id}))
            .content
        )
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for word in LONG.split():
        assert word.strip(",") in text, f"{word!r} of the long entry is not printed"
    assert "Ingrid" in text
    assert "Een pijl laat zien wat tot wat leidt." in " ".join(text.split())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-", str(tmp_path / "plan")], input=pdf, check=True
    )
    pages = sorted(tmp_path.glob("plan*.png"))
    assert pages
    assert all(page.stat().st_size > 10_000 for page in pages)


def test_each_entry_offers_the_entries_of_other_domains_it_can_lead_to(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    debts = entry_add(actor=actor, consult=consult_4d, domain=M, kind=PLAYS, text="Schulden")
    entry_add(actor=actor, consult=consult_4d, domain=M, kind=HELPS, text="Werk")
    worry = entry_add(actor=actor, consult=consult_4d, domain=G, kind=PLAYS, text="Piekeren")
    headache = entry_add(actor=actor, consult=consult_4d, domain=L, kind=PLAYS, text="Hoofdpijn")
    connection_add(actor=actor, consult=consult_4d, cause=debts, effect=worry)
    client = client_for(huisarts_a)
    step = reverse(
        "consult_step", kwargs={"consult_id": consult_4d.public_id, "step_slug": "verbanden"}
    )
    content = client.get(step).content.decode()

    row = _row_of(content, debts)
    assert f'name="cause" value="{debts.public_id}"' in row
    assert re.findall(r"<option value=\"[^\"]+\">([^<]*)</option>", row) == ["Lichaam: Hoofdpijn"]
    assert "Schulden …leidt tot" in re.sub(r"<[^>]+>", "", row)

    response = client.post(
        reverse("fourd_connection_add", kwargs={"consult_id": consult_4d.public_id}),
        {"step": "verbanden", "cause": debts.public_id, "effect": headache.public_id},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(step)
    assert {(c.cause.text, c.effect.text) for c in FourDConnection.objects.all()} == {
        ("Schulden", "Piekeren"),
        ("Schulden", "Hoofdpijn"),
    }
    row = _row_of(client.get(step).content.decode(), debts)
    assert "<select" not in row
    assert "Niets meer om het mee te verbinden." in row


def _row_of(content: str, entry: FourDEntry) -> str:
    start = content.index(f'id="connect-{entry.public_id}"')
    return content[start : content.index("</li>", start)]


def _letters(text: str) -> str:
    return re.sub(r"[\s\-…]", "", text)


def _assert_inside_circle(drawing) -> None:
    """Each line of the centre label, as wide as its estimated width and as tall as the
    font (ascent 0.93, descent 0.24 em), lies inside the circle."""
    cx, cy, radius = drawing.centre
    size = drawing.centre_size
    line_height = size * 1.15
    first = cy - (len(drawing.centre_lines) - 1) * line_height / 2 + 0.35 * size
    for index, line in enumerate(drawing.centre_lines):
        baseline = first + index * line_height
        half = text_width(line, size, bold=True) / 2
        for x in (cx - half, cx + half):
            for y in (baseline - 0.93 * size, baseline + 0.24 * size):
                assert hypot(x - cx, y - cy) < radius, f"{line!r} leaves the circle"
