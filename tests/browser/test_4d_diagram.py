"""The 4D diagram in a real browser: a connection drawn from the entry itself, by
keyboard, and the arrows as Chromium shows them: from the cause's box to the effect's,
around the patient in the middle, every entry's text inside its box and the patient's
name inside the circle, measured with the browser's own text metrics.

Screenshots of the connections step (1366 and 768 px wide) and the look-along view are
left in the test's tmp_path to look at. They keep the caret as it is: hiding it leaves
`style=""` on every input, which htmx then copies on a swap and the CSP refuses."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from consult.access import Actor
from consult.models import Consult
from models_4d import services as fourd
from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry
from tests.browser.conftest import log_in
from tests.models_4d.diagram import arrow_problems, read

pytestmark = pytest.mark.browser

MAX_TABS = 80
LONG_NAME = "Anne-Marie Wilhelmina"
ENTRIES = [
    (Domain4D.LICHAAM, EntryKind.PLAYS, "Hoofdpijn, bijna elke dag"),
    (Domain4D.GEEST, EntryKind.PLAYS, "Somber, veel piekeren"),
    (Domain4D.SOCIAAL, EntryKind.HELPS, "Mijn zus luistert"),
    (Domain4D.SOCIAAL, EntryKind.PLAYS, "Weinig contact sinds de verhuizing naar de andere wijk"),
    (Domain4D.MAATSCHAPPELIJK, EntryKind.PLAYS, "Schulden, brieven maak ik niet meer open"),
    (Domain4D.MAATSCHAPPELIJK, EntryKind.HELPS, ("Mijn werk als chauffeur gaat goed, " * 9)[:300]),
]

# Per entry: its box and its text's box as the browser lays it out. Per line of the
# name in the centre: its box. In the SVG's own units.
MEASURE = """svg => {
  const box = b => ({x: b.x, y: b.y, w: b.width, h: b.height});
  const entries = [...svg.querySelectorAll("g.entry")].map(g => ({
    id: g.dataset.entry,
    rect: box(g.querySelector("rect").getBBox()),
    text: box(g.querySelector("text").getBBox()),
  }));
  const circle = svg.querySelector("g.centre circle");
  const centre = {x: circle.cx.baseVal.value, y: circle.cy.baseVal.value, r: circle.r.baseVal.value};
  const name = [...svg.querySelectorAll("g.centre tspan")].map(t => box(t.getBBox()));
  return {entries, centre, name};
}"""


def tab_to(page: Page, target: Locator) -> int:
    """Press Tab until `target` has the focus; return how many presses it took."""
    expect(target).to_have_count(1)
    for presses in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return presses
        page.keyboard.press("Tab")
    pytest.fail(f"Tab pressed {MAX_TABS} times never reached {target}", pytrace=False)


def draw_by_keyboard(page: Page, cause: FourDEntry, effect_label: str) -> None:
    """Beside the cause: Tab to its "…leidt tot" list, type the start of the effect's
    label to choose it, Tab to its button and press Enter."""
    step = page.locator("#step")
    choice = step.get_by_label(f"{cause.text} …leidt tot", exact=True)
    tab_to(page, choice)
    page.keyboard.type(effect_label)
    expect(choice.locator("option:checked")).to_have_text(effect_label)
    button = step.get_by_role(
        "button", name=re.compile(rf"^Verband leggen\s*: {re.escape(cause.text)}$")
    )
    tab_to(page, button)
    page.keyboard.press("Enter")
    effect_text = effect_label.split(": ", 1)[1]
    drawn = re.compile(rf"^\s*{re.escape(cause.text)}\s*→.*{re.escape(effect_text)}")
    expect(step.locator("ul.connections li").filter(has_text=drawn)).to_have_count(1)


def check_drawing(svg: Locator, connections: set[tuple[str, str]]) -> None:
    """The SVG in the page, read back: the arrows say what was recorded, the text of
    every entry lies inside its box and the name inside the circle."""
    drawing = read(svg.evaluate("svg => svg.outerHTML"))
    assert {(arrow.cause, arrow.effect) for arrow in drawing.arrows} == connections
    assert arrow_problems(drawing) == []
    measured = svg.evaluate(MEASURE)
    spilled = [
        f"{entry['id']}: text {entry['text']} in box {entry['rect']}"
        for entry in measured["entries"]
        if not within(entry["text"], entry["rect"], tolerance=1)
    ]
    assert spilled == [], "an entry's text runs out of its box"
    centre = measured["centre"]
    assert measured["name"], "no name in the circle"
    for line in measured["name"]:
        for x in (line["x"], line["x"] + line["w"]):
            for y in (line["y"], line["y"] + line["h"]):
                distance = ((x - centre["x"]) ** 2 + (y - centre["y"]) ** 2) ** 0.5
                assert distance <= centre["r"], f"the name leaves the circle at {(x, y)}"


def within(inner: dict, outer: dict, *, tolerance: float) -> bool:
    return (
        outer["x"] - tolerance <= inner["x"]
        and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + tolerance
        and outer["y"] - tolerance <= inner["y"]
        and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + tolerance
    )


def make_entries(consult: Consult, actor: Actor) -> dict[str, FourDEntry]:
    return {
        text: fourd.entry_add(actor=actor, consult=consult, domain=domain, kind=kind, text=text)
        for domain, kind, text in ENTRIES
    }


def test_draw_connections_from_the_entry_by_keyboard(
    page: Page, axe_check, live_server, huisarts_a, patient_a, consult_4d, tmp_path
):
    entries = make_entries(consult_4d, Actor(user=huisarts_a))
    debts = entries["Schulden, brieven maak ik niet meer open"]
    worry = entries["Somber, veel piekeren"]
    headache = entries["Hoofdpijn, bijna elke dag"]
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/stap/verbanden/")
    step = page.locator("#step")
    axe_check(page)

    # Schulden → piekeren → hoofdpijn, each from the entry itself.
    step.locator("h3#step-title").focus()
    draw_by_keyboard(page, debts, "Geest: Somber, veel piekeren")
    draw_by_keyboard(page, worry, "Lichaam: Hoofdpijn, bijna elke dag")
    assert {(c.cause_id, c.effect_id) for c in FourDConnection.objects.all()} == {
        (debts.pk, worry.pk),
        (worry.pk, headache.pk),
    }
    # What is drawn is no longer offered beside the entry.
    choice = step.get_by_label(f"{debts.text} …leidt tot", exact=True)
    expect(choice.locator("option", has_text=worry.text)).to_have_count(0)
    expect(choice.locator("option", has_text=headache.text)).to_have_count(1)

    svg = step.locator("svg.chart-4d")
    expect(svg.locator("g.connection")).to_have_count(2)
    drawn = {
        (str(debts.public_id), str(worry.public_id)),
        (str(worry.public_id), str(headache.public_id)),
    }
    check_drawing(svg, drawn)
    axe_check(page)
    page.screenshot(path=tmp_path / "verbanden-1366.png", full_page=True, caret="initial")

    # On a tablet beside the patient the diagram fits the width and reads the same.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    width = svg.evaluate("svg => svg.getBoundingClientRect().width")
    assert 300 < width <= 768
    check_drawing(svg, drawn)
    page.screenshot(path=tmp_path / "verbanden-768.png", full_page=True, caret="initial")

    # Removing a connection still works, and takes its arrow away.
    remove = step.locator("ul.connections li").filter(has_text=debts.text)
    remove.get_by_role("button").focus()
    page.keyboard.press("Enter")
    expect(svg.locator("g.connection")).to_have_count(1)
    check_drawing(svg, {(str(worry.public_id), str(headache.public_id))})


def test_the_look_along_view_fits_a_long_name_in_the_circle(
    page: Page, axe_check, live_server, huisarts_a, patient_a, consult_4d, tmp_path
):
    patient_a.first_name = LONG_NAME
    patient_a.save(update_fields=["first_name"])
    actor = Actor(user=huisarts_a)
    entries = make_entries(consult_4d, actor)
    debts = entries["Schulden, brieven maak ik niet meer open"]
    company = entries["Mijn zus luistert"]
    fourd.connection_add(
        actor=actor, consult=consult_4d, cause=debts, effect=entries["Somber, veel piekeren"]
    )
    fourd.connection_add(actor=actor, consult=consult_4d, cause=company, effect=debts)
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/meekijken/")
    svg = page.locator("svg.chart-4d")
    expect(svg.locator("g.centre")).to_contain_text("Wilhelmina")
    check_drawing(
        svg,
        {
            (str(debts.public_id), str(entries["Somber, veel piekeren"].public_id)),
            (str(company.public_id), str(debts.public_id)),
        },
    )
    axe_check(page)
    page.screenshot(path=tmp_path / "look-along.png", full_page=True, caret="initial")
