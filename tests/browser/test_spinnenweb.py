"""The Spinnenweb (issue 11) in a real browser: a web filled in together and taken into
the plan (point 1), the web compared with last time (point 3), and the patient's own web
prepared at home on a phone without JavaScript, then taken up in the consult (point 4).

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` fails on serious or critical violations.
Screenshots for review go to /tmp/shots/web-bt-*.png."""

import math
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, ViewportSize, expect

from consult.access import Actor
from consult.models import Consult, Patient, PatientLink
from consult.models.plans import Goal
from consult.services.consults import consult_start
from spinnenweb import services
from spinnenweb.chart import CX, CY, RADIUS
from spinnenweb.models import Web, WebSheet, WebSource
from tests.browser.conftest import log_in, wait_until
from tests.browser.journeys import (
    PHONE,
    SAVED,
    SHOTS,
    expect_ticks_before_their_words,
    make_patient_link,
    patient_path,
)
from tests.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.browser

WIDE: ViewportSize = {"width": 1366, "height": 900}
TABLET: ViewportSize = {"width": 768, "height": 1024}
MODEL = "Spinnenweb (Positieve Gezondheid)"
# The official names, in the order of the axes (clockwise from the top).
DIMENSIONS = (
    ("lichaamsfuncties", "Lichaamsfuncties"),
    ("mentaal", "Mentaal welbevinden"),
    ("zingeving", "Zingeving"),
    ("kwaliteit-van-leven", "Kwaliteit van leven"),
    ("meedoen", "Meedoen"),
    ("dagelijks-functioneren", "Dagelijks functioneren"),
)
OFFICIAL = [name for _key, name in DIMENSIONS]
STEP_TITLES = {
    "introductie": "Introductie",
    "scores": "Scores op de zes dimensies",
    "gesprek": "Wat belangrijk is en wat anders moet",
    "plan": "Plan",
}


def step_path(consult: Consult, slug: str) -> str:
    return f"/consulten/{consult.public_id}/stap/{slug}/"


def consented(patient: Patient, user) -> Patient:
    ConsentFactory.create(patient=patient, given_to=user, recorded_by=user)
    return patient


def shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    # caret="initial": Playwright hides the caret with inline styles and leaves style=""
    # on every field; htmx copies that attribute when it settles a swap, which the CSP
    # reports as a violation.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"web-bt-{name}.png", full_page=full_page, caret="initial")


def shoot_step(page: Page, slug: str, *, radar: bool = True) -> None:
    """The step as it is now, at 1366 and at 768 px wide; back to 1366 after."""
    for size in (WIDE, TABLET):
        page.set_viewport_size(size)
        if radar:
            expect(page.locator("#step svg.chart-radar").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], (
            f"step {slug} is wider than {size['width']} px"
        )
        shoot(page, f"stap-{slug}-{size['width']}")
    page.set_viewport_size(WIDE)


def expect_each_scale_on_one_line(page: Page) -> None:
    """0 to 10 in one row, low on the left: broken over two lines it read as two scales."""
    scales = page.locator('#step .web-score-scale div[id$="-score"]').all()
    assert len(scales) == 6
    for scale in scales:
        boxes = [label.bounding_box() for label in scale.locator("label").all()]
        assert len(boxes) == 11
        tops = {round(box["y"]) for box in boxes if box}
        assert len(tops) == 1, f"the scale stands on {len(tops)} lines"
        lefts = [box["x"] for box in boxes if box]
        assert lefts == sorted(lefts)


def autosaved(page: Page, action: Callable[[], None]) -> None:
    """Do what changes a field, and wait until the server answered the save."""
    with page.expect_response(
        lambda r: "/bewaar/" in r.url and r.request.method == "POST"
    ) as response:
        action()
    assert response.value.status == 200, f"autosave answered {response.value.status}"


def expected_points(scores: dict[str, int]) -> list[tuple[float, float]]:
    """Where each score lies on its axis: the first axis points up, then clockwise."""
    points = []
    for index, (key, _name) in enumerate(DIMENSIONS):
        angle = -math.pi / 2 + index * 2 * math.pi / len(DIMENSIONS)
        distance = RADIUS * scores[key] / 10
        points.append((CX + distance * math.cos(angle), CY + distance * math.sin(angle)))
    return points


def outlines(radar: Locator) -> list[list[tuple[float, float]]]:
    """The points of each web's outline in the radar (not the rings, not the stars)."""
    raw = radar.locator("polygon[stroke-width='3']").evaluate_all(
        "polygons => polygons.map(p => p.getAttribute('points'))"
    )

    def point(text: str) -> tuple[float, float]:
        x, y = text.split(",")
        return float(x), float(y)

    return [[point(p) for p in points.split()] for points in raw]


def assert_outline(actual: list[tuple[float, float]], scores: dict[str, int]) -> None:
    expected = expected_points(scores)
    assert len(actual) == len(expected), actual
    for (x, y), (ex, ey), (key, _name) in zip(actual, expected, DIMENSIONS, strict=True):
        assert x == pytest.approx(ex, abs=0.2), f"{key}: x {x}, expected {ex:.1f}"
        assert y == pytest.approx(ey, abs=0.2), f"{key}: y {y}, expected {ey:.1f}"


def cut_off_labels(radar: Locator) -> list[str]:
    """The texts of the radar drawn (partly) outside its own box."""
    return radar.evaluate(
        """svg => {
          const box = svg.viewBox.baseVal;
          return [...svg.querySelectorAll("text")].filter(text => {
            const b = text.getBBox();
            return b.x < box.x || b.y < box.y
              || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height;
          }).map(text => text.textContent);
        }"""
    )


# 1. A web filled in together, talked about and taken into the plan (issue 11, point 1)

SCORES = {
    "lichaamsfuncties": 7,
    "mentaal": 4,
    "zingeving": 8,
    "kwaliteit-van-leven": 6,
    "meedoen": 3,
    "dagelijks-functioneren": 5,
}
WORDS = "Ik pieker veel, vooral 's nachts"


def test_a_web_filled_in_together_becomes_a_radar_and_a_goal(
    page: Page, axe_check, live_server, huisarts_a, patient_a
):
    consented(patient_a, huisarts_a)
    page.set_viewport_size(WIDE)
    log_in(page, huisarts_a)
    page.goto(patient_path(patient_a))
    start = page.get_by_role("region", name="Breed gesprek starten")
    start.get_by_label(MODEL).check()
    start.get_by_role("button", name="Gesprek starten").click()
    expect(page).to_have_url(re.compile(r"/consulten/[0-9a-f-]{36}/"))
    consult = Consult.objects.get(patient=patient_a, model_slug="spinnenweb")
    step = page.locator("#step")
    expect(step.locator("h3#step-title")).to_have_text("Stap 1: Introductie")
    shoot_step(page, "introductie", radar=False)

    # The scores step: the six official names, a score by radio button for each.
    step.get_by_role("button", name=f"Klaar, volgende: {STEP_TITLES['scores']}").click()
    expect(step.locator("h3#step-title")).to_have_text(f"Stap 2: {STEP_TITLES['scores']}")
    expect(step.locator("section.web-dimension h4")).to_have_text(OFFICIAL)
    web = services.web_of(consult)
    records = {d.key: d for d in web.dimensions.all()}
    for key, name in DIMENSIONS:
        dimension = step.get_by_role("region", name=name, exact=True)
        radio = dimension.get_by_label(str(SCORES[key]), exact=True)
        autosaved(page, radio.check)
        expect(dimension.locator(f"#status-{records[key].public_id}")).to_contain_text(SAVED)

    # What the patient wants to talk about, in their own words.
    mind = step.get_by_role("region", name="Mentaal welbevinden", exact=True)
    autosaved(page, mind.get_by_label("Hier wil ik over praten").check)
    words = mind.get_by_label("in de eigen woorden van de patiënt")
    words.fill(WORDS)
    autosaved(page, lambda: page.keyboard.press("Tab"))
    expect(mind.locator(f"#status-{records['mentaal'].public_id}")).to_contain_text(SAVED)
    axe_check(page)
    saved = {d.key: (d.score, d.talk, d.words) for d in web.dimensions.all()}
    assert saved == {
        key: (score, key == "mentaal", WORDS if key == "mentaal" else "")
        for key, score in SCORES.items()
    }

    # A reload shows what was saved.
    page.reload()
    for key, name in DIMENSIONS:
        dimension = step.get_by_role("region", name=name, exact=True)
        expect(dimension.get_by_label(str(SCORES[key]), exact=True)).to_be_checked()
        talk = dimension.get_by_label("Hier wil ik over praten")
        if key == "mentaal":
            expect(talk).to_be_checked()
        else:
            expect(talk).not_to_be_checked()
    expect(words).to_have_value(WORDS)
    expect_ticks_before_their_words(page, at_least=6)
    for size in (WIDE, TABLET):
        page.set_viewport_size(size)
        expect_each_scale_on_one_line(page)
    shoot_step(page, "scores")

    # The conversation: the radar tells the scores and marks what to talk about.
    step.get_by_role("button", name=f"Klaar, volgende: {STEP_TITLES['gesprek']}").click()
    expect(step.locator("h3#step-title")).to_have_text(f"Stap 3: {STEP_TITLES['gesprek']}")
    radar = step.locator("svg.chart-radar")
    expect(radar).to_have_attribute("role", "img")
    expect(radar).to_have_accessible_name(re.compile(r"^Mijn spinnenweb "))
    [outline] = outlines(radar)
    assert_outline(outline, SCORES)
    expect(radar.locator("desc")).to_contain_text(
        "Lichaamsfuncties 7, Mentaal welbevinden 4 (wil hierover praten), Zingeving 8, "
        "Kwaliteit van leven 6, Meedoen 3, Dagelijks functioneren 5"
    )
    expect(radar.locator("text[font-weight='700']")).to_have_text(["Mentaal welbevinden"])
    expect(radar.locator("polygon.talk-star")).to_have_count(2)  # beside the name, in the legend
    expect(radar.locator("text").filter(has_text="Hier wil ik over praten")).to_have_count(1)
    expect(step).to_contain_text("De patiënt wil praten over: Mentaal welbevinden")
    assert cut_off_labels(radar) == []

    # The leading questions save themselves.
    sheet = WebSheet.objects.get(consult=consult)
    answers = {
        "wat vind je belangrijk?": "Dat ik weer kan genieten van mijn kleinkinderen",
        "wat zou je willen veranderen?": "Beter slapen",
        "wie of wat kan helpen?": "Mijn zus",
    }
    for label, text in answers.items():
        step.get_by_label(label).fill(text)
        autosaved(page, lambda: page.keyboard.press("Tab"))
    expect(step.locator(f"#status-{sheet.public_id}")).to_contain_text(SAVED)

    def stored() -> tuple[str, str, str]:
        sheet.refresh_from_db()
        return (sheet.what_matters, sheet.what_to_change, sheet.who_can_help)

    wait_until(lambda: stored() == tuple(answers.values()))
    assert stored() == tuple(answers.values())
    axe_check(page)
    shoot_step(page, "gesprek")

    # The plan: what the patient wants to talk about is offered as a goal.
    step.get_by_role("button", name=f"Klaar, volgende: {STEP_TITLES['plan']}").click()
    expect(step.locator("h3#step-title")).to_have_text(f"Stap 4: {STEP_TITLES['plan']}")
    suggestions = step.get_by_role("region", name="Van het gesprek naar doelen")
    offered = suggestions.locator("ul.suggestions > li")
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text(WORDS)
    expect(offered.locator(".domain-tag")).to_have_text("Mentaal welbevinden")
    axe_check(page)
    offered.get_by_role("button", name=re.compile("^Overnemen als doel")).click()
    goals = page.locator("aside#plan-panel #goal-list > li.goal")
    expect(goals).to_have_count(1)
    expect(goals.get_by_role("textbox", name=re.compile("^Doel 1"))).to_have_value(WORDS)
    expect(goals.locator(".domain-tag")).to_have_text("Mentaal welbevinden")
    expect(offered).to_contain_text("overgenomen als doel")
    goal = Goal.objects.get(plan__patient=patient_a)
    assert (goal.text, goal.domain) == (WORDS, "spinnenweb:mentaal")
    shoot_step(page, "plan")


# 2. This web over the web of last time (issue 11, point 3)


def test_the_web_is_drawn_over_the_web_of_last_time(
    page: Page, axe_check, live_server, huisarts_a, patient_a
):
    consented(patient_a, huisarts_a)
    actor = Actor(user=huisarts_a)
    months_ago = timezone.now() - timedelta(days=120)
    before_scores = dict.fromkeys(SCORES, 3) | {"zingeving": 5}
    earlier = consult_start(actor=actor, patient=patient_a, model_slug="spinnenweb")
    for dimension in services.web_of(earlier).dimensions.all():
        dimension.score = before_scores[dimension.key]
        dimension.save()
    Consult.objects.filter(pk=earlier.pk).update(
        started_at=months_ago, finished_at=months_ago + timedelta(hours=1)
    )
    Web.objects.filter(consult=earlier).update(filled_on=months_ago.date())
    now = consult_start(actor=actor, patient=patient_a, model_slug="spinnenweb")
    for dimension in services.web_of(now).dimensions.all():
        dimension.score = SCORES[dimension.key]
        dimension.talk = dimension.key == "meedoen"
        dimension.save()

    log_in(page, huisarts_a)
    page.set_viewport_size(WIDE)
    page.goto(step_path(now, "gesprek"))
    radar = page.locator("#step svg.chart-radar")
    expect(radar).to_be_visible()
    now_outline, before_outline = outlines(radar)
    assert_outline(now_outline, SCORES)
    assert_outline(before_outline, before_scores)
    strokes = radar.locator("polygon[stroke-width='3']")
    assert strokes.nth(0).get_attribute("stroke") != strokes.nth(1).get_attribute("stroke")
    assert strokes.nth(0).get_attribute("stroke-dasharray") != strokes.nth(1).get_attribute(
        "stroke-dasharray"
    )
    legend = radar.locator("text")
    expect(legend.filter(has_text=re.compile(r"^Nu, samen, "))).to_have_text(
        f"Nu, samen, {timezone.localdate():%d-%m-%Y}"
    )
    expect(legend.filter(has_text=re.compile(r"^Vorige keer, "))).to_have_text(
        f"Vorige keer, {months_ago.date():%d-%m-%Y}"
    )
    expect(radar.locator("text[font-weight='700']")).to_have_text(["Meedoen"])
    assert cut_off_labels(radar) == []
    axe_check(page)
    shoot_step(page, "gesprek-vorige-keer")

    # The look-along view, for the patient's eyes, shows both webs too.
    page.get_by_role("link", name="Meekijken met de patiënt").click()
    expect(page).to_have_url(f"{live_server.url}/consulten/{now.public_id}/meekijken/")
    look = page.locator("svg.chart-radar")
    expect(look).to_be_visible()
    expect(look).to_have_attribute("role", "img")
    assert len(outlines(look)) == 2
    expect(look.locator("text").filter(has_text="Vorige keer, ")).to_have_count(1)
    axe_check(page)
    for size in (WIDE, TABLET):
        page.set_viewport_size(size)
        shoot(page, f"meekijken-{size['width']}")


# 3. The patient's own web, prepared at home on a phone (issue 11, point 4)

HOME_SCORES = {
    "lichaamsfuncties": 6,
    "mentaal": 4,
    "zingeving": 7,
    "kwaliteit-van-leven": 5,
    "meedoen": 2,
    "dagelijks-functioneren": 8,
}
HOME_WORDS = "Ik zie bijna niemand meer"


def expect_patient_page(page: Page, patient: Patient, name: str) -> None:
    """Any page the patient sees: no name or number of theirs, large type, fits the
    phone's width, big score buttons; a screenshot for review."""
    expect_ticks_before_their_words(page)
    html = page.content()
    for identifying in (patient.first_name, patient.last_name, patient.his_number):
        assert identifying not in html, f"{identifying!r} is on the patient's page {page.url}"
    expect(page.locator("script")).to_have_count(0)
    body_px = float(page.locator("body").evaluate("b => getComputedStyle(b).fontSize")[:-2])
    assert body_px >= 18, f"body type is {body_px}px on {page.url}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        f"{page.url} is wider than the phone"
    )
    heights = page.locator("input[type=radio][name=score]").evaluate_all(
        "inputs => inputs.map(i => i.closest('label').getBoundingClientRect().height)"
    )
    assert all(height >= 44 for height in heights), f"score buttons too small: {heights}"
    shoot(page, f"thuis-{name}")


def test_the_patient_prepares_the_web_at_home_and_the_consult_starts_from_it(
    page: Page, phone, axe_check, live_server, huisarts_a, practice_a
):
    patient = consented(
        PatientFactory.create(practice=practice_a, first_name="Wilhelmina", last_name="Zonderland"),
        huisarts_a,
    )

    # The professional makes the link on the patient page.
    log_in(page, huisarts_a)
    url = make_patient_link(page, patient, MODEL, live_server.url)

    # The patient, on their phone, without JavaScript; a second phone with it runs axe.
    patient_phone = phone(javascript=False)
    axe_phone = phone(javascript=True)

    def axe_here() -> None:
        axe_phone.goto(patient_phone.url)
        axe_check(axe_phone)

    patient_phone.goto(url)
    expect(patient_phone.locator("h1")).to_have_text("Hoe gaat het met je?")
    expect(patient_phone.locator("main")).to_contain_text("Er zijn 6 vragen.")
    expect_patient_page(patient_phone, patient, "0-start")
    axe_here()
    patient_phone.get_by_role("link", name="Beginnen").click()

    def fill_screen(number: int, key: str, name: str) -> None:
        expect(patient_phone.locator("h1")).to_have_text(name)
        expect(patient_phone.locator("p.progress")).to_have_text(f"Vraag {number} van 6")
        expect(patient_phone.locator("input[type=radio][name=score]")).to_have_count(11)
        expect_patient_page(patient_phone, patient, f"{number}-{key}")
        axe_here()
        patient_phone.get_by_label(str(HOME_SCORES[key]), exact=True).check()
        if key == "meedoen":
            patient_phone.get_by_label("Hier wil ik over praten").check()
            patient_phone.get_by_label("In je eigen woorden").fill(HOME_WORDS)

    # Two screens, then stop for now.
    fill_screen(1, *DIMENSIONS[0])
    patient_phone.get_by_role("button", name="Volgende").click()
    fill_screen(2, *DIMENSIONS[1])
    patient_phone.get_by_role("button", name="Bewaren en nu stoppen").click()
    expect(patient_phone.locator("h1")).to_have_text("Opgeslagen")
    expect_patient_page(patient_phone, patient, "2b-gestopt")
    axe_here()
    assert set(PatientLink.objects.get().answers) == {"lichaamsfuncties", "mentaal"}

    # Later: the same link again, on where they stopped; the rest, then send.
    patient_phone.goto(url)
    go_on = patient_phone.get_by_role("link", name="Verder waar je stopte")
    expect(go_on).to_be_visible()
    expect_patient_page(patient_phone, patient, "2c-verder")
    axe_here()
    go_on.click()
    for number, (key, name) in enumerate(DIMENSIONS[2:], start=3):
        fill_screen(number, key, name)
        patient_phone.get_by_role(
            "button", name="Opslaan" if number == 6 else "Volgende", exact=True
        ).click()
    expect(patient_phone.locator("h1")).to_have_text("Je antwoorden versturen")
    expect_patient_page(patient_phone, patient, "7-versturen")
    axe_here()
    patient_phone.get_by_role("button", name="Versturen").click()
    expect(patient_phone.locator("h1")).to_have_text("Dank je wel")
    expect_patient_page(patient_phone, patient, "8-dank")
    # The thanks page answers the one POST that sends; axe reads the same page, served
    # again on the same site (its stylesheet included).
    thanks = patient_phone.content()
    axe_phone.route(
        "**/dank-voor-axe/", lambda route: route.fulfill(body=thanks, content_type="text/html")
    )
    axe_phone.goto("/dank-voor-axe/")
    expect(axe_phone.locator("h1")).to_have_text("Dank je wel")
    axe_check(axe_phone)
    home = Web.objects.get(patient=patient, source=WebSource.HOME)
    assert {d.key: d.score for d in home.dimensions.all()} == HOME_SCORES
    assert [d.key for d in home.dimensions.all() if d.talk] == ["meedoen"]

    # The professional's next Spinnenweb consult shows the patient's own web.
    page.goto(patient_path(patient))
    start = page.get_by_role("region", name="Breed gesprek starten")
    start.get_by_label(MODEL).check()
    start.get_by_role("button", name="Gesprek starten").click()
    step = page.locator("#step")
    expect(step.locator("h3#step-title")).to_have_text("Stap 1: Introductie")
    own = step.get_by_role("region", name=re.compile("De patiënt heeft thuis een eigen web"))
    expect(own.locator("h4")).to_have_text(
        f"De patiënt heeft thuis een eigen web ingevuld op {timezone.localdate():%d-%m-%Y}"
    )
    radar = own.locator("svg.chart-radar")
    expect(radar).to_have_attribute("role", "img")
    expect(radar.locator("text").filter(has_text="Thuis ingevuld, ")).to_have_text(
        f"Thuis ingevuld, {timezone.localdate():%d-%m-%Y}"
    )
    outline = outlines(radar)
    assert len(outline) == 1, "only the web from home has scores yet"
    assert_outline(outline[0], HOME_SCORES)
    expect(radar.locator("text[font-weight='700']")).to_have_text(["Meedoen"])
    expect(own).to_contain_text(HOME_WORDS)
    assert cut_off_labels(radar) == []
    axe_check(page)
    shoot_step(page, "introductie-thuis")

    # Start from it: the scores step has the patient's own scores, flag and words.
    with page.expect_response(lambda r: r.url.endswith("/van-thuis/")) as taken:
        own.get_by_role("button", name="Beginnen met het eigen web van de patiënt").click()
    assert taken.value.ok, f"taking up the web from home answered {taken.value.status}"
    page.goto(step_path(Consult.objects.get(patient=patient), "scores"))
    for key, name in DIMENSIONS:
        dimension = step.get_by_role("region", name=name, exact=True)
        expect(dimension.get_by_label(str(HOME_SCORES[key]), exact=True)).to_be_checked()
    participation = step.get_by_role("region", name="Meedoen", exact=True)
    expect(participation.get_by_label("Hier wil ik over praten")).to_be_checked()
    expect(participation.get_by_label("in de eigen woorden van de patiënt")).to_have_value(
        HOME_WORDS
    )
    shoot_step(page, "scores-van-thuis")
