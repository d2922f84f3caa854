"""The look-along view in its own calm frame, and the workspace on narrower screens
(a tablet beside the patient)."""

import pytest
from playwright.sync_api import Page, expect

from consult.access import Actor
from models_4d.services import entry_add
from tests.browser.conftest import log_in

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
