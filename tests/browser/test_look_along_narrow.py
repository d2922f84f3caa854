"""The look-along view in its own calm frame, and the workspace on narrower screens
(a tablet beside the patient)."""

import pytest
from playwright.sync_api import Page, expect

from consult.access import Actor
from consult.services.consults import consult_start
from consult.services.plans import goal_add
from kop.services import complaint_add
from models_4d.services import entry_add
from tests.browser.conftest import log_in
from tests.factories import ConsentFactory

pytestmark = pytest.mark.browser


def test_look_along_shows_only_patient_things_with_a_way_back(
    page: Page, axe_check, live_server, huisarts_a, consult_4d
):
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/meekijken/")
    expect(page.locator("h1")).to_contain_text("Ingrid")
    # None of the professional's screen: no patient search, no menu, not the GP's name.
    expect(page.get_by_role("search")).to_have_count(0)
    expect(page.get_by_role("link", name="Verwijzingen")).to_have_count(0)
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    assert "Huisarts A" not in page.locator("body").inner_text()
    axe_check(page)
    page.get_by_role("link", name="Terug naar het gesprek").click()
    expect(page).to_have_url(f"{live_server.url}/consulten/{consult_4d.public_id}/")
    expect(page.get_by_role("search")).to_have_count(1)


@pytest.mark.parametrize("width", [1024, 768])
def test_the_step_list_never_lies_over_the_step_while_scrolling(
    page: Page, live_server, huisarts_a, consult_4d, width
):
    actor = Actor(user=huisarts_a)
    for number in range(12):  # a step taller than the screen
        entry_add(
            actor=actor,
            consult=consult_4d,
            domain="lichaam",
            kind="speelt",
            text=f"Klacht {number}",
        )
    page.set_viewport_size({"width": width, "height": 700})
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/stap/lichaam/")
    steps, step = page.locator("nav.steps-nav"), page.locator("section#step")
    assert page.evaluate("document.documentElement.scrollHeight") > 700 + 900
    for scroll in (0, 300, 600, 900):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        nav_box, step_box = steps.bounding_box(), step.bounding_box()
        assert nav_box is not None
        assert step_box is not None
        overlap = min(nav_box["y"] + nav_box["height"], step_box["y"] + step_box["height"]) - max(
            nav_box["y"], step_box["y"]
        )
        assert overlap <= 0, f"the step list covers the step by {overlap:.0f} px at {scroll}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_kop_schema_in_the_look_along_reads_at_the_size_of_the_plan(
    page: Page, live_server, poh_a, patient_a
):
    """Turned to the patient on a wide screen, the schema's words stood a quarter smaller
    than the plan's under it: the schema was held to 760 px in a frame of 960."""
    ConsentFactory.create(patient=patient_a, given_to=poh_a, recorded_by=poh_a)
    actor = Actor(user=poh_a)
    consult = consult_start(actor=actor, patient=patient_a, model_slug="kop")
    complaint_add(actor=actor, consult=consult, text="Slecht slapen", severity=6)
    goal_add(actor=actor, consult=consult, text="Weer rustig slapen", domain="kop:klachten")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, poh_a)
    page.goto(f"/consulten/{consult.public_id}/meekijken/")
    schema_words = page.locator("svg.chart-kop text", has_text="Slecht slapen").first
    goal_words = page.locator("main li", has_text="Weer rustig slapen").first
    schema_px = schema_words.evaluate(
        """t => {
            const svg = t.ownerSVGElement;  // its type size as drawn on the screen
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(getComputedStyle(t).fontSize) * scale;
        }"""
    )
    goal_px = goal_words.evaluate("li => parseFloat(getComputedStyle(li).fontSize)")
    assert schema_px >= goal_px * 0.85, (schema_px, goal_px)


def test_look_alongs_diagram_fills_the_patients_frame(
    page: Page, live_server, huisarts_a, consult_4d
):
    """The 4D diagram kept its 760 px at the left of a frame of 960, its words smaller
    than the goals' under it; it now takes the frame's width, in its middle, and stays
    within the screen's height."""
    entry_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        domain="geest",
        kind="speelt",
        text="Somber, veel piekeren",
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/meekijken/")
    frame, chart = page.locator(".look-along").bounding_box(), page.locator("svg.chart-4d")
    box = chart.bounding_box()
    assert frame
    assert box
    assert box["width"] >= frame["width"] - 2, "the diagram does not fill the frame"
    middle = frame["x"] + frame["width"] / 2
    assert abs(box["x"] + box["width"] / 2 - middle) < 2, "the diagram is not in the middle"
    assert box["height"] <= 900, "the diagram is taller than the screen"
