"""EMBOSS seven steps in a real browser, walked as a POH-S walks a cycle with a patient
with low health literacy and money worries (invented name). Issue 12, points 1, 2, 4,
5 and 7:

1. a whole cycle by clicking and typing: the conversation card marked (autosave) and
   drawn after a reload, conversation and priorities, the money mark taken over as a
   goal and rephrased, a second goal and an agreement, what "as hoped" looks like;
   the plan step refused until the plan is checked by teach-back in the plan panel;
   casemanager and GP; the printed plan with the teach-back date and the card; the
   evaluation in the patient's terms; cycle 2 carrying over only the open goal; the
   patient page with the cycle's result and the series of goals reached; the
   evaluations list (top menu) with the patient whose evaluation is within two weeks;
2. the card at home: a link, filled in on a phone without JavaScript, sent, and the
   professional starting the cycle from the patient's own card.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` runs once on every EMBOSS step (and on the
step with the card from home, and one home screen). Screenshots of every step at 1366
and 768 px, and of the home screens at 390 px, go to /tmp/shots/emboss-bt-*.png."""

import datetime
import re
from datetime import timedelta

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Locator, Page, expect

from consult.models import Agreement, Consult, Goal, Patient, PatientLink, Role, TeachBack, User
from emboss.models import Card, CardSource, GoalEvaluation
from tests.browser.conftest import SOFT_TIMEOUT, log_in
from tests.browser.journeys import (
    PHONE,
    SAVED,
    SHOTS,
    autosave,
    consult_path,
    expect_ticks_before_their_words,
    make_patient_link,
    patient_path,
    pdf_text,
    status_beside,
    step_heading,
)
from tests.factories import ConsentFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.browser

REFUSAL = "Check het plan eerst met de terugvraagmethode"
TEACH_BACK_SENTENCE = "heb je dit plan in je eigen woorden verteld"

STEPS = (
    "Voorbereiden met de gesprekskaart",
    "Gesprek over gezondheid en dagelijks leven",
    "Prioriteiten stellen",
    "Keuzes maken, doelen stellen en het plan maken",
    "Het plan vastleggen",
    "Aan de slag",
    "Evalueren",
)

# The patient's own words (invented case: alone, little money, letters left closed).
LETTERS = "Ik maak de brieven niet meer open"
POST = "Mijn post weer openmaken"  # the money mark, rephrased as her goal
WALKING = "Elke dag een half uur wandelen"
AS_HOPED = "Ik open elke week mijn post, samen met mijn zoon"
HELPER = "Met mijn zoon naar het Geldloket"
SAID_BACK = "Ik ga met mijn zoon naar het Geldloket en ik maak mijn post weer open."
EXPLAINED = "Dat het Geldloket gratis is en dat ze de brieven mag meenemen."


# Helpers


@pytest.fixture
def poh_s(practice_a) -> User:
    return UserFactory.create(practice=practice_a, role=Role.POH_S, full_name="Sanne Mulder")


@pytest.fixture
def gp(practice_a) -> User:
    return UserFactory.create(practice=practice_a, role=Role.HUISARTS, full_name="Dokter Visser")


@pytest.fixture
def annie(practice_a, poh_s) -> Patient:
    """61, living alone on a small income, reads little: invented name, consent to the
    POH-S."""
    today = timezone.localdate()
    patient = PatientFactory.create(
        practice=practice_a,
        first_name="Annie",
        last_name="Jansen",
        date_of_birth=datetime.date(today.year - 61, 2, 1),
    )
    ConsentFactory.create(patient=patient, given_to=poh_s, recorded_by=poh_s)
    return patient


def shoot(page: Page, name: str, soft) -> None:
    """The page at 1366 and 768 px wide, for review; it must not scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 768):
        page.set_viewport_size({"width": width, "height": 900})
        # caret="initial": hiding the caret leaves style="" on inputs, which htmx's
        # settle then copies onto swapped-in elements (a CSP report of the test's own).
        page.screenshot(
            path=SHOTS / f"emboss-bt-{name}-{width}.png", full_page=True, caret="initial"
        )
        wide = page.evaluate("document.documentElement.scrollWidth")
        soft.check(
            lambda wide=wide, width=width: _at_most(wide, width),
            what=f"{name!r} at {width} px scrolls sideways ({wide} px wide)",
        )
    page.set_viewport_size({"width": 1366, "height": 900})


def _equal(value: object, expected: object) -> None:
    assert value == expected, f"{value} != {expected}"


def _at_most(value: int, limit: int) -> None:
    assert value <= limit, f"{value} > {limit}"


def settled(page: Page) -> None:
    """Wait until htmx has settled the last swap (the focus script then moves the
    focus; typing before that could land in the field it leaves)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def next_step(page: Page, number: int) -> None:
    title = STEPS[number - 1]
    page.locator("#step").get_by_role("button", name=f"Klaar, volgende: {title}").click()
    expect(step_heading(page)).to_have_text(f"Stap {number}: {title}")
    settled(page)


def go_to_step(page: Page, number: int) -> None:
    page.locator("#progress").get_by_role("link", name=STEPS[number - 1]).click()
    expect(step_heading(page)).to_have_text(f"Stap {number}: {STEPS[number - 1]}")
    settled(page)


def mark(page: Page, domain: str) -> Locator:
    """One domain's marks on the Voorbereiden step."""
    return page.locator("#step").get_by_role("region", name=domain, exact=True)


def card_chart(page: Page) -> Locator:
    """The card of this cycle (filled in together): the last card in the step."""
    return page.locator("#step svg.chart-card").last


def quiet(page: Page) -> Page:
    """No request under way and every "Opslaan..." indicator faded out (axe would
    measure the contrast of one halfway through its fade)."""
    settled(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.htmx-indicator')]"
        ".every(e => getComputedStyle(e).opacity === '0')"
    )
    return page


def dutch_date(day: datetime.date) -> str:
    with translation.override("nl"):
        return dateformat.format(day, "j F Y")


# 1. A whole cycle: card, plan with teach-back, evaluation, cycle 2, the timeline


def test_a_whole_cycle_from_the_card_to_cycle_two(
    page: Page, axe_check, soft, live_server, poh_s, gp, annie
):
    log_in(page, poh_s)
    page.goto(patient_path(annie))
    page.get_by_role("radio", name="EMBOSS zeven stappen").check()
    page.get_by_role("button", name="Gesprek starten").click()
    expect(step_heading(page)).to_have_text(f"Stap 1: {STEPS[0]}")
    cycle = Consult.objects.get(patient=annie, model_slug="emboss")
    expect(page).to_have_url(re.compile(re.escape(consult_path(cycle))))
    expect(page.locator("#progress li")).to_have_text([re.compile(t) for t in STEPS])
    step = page.locator("#step")
    panel = page.locator("aside#plan-panel")

    # Step 1: on the card, money worries her most; her body goes well.
    money = mark(page, "Geld")
    autosave(page, lambda: money.get_by_role("radio", name="maak me zorgen").check())
    autosave(
        page, lambda: money.get_by_role("checkbox", name="Dit is voor mij het belangrijkst").check()
    )
    words = money.get_by_label("In de eigen woorden van de patiënt")
    autosave(page, lambda: words.fill(LETTERS))
    expect(status_beside(words)).to_contain_text(SAVED)
    body = mark(page, "Mijn lichaam")
    autosave(page, lambda: body.get_by_role("radio", name="gaat goed").check())
    expect(status_beside(body.get_by_role("radio", name="gaat goed"))).to_contain_text(SAVED)

    # After a reload the card shows the marks: shapes and words, one star.
    page.reload()
    chart = card_chart(page)
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_accessible_name(re.compile("^De gesprekskaart"))
    desc = chart.locator("desc")
    expect(desc).to_contain_text("Mijn lichaam: gaat goed")
    expect(desc).to_contain_text("Geld: zorgen, belangrijkst")
    expect(chart.locator("path.matters-most")).to_have_count(1)
    expect(chart.locator("text", has_text="belangrijkst")).to_have_count(1)
    expect(mark(page, "Geld").get_by_role("radio", name="maak me zorgen")).to_be_checked()
    expect(mark(page, "Geld").get_by_label("In de eigen woorden van de patiënt")).to_have_value(
        LETTERS
    )
    axe_check(quiet(page))
    expect_ticks_before_their_words(page, at_least=7)  # one "belangrijkst" per domain
    shoot(page, "1-voorbereiden", soft)

    # Steps 2 and 3: the conversation and her priorities, typed.
    next_step(page, 2)
    expect(card_chart(page).locator("desc")).to_contain_text("Geld: zorgen, belangrijkst")
    talk = step.get_by_label(re.compile("^Waar we over praatten"))
    autosave(
        page,
        lambda: talk.fill(
            "Sinds haar man overleed doet ze de post niet meer open. Er komen aanmaningen. "
            "Lichamelijk gaat het goed, ze loopt graag."
        ),
    )
    expect(status_beside(talk)).to_contain_text(SAVED)
    axe_check(quiet(page))
    shoot(page, "2-gesprek", soft)

    next_step(page, 3)
    priorities = step.get_by_label("Waar de patiënt eerst aan wil werken")
    autosave(page, lambda: priorities.fill("Eerst de brieven en het geld. Daarna meer bewegen."))
    expect(status_beside(priorities)).to_contain_text(SAVED)
    axe_check(quiet(page))
    shoot(page, "3-prioriteiten", soft)

    # Step 4: the money mark becomes a goal; a second goal in her words; an agreement.
    next_step(page, 4)
    expect(step.locator(".notice-warn")).to_contain_text("Wat ga je thuis vertellen?")
    suggestions = step.locator("#goal-suggestions li")
    expect(suggestions).to_have_count(1)
    suggestion = suggestions.filter(has_text=LETTERS)
    suggestion.get_by_role("button", name=re.compile("Overnemen als doel")).click()
    expect(panel.get_by_label(re.compile("^Doel 1"))).to_have_value(LETTERS)
    expect(panel.locator("#goal-list .domain-tag")).to_have_text("Geld")
    expect(suggestion).to_contain_text("overgenomen als doel")
    settled(page)
    # The focus is on the new goal's words: rephrased as she says it.
    first_goal = panel.get_by_label(re.compile("^Doel 1"))
    expect(first_goal).to_be_focused()
    autosave(page, lambda: first_goal.fill(POST))
    expect(status_beside(first_goal)).to_contain_text(SAVED)
    panel.get_by_label("Nieuw doel, in de eigen woorden van de patiënt").fill(WALKING)
    panel.get_by_role("button", name="Doel toevoegen").click()
    expect(panel.get_by_label(re.compile("^Doel 2"))).to_have_value(WALKING)
    settled(page)
    money_goal = panel.locator("li.goal").first
    expect(money_goal.get_by_label(re.compile("^Doel 1"))).to_have_value(POST)
    money_goal.locator("details.add-agreement summary").click()
    money_goal.get_by_label("Nieuwe afspraak: wat er gaat gebeuren").fill(HELPER)
    money_goal.get_by_role("button", name="Afspraak toevoegen").click()
    expect(panel.locator("li.agreement summary")).to_contain_text(HELPER)
    settled(page)

    # "As hoped" for the money goal: the step lists the goals taken over.
    scale = step.get_by_role("region", name=POST)
    soft.check(
        lambda: expect(scale).to_be_visible(timeout=SOFT_TIMEOUT),
        what="after taking a card mark over as a goal, the Doelen step offers its "
        "'zoals gehoopt' fields without a reload",
    )
    if not scale.is_visible():
        go_to_step(page, 4)
    as_hoped = scale.get_by_label("Zoals gehoopt ziet eruit als")
    autosave(page, lambda: as_hoped.fill(AS_HOPED))
    expect(status_beside(as_hoped)).to_contain_text(SAVED)

    # Done before teach-back: refused, in Dutch, and the step stays open.
    step.get_by_role("button", name=f"Klaar, volgende: {STEPS[4]}").click()
    expect(step.locator(".form-errors[role=alert]")).to_contain_text(REFUSAL)
    expect(step_heading(page)).to_have_text(f"Stap 4: {STEPS[3]}")
    cycle.refresh_from_db()
    assert "doelen" not in cycle.completed_steps
    settled(page)

    # On a tablet the plan is a closed panel: the step's link should still lead there.
    teach_back = panel.locator("section#teach-back")
    page.set_viewport_size({"width": 768, "height": 900})
    step.locator(".notice-warn").get_by_role("link", name="Naar terugvragen").click()
    soft.check(
        lambda: expect(teach_back).to_be_in_viewport(timeout=SOFT_TIMEOUT),
        what="at 768 px the Doelen step's link 'Naar terugvragen' leads nowhere: the plan "
        "panel stays closed",
    )
    # Above the step the current one is underlined, not also barred at the left as in
    # the list beside the step.
    borders = page.locator(".progress li.current a").evaluate(
        "a => [getComputedStyle(a).borderLeftWidth, getComputedStyle(a).borderBottomWidth]"
    )
    soft.check(
        lambda: _equal(borders, ["0px", "4px"]),
        what=f"at 768 px the current step's left and bottom borders are {borders}",
    )
    page.set_viewport_size({"width": 1366, "height": 900})

    # Teach-back in the plan panel: her words, and what was explained again.
    expect(teach_back).to_contain_text("Wat ga je thuis vertellen?")
    form = teach_back.locator("details")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    teach_back.get_by_label("Wat de patiënt zei, in eigen woorden").fill(SAID_BACK)
    teach_back.get_by_label("Wat opnieuw is uitgelegd (als dat nodig was)").fill(EXPLAINED)
    teach_back.get_by_role("button", name="Vastleggen: de patiënt vertelde het plan terug").click()
    today = timezone.localdate()
    expect(teach_back.locator(".notice")).to_contain_text(
        f"Met de patiënt nagelopen op {today:%d-%m-%Y} (Sanne Mulder)"
    )
    expect(teach_back.locator(".notice")).to_contain_text(SAID_BACK)
    expect(teach_back.locator(".notice")).to_contain_text(EXPLAINED)
    recorded = TeachBack.objects.get(consult=cycle)
    assert (recorded.patient_said, recorded.explained_again) == (SAID_BACK, EXPLAINED)
    settled(page)
    soft.check(
        lambda: expect(step.locator(".notice-warn")).to_have_count(0, timeout=SOFT_TIMEOUT),
        what="after the teach-back is recorded, the Doelen step still says it has to come "
        "first (and still shows the refusal) until it is reloaded",
    )
    axe_check(quiet(page))
    shoot(page, "4-doelen", soft)

    # Now the plan step can be done.
    next_step(page, 5)
    cycle.refresh_from_db()
    assert "doelen" in cycle.completed_steps

    # Step 5: casemanager and GP; the evaluation date within two weeks; the print.
    casemanager = step.get_by_label("Casemanager")
    autosave(page, lambda: casemanager.select_option(label="Sanne Mulder"))
    responsible = step.get_by_label("Eindverantwoordelijke huisarts")
    autosave(page, lambda: responsible.select_option(label="Dokter Visser"))
    where = step.get_by_role("group", name="Waar het plan bewaard wordt")
    autosave(page, lambda: where.get_by_role("radio", name="allebei").check())
    expect(status_beside(responsible)).to_contain_text(SAVED)
    soft.check(
        lambda: expect(where).not_to_contain_text("Select an option", timeout=SOFT_TIMEOUT),
        what="Vastleggen: 'Waar het plan bewaard wordt' offers Django's untranslated empty "
        "choice '- Select an option -'",
    )
    evaluate_on = today + timedelta(days=10)
    when = panel.get_by_label(re.compile("^Volgende evaluatie"))
    autosave(page, lambda: when.fill(evaluate_on.isoformat()))
    expect(status_beside(when)).to_contain_text(SAVED)
    axe_check(quiet(page))
    shoot(page, "5-vastleggen", soft)

    href = step.get_by_role("link", name="Plan afdrukken").get_attribute("href")
    assert href
    response = page.request.get(href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.body()).split())
    assert f"Op {dutch_date(today)} {TEACH_BACK_SENTENCE}" in text, text
    assert f"Wat voor mij belangrijk is “{LETTERS}”" in text
    assert f"Mijn doelen 1. {POST} 2. {WALKING}" in text
    assert HELPER in text
    assert "Wat we samen zagen" in text  # the card, on its own page

    # Step 6: what she does herself.
    next_step(page, 6)
    own = step.get_by_label("Wat de patiënt zelf doet")
    autosave(page, lambda: own.fill("Elke maandag de post openmaken met mijn zoon."))
    expect(status_beside(own)).to_contain_text(SAVED)
    expect(step.locator("ul.entries")).to_contain_text(HELPER)
    axe_check(quiet(page))
    shoot(page, "6-aan-de-slag", soft)

    # Step 7: per goal a score or an outcome and her words; the agreement done.
    next_step(page, 7)
    money_eval = step.get_by_role("region", name=POST)
    expect(money_eval.locator(".hint")).to_contain_text(f"0 {AS_HOPED}")
    score = money_eval.get_by_label("Score (-2 tot +2)")
    autosave(page, lambda: score.select_option(label="0: zoals gehoopt"))
    says = money_eval.get_by_label("Wat de patiënt zegt")
    autosave(page, lambda: says.fill("De brieven liggen niet meer in de la."))
    expect(status_beside(says)).to_contain_text(SAVED)
    walking_eval = step.get_by_role("region", name=WALKING)
    autosave(page, lambda: walking_eval.get_by_role("radio", name="deels").check())
    check = step.locator(".agreement-check").filter(has_text=HELPER)
    autosave(page, lambda: check.get_by_role("radio", name="klaar").check())
    expect(status_beside(check.get_by_role("radio", name="klaar"))).to_contain_text(SAVED)
    evaluations = {e.goal.text: e for e in GoalEvaluation.objects.select_related("goal")}
    assert (evaluations[POST].score, evaluations[POST].patient_says) == (
        0,
        "De brieven liggen niet meer in de la.",
    )
    assert evaluations[WALKING].outcome == "deels"
    axe_check(quiet(page))
    shoot(page, "7-evalueren", soft)

    # Cycle 2: the reached goal has left the plan, the open one goes on.
    step.get_by_role("button", name="Start cyclus 2").click()
    page.wait_for_url(lambda url: "/consulten/" in url and str(cycle.public_id) not in url)
    second = Consult.objects.get(continues=cycle)
    expect(page).to_have_url(re.compile(re.escape(consult_path(second))))
    cycle.refresh_from_db()
    assert cycle.finished_at is not None, "cycle 1 is still open"
    expect(page.locator(".workspace-head h2")).to_have_text("EMBOSS zeven stappen · cyclus 2")
    expect(panel.locator("#goal-list li.goal")).to_have_count(1)
    expect(panel.get_by_label(re.compile("^Doel 1"))).to_have_value(WALKING)
    expect(panel).not_to_contain_text(HELPER)
    assert Goal.objects.get(text=POST).reached_on == today
    assert Goal.objects.get(text=WALKING).reached_on is None
    assert Agreement.objects.get(what=HELPER).goal.text == POST

    # The patient page: the cycle's outcome and the series of goals reached.
    page.locator("section.patient-banner h1 a").click()
    expect(page).to_have_url(re.compile(re.escape(patient_path(annie))))
    conversations = page.get_by_role("region", name="Gesprekken")
    expect(conversations.locator("li.trajectory tbody")).to_contain_text(
        "Cyclus 1: 1 van 2 doelen bereikt"
    )
    trend = conversations.locator("figure.trend").filter(
        has_text="EMBOSS: doelen bereikt per cyclus"
    )
    expect(trend.locator("svg[role=img]")).to_be_visible()

    # The evaluations list in the top menu: her evaluation falls within two weeks.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Evaluaties").click()
    expect(page).to_have_url(f"{live_server.url}/evaluaties/")
    row = page.locator("tbody tr").filter(has_text="Annie Jansen")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{evaluate_on:%d-%m-%Y}")
    expect(row).to_contain_text("over 10 dagen")


# 2. The card at home, on a phone without JavaScript, and starting from it


def expect_home_screen(page: Page, patient: Patient, name: str) -> None:
    """A screen the patient sees: no name or number of theirs, large type, fits the
    phone; a screenshot for review."""
    expect_ticks_before_their_words(page)
    html = page.content()
    for identifying in (patient.first_name, patient.last_name, patient.his_number):
        assert identifying not in html, f"{identifying!r} is on the patient's page {page.url}"
    body_px = float(page.locator("body").evaluate("b => getComputedStyle(b).fontSize")[:-2])
    assert body_px >= 18, f"body type is {body_px}px on {page.url}"
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], f"{page.url} is {wide} px wide on a 390 px phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"emboss-bt-thuis-{name}-390.png", full_page=True)


def test_the_card_at_home_on_a_phone_and_starting_from_it(
    page: Page, phone, axe_check, soft, live_server, poh_s, annie
):
    # The professional makes the link on the patient page.
    log_in(page, poh_s)
    url = make_patient_link(page, annie, "EMBOSS-gesprekskaart", live_server.url)

    # At home, on a phone without JavaScript: a few screens, then send.
    home = phone(javascript=False)
    home.goto(url)
    expect(home.locator("h1")).to_have_text("Jouw gesprekskaart")
    expect(home.locator("main")).to_contain_text("Zeven delen van je leven")
    expect_home_screen(home, annie, "1-start")
    home.get_by_role("link", name="Beginnen").click()

    expect(home.locator("h1")).to_have_text("Mijn lichaam")
    expect(home.locator("p.progress")).to_have_text("Vraag 1 van 7")
    home.get_by_role("radio", name="Gaat goed").check()
    expect_home_screen(home, annie, "2-lichaam")
    home.get_by_role("button", name="Volgende").click()
    for title in ("Hoe ik me voel", "Mensen om mij heen"):
        expect(home.locator("h1")).to_have_text(title)
        home.get_by_role("button", name="Volgende").click()

    expect(home.locator("h1")).to_have_text("Geld")
    expect(home.locator("main")).to_contain_text("Kun je rondkomen?")
    home.get_by_role("radio", name="Ik maak me zorgen").check()
    home.get_by_role("checkbox", name="Dit is voor mij het belangrijkst").check()
    home.get_by_label("In je eigen woorden (mag leeg blijven)").fill(LETTERS)
    expect_home_screen(home, annie, "3-geld")
    # One screen with axe, on a phone that runs scripts.
    with_axe = phone(javascript=True)
    with_axe.goto(home.url)
    axe_check(with_axe)
    home.get_by_role("button", name="Volgende").click()
    for title in ("Mijn huis", "Mijn dagen"):
        expect(home.locator("h1")).to_have_text(title)
        home.get_by_role("button", name="Volgende").click()
    expect(home.locator("h1")).to_have_text("Wat ik belangrijk vind")
    home.get_by_role("button", name="Opslaan", exact=True).click()
    expect(home.locator("h1")).to_have_text("Je antwoorden versturen")
    expect_home_screen(home, annie, "4-versturen")
    home.get_by_role("button", name="Versturen").click()
    expect(home.locator("h1")).to_have_text("Dank je wel")
    expect_home_screen(home, annie, "5-dank")
    assert PatientLink.objects.get().completed_at is not None
    sent = Card.objects.get(source=CardSource.HOME)
    money = sent.marks.get(domain="geld")
    assert (money.state, money.matters_most, money.words) == ("zorgen", True, LETTERS)

    # The professional starts the cycle: Voorbereiden shows the card from home.
    page.goto(patient_path(annie))
    page.get_by_role("radio", name="EMBOSS zeven stappen").check()
    page.get_by_role("button", name="Gesprek starten").click()
    expect(step_heading(page)).to_have_text(f"Stap 1: {STEPS[0]}")
    step = page.locator("#step")
    from_home = step.get_by_role("region", name=re.compile("heeft de kaart thuis ingevuld"))
    expect(from_home).to_contain_text(f"{timezone.localdate():%d-%m-%Y}")
    home_chart = from_home.locator("svg.chart-card")
    expect(home_chart.locator("desc")).to_contain_text("Geld: zorgen, belangrijkst")
    expect(home_chart.locator("desc")).to_contain_text("Mijn lichaam: gaat goed")
    expect(card_chart(page).locator("desc")).to_have_text("Nog niets aangegeven.")

    # Starting from her own card copies its marks into this cycle's card.
    from_home.get_by_role("button", name="Beginnen met de eigen kaart van de patiënt").click()
    expect(card_chart(page).locator("desc")).to_contain_text("Geld: zorgen, belangrijkst")
    expect(card_chart(page).locator("desc")).to_contain_text("Mijn lichaam: gaat goed")
    settled(page)
    expect(mark(page, "Geld").get_by_role("radio", name="maak me zorgen")).to_be_checked()
    expect(
        mark(page, "Geld").get_by_role("checkbox", name="Dit is voor mij het belangrijkst")
    ).to_be_checked()
    expect(mark(page, "Geld").get_by_label("In de eigen woorden van de patiënt")).to_have_value(
        LETTERS
    )
    expect(mark(page, "Mijn lichaam").get_by_role("radio", name="gaat goed")).to_be_checked()
    cycle = Consult.objects.get(patient=annie, model_slug="emboss")
    together = Card.objects.get(consult=cycle, source=CardSource.TOGETHER)
    assert together.marks.get(domain="geld").words == LETTERS
    # Two cards on one step: each must be named by its own title.
    soft.check(
        lambda: expect(card_chart(page)).to_have_accessible_name(
            re.compile("^De gesprekskaart"), timeout=SOFT_TIMEOUT
        ),
        what="with the card from home shown too, this cycle's card is named by its own "
        "title (both SVGs use id=card-title / card-desc)",
    )
    axe_check(quiet(page))
    shoot(page, "1-voorbereiden-van-thuis", soft)
