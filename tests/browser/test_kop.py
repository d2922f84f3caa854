"""The KOP-model in a real browser, walked as a POH-GGZ walks the H&W article's case: a
woman of 53 who suddenly lost the sight of one eye, was left by her partner and fears
losing her job (invented name). Issue 10, points 1, 3 and 6:

1. session 1 by clicking and typing: the KOP-schema, shown side by side and as the
   picture; the risk analysis refused with a question open, the reminder on a later
   step, then recorded with suicidal thoughts: a flag in the banner and on the patient
   page; the probleemdefinitie; a complaint taken over as a goal with sleep hygiene
   as its agreement;
2. session 2: started from the patient page, the schema carried over, a lower
   severity, session 1 read-only, the trend per complaint on the patient page, the
   flag still there until it is closed with a reason;
3. relapse prevention in the printed plan, without the flag.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` runs once on every KOP step. Screenshots of
every step at 1366 and 768 px go to /tmp/shots/kop-bt-*.png for review."""

import datetime
import re
from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from consult.access import Actor
from consult.models import Agreement, Consult, Patient, PatientFlag
from consult.services.consults import consult_start
from kop import services
from kop.models import Complaint, KopSheet
from tests.browser.conftest import SOFT_TIMEOUT, log_in, wait_until
from tests.browser.journeys import (
    SAVED,
    SHOTS,
    autosave,
    consult_path,
    patient_path,
    pdf_text,
    status_beside,
    step_heading,
)
from tests.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.browser

REMINDER = "De risicoanalyse is nog niet vastgelegd."
REFUSAL = "Beantwoord elke vraag van de risicoanalyse en schrijf de conclusie"
THOUGHTS = "gedachten aan de dood of suïcide, geen plannen"
TREND = "KOP: ernst per klacht (1 tot 10)"

# The article's case, in the patient's words (see kop/demo.py).
ENERGY = ("Geen energie meer", "sinds de zomer", "8")
SLEEP = ("Slecht slapen", "sinds mijn partner weg is", "7")
BURDENS = (
    ("gezondheid", "Plotseling blind aan één oog"),
    ("relaties", "Mijn partner is weggegaan"),
    ("werk", "Bang dat mijn werkgever van me af wil"),
)
SUPPORT = "Steun van mijn kinderen"
FALLS_SHORT = "Ik wil altijd de sterke zijn"
HELPS = "Nuchter: ik pak dingen aan"
DEFINITION = (
    "Ook sterke mensen zoals ik kunnen op een moment komen dat het niet meer lukt. Door "
    "mijn oog, het vertrek van mijn partner en de zorgen om mijn werk is het me te veel "
    "geworden."
)


# Helpers


@pytest.fixture
def marion(practice_a, poh_a) -> Patient:
    """The article's patient: 53, invented name, consent given to the POH-GGZ."""
    today = timezone.localdate()
    patient = PatientFactory.create(
        practice=practice_a,
        first_name="Marion",
        last_name="Verhoef",
        date_of_birth=datetime.date(today.year - 53, 1, 1),
    )
    ConsentFactory.create(patient=patient, given_to=poh_a, recorded_by=poh_a)
    return patient


def shoot(page: Page, name: str, soft) -> None:
    """The page at 1366 and 768 px wide, for review; it must not scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 768):
        page.set_viewport_size({"width": width, "height": 900})
        # caret="initial": hiding the caret leaves style="" on inputs, which htmx's
        # settle then copies onto swapped-in elements (a CSP report of the test's own).
        page.screenshot(path=SHOTS / f"kop-bt-{name}-{width}.png", full_page=True, caret="initial")
        wide = page.evaluate("document.documentElement.scrollWidth")
        soft.check(
            lambda wide=wide, width=width: _at_most(wide, width),
            what=f"step {name!r} at {width} px scrolls sideways ({wide} px wide)",
        )
    page.set_viewport_size({"width": 1366, "height": 900})


def _at_most(value: int, limit: int) -> None:
    assert value <= limit, f"{value} > {limit}"


def settled(page: Page) -> None:
    """Wait until htmx has settled the last swap: the focus script then moves the focus
    (to the new step's heading, the emptied add field), and typing before that could
    land in the field it leaves."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def go_to_step(page: Page, title: str) -> None:
    """Click the step in the steps list (htmx swaps it in place)."""
    page.locator("#progress").get_by_role("link", name=title).click()
    expect(step_heading(page)).to_contain_text(title)
    settled(page)


def next_step(page: Page, title: str) -> None:
    page.locator("#step").get_by_role("button", name=f"Klaar, volgende: {title}").click()
    expect(step_heading(page)).to_contain_text(title)
    settled(page)


def add_complaint(page: Page, text: str, since: str, severity: str) -> None:
    """The K column's add form: the complaint, since when, how severe now."""
    form = page.locator("#step form.add-entry").filter(
        has=page.get_by_role("button", name="Klacht toevoegen")
    )
    form.get_by_label("Klacht, in de woorden van de patiënt").fill(text)
    form.get_by_label("Sinds wanneer").fill(since)
    form.get_by_label("Hoe ernstig nu (1 tot 10)").select_option(severity)
    form.get_by_role("button", name="Klacht toevoegen").click()
    added = page.locator(f"#step ul.kop-complaints input[type=text][value='{text}']")
    expect(added).to_have_count(1)
    settled(page)


def add_text(page: Page, label: str, text: str, *, area: str | None = None) -> None:
    """One of the O or P add forms, known by its label."""
    form = page.locator("#step form.add-entry").filter(has=page.get_by_label(label, exact=True))
    if area:
        form.get_by_label("Levensgebied").select_option(area)
    form.get_by_label(label, exact=True).fill(text)
    form.get_by_role("button", name="Toevoegen").click()
    added = page.locator(f"#step ul.entries input[type=text][value='{text}']")
    expect(added).to_have_count(1)
    settled(page)


def first_session(patient: Patient, poh) -> Consult:
    """Session 1 as test 1 leaves it, through the services, a fortnight ago."""
    actor = Actor(user=poh)
    consult = consult_start(actor=actor, patient=patient, model_slug="kop")
    for text, since, severity in (ENERGY, SLEEP):
        services.complaint_add(
            actor=actor, consult=consult, text=text, since=since, severity=int(severity)
        )
    for area, text in BURDENS:
        services.circumstance_add(
            actor=actor, consult=consult, area=area, positive=False, text=text
        )
    services.circumstance_add(
        actor=actor, consult=consult, area="familie", positive=True, text=SUPPORT
    )
    services.style_add(actor=actor, consult=consult, helps=False, text=FALLS_SHORT)
    services.style_add(actor=actor, consult=consult, helps=True, text=HELPS)
    sheet = KopSheet.objects.get(consult=consult)
    sheet.stressors = "Gezondheid: oog. Relatie: partner weg. Werk: baan in gevaar."
    sheet.protective = "Steun van haar kinderen; nuchter."
    sheet.acute_risk = "nee"
    sheet.depression = "nee"
    sheet.suicidality = "gedachten"
    sheet.risk_conclusion = "Geen acuut risico; gedachten aan de dood zonder plannen."
    sheet.problem_definition = DEFINITION
    sheet.save()
    services.risk_record(actor=actor, consult=consult)
    Consult.objects.filter(pk=consult.pk).update(started_at=timezone.now() - timedelta(days=14))
    return consult


# 1. Session 1: schema, picture, risk analysis and flag, probleemdefinitie, plan


def test_session_one_from_schema_through_risk_to_the_plan(
    page: Page, axe_check, soft, live_server, poh_a, marion
):
    log_in(page, poh_a)
    page.goto(patient_path(marion))
    expect(page.locator("section.patient-banner")).to_contain_text("53 jaar")
    page.get_by_role("radio", name="KOP-model").check()
    page.get_by_role("button", name="Gesprek starten").click()
    expect(step_heading(page)).to_have_text("Stap 1: KOP-schema")
    consult = Consult.objects.get(patient=marion, model_slug="kop")
    expect(page).to_have_url(re.compile(re.escape(consult_path(consult))))
    page.evaluate("window.__sameDocument = true")
    step = page.locator("#step")

    # Step 1, the KOP-schema, in her words.
    question = step.get_by_label("Waarom de patiënt komt, in eigen woorden")
    autosave(page, lambda: question.fill("Ik zie het niet meer zitten."))
    expect(status_beside(question)).to_contain_text(SAVED)
    for complaint in (ENERGY, SLEEP):
        add_complaint(page, *complaint)
    for area, text in BURDENS:
        add_text(page, "Iets wat belast, in de woorden van de patiënt", text, area=area)
    add_text(page, "Iets wat steunt, in de woorden van de patiënt", SUPPORT)
    add_text(page, "Een manier van reageren die tekortschiet", FALLS_SHORT)
    add_text(page, "Een manier van reageren die helpt", HELPS)
    table = step.locator("table.kop-table")
    k, o, p = (table.locator("tbody td").nth(i) for i in range(3))
    expect(k).to_contain_text("Geen energie meer, sinds de zomer 8/10")
    expect(k).to_contain_text("Slecht slapen, sinds mijn partner weg is 7/10")
    for _area, text in BURDENS:
        expect(o).to_contain_text(text)
    expect(o.locator("em")).to_have_text(SUPPORT)
    expect(p).to_contain_text(FALLS_SHORT)
    expect(p.locator("em")).to_have_text(HELPS)
    assert page.evaluate("window.__sameDocument === true"), "adding to the schema reloaded"
    axe_check(page)
    shoot(page, "1-schema", soft)

    # Step 2, the risk analysis: one question left open, recording it is refused.
    next_step(page, "Risicoanalyse")
    autosave(
        page,
        lambda: step.get_by_label("Ernstige stressoren, per levensgebied").fill(
            "Gezondheid: plotseling blind aan één oog. Relatie: partner vertrokken. "
            "Werk: bang haar baan te verliezen."
        ),
    )
    autosave(
        page,
        lambda: step.get_by_label("Beschermende factoren (steun, sterke kanten)").fill(
            "Steun van haar kinderen; nuchter, geeft niet snel op."
        ),
    )
    autosave(
        page,
        lambda: (
            step.get_by_role("group", name="Is er een acuut risico?")
            .get_by_role("radio", name="nee")
            .check()
        ),
    )
    autosave(
        page,
        lambda: (
            step.get_by_role("group", name="Is er een depressie?")
            .get_by_role("radio", name="nee", exact=True)
            .check()
        ),
    )
    conclusion = step.get_by_label("Conclusie van de zorgverlener")
    autosave(
        page,
        lambda: conclusion.fill(
            "Ernstige stressoren op drie levensgebieden, ook beschermende factoren. Geen "
            "acuut risico, geen depressie. Gedachten aan de dood zonder plannen."
        ),
    )
    expect(status_beside(conclusion)).to_contain_text(SAVED)
    step.get_by_role("button", name="Risicoanalyse vastleggen").click()
    expect(step.locator(".form-errors[role=alert]")).to_contain_text(REFUSAL)
    expect(step).not_to_contain_text("Vastgelegd op")
    assert not PatientFlag.objects.exists(), "a refused risk analysis raised a flag"
    axe_check(page)
    shoot(page, "2-risico", soft)

    # A later step reminds; its link leads back.
    go_to_step(page, "Samenhang en probleemdefinitie")
    reminder = step.locator(".kop-risk-reminder")
    expect(reminder).to_contain_text(REMINDER)
    reminder.get_by_role("link", name="Naar de risicoanalyse").click()
    expect(step_heading(page)).to_have_text("Stap 2: Risicoanalyse")
    settled(page)

    # Answer suicidality, record: a flag, in the banner after a reload and on her page.
    suicidality = step.get_by_role("group", name="Suïcidaliteit")
    autosave(page, lambda: suicidality.get_by_role("radio", name=THOUGHTS).check())
    step.get_by_role("button", name="Risicoanalyse vastleggen").click()
    expect(step).to_contain_text("Vastgelegd op")
    expect(step.locator(".form-errors")).to_have_count(0)
    flag = PatientFlag.objects.get(patient=marion)
    assert THOUGHTS in flag.text
    page.reload()
    banner_flags = page.locator("section.patient-banner").get_by_role("list", name="Signalen")
    expect(banner_flags).to_contain_text(THOUGHTS)
    expect(banner_flags).to_contain_text("Risico")

    # Step 3: no reminder now; the picture beside the problem definition.
    next_step(page, "Samenhang en probleemdefinitie")
    page.evaluate("window.__sameDocument = true")
    expect(step.locator(".kop-risk-reminder")).to_have_count(0)
    chart = step.locator(".kop-definition svg.chart-kop")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile("leiden samen tot de klachten"))
    for text in ("Geen energie meer (8/10)", BURDENS[0][1], FALLS_SHORT, f"+ {SUPPORT}"):
        expect(chart).to_contain_text(text)
    definition = step.get_by_label("Probleemdefinitie, samen opgesteld")
    autosave(page, lambda: definition.fill(DEFINITION))
    expect(status_beside(definition)).to_contain_text(SAVED)
    assert KopSheet.objects.get(consult=consult).problem_definition == DEFINITION
    axe_check(page)
    shoot(page, "3-probleemdefinitie", soft)

    # Step 4: take a complaint over as a goal, sleep hygiene for it.
    next_step(page, "Doelen en plan van aanpak")
    suggestion = step.locator("ul.suggestions li").filter(has_text=SLEEP[0])
    suggestion.get_by_role("button", name=re.compile("Overnemen als doel")).click()
    panel = page.locator("aside#plan-panel")
    expect(panel.get_by_label("Doel 1")).to_have_value(SLEEP[0])
    expect(suggestion).to_contain_text("overgenomen als doel")
    settled(page)
    add = step.get_by_role("button", name="Aan het plan toevoegen")
    soft.check(
        lambda: expect(add).to_be_visible(timeout=SOFT_TIMEOUT),
        what="after taking a suggestion over as a goal, the plan step offers the "
        "intervention form for it without a reload",
    )
    if not add.is_visible():
        go_to_step(page, "Doelen en plan van aanpak")
    step.get_by_label("Voor doel").select_option(label=SLEEP[0])
    step.get_by_label("Interventie").select_option(label="Slaaphygiëne")
    step.get_by_label("Wie voert het uit").select_option(label="de patiënt")
    add.click()
    chosen = step.locator("ul.entries li").filter(has_text="Slaaphygiëne")
    expect(chosen).to_contain_text(f"voor “{SLEEP[0]}”, door de patiënt")
    agreement = panel.locator("li.agreement summary")
    soft.check(
        lambda: expect(agreement).to_contain_text("Werken aan goed slapen", timeout=SOFT_TIMEOUT),
        what="the chosen intervention shows as an agreement in the plan panel without a reload",
    )
    page.reload()
    expect(agreement).to_contain_text("Werken aan goed slapen: vaste tijden, rust voor het slapen")
    expect(agreement).to_contain_text("de patiënt")
    assert Agreement.objects.get().goal.text == SLEEP[0]
    axe_check(page)
    shoot(page, "4-plan", soft)

    # The patient page shows the flag too.
    page.locator("section.patient-banner h1 a").click()
    flags = page.get_by_role("region", name="Signalen")
    expect(flags.locator("ul.flag-list")).to_contain_text(THOUGHTS)


# 2. Session 2: carried over, severity lower, the trend, the flag closed


def test_session_two_carries_the_schema_over_and_follows_severity(
    page: Page, axe_check, soft, live_server, poh_a, marion
):
    first = first_session(marion, poh_a)
    flag_text = PatientFlag.objects.get(patient=marion).text
    log_in(page, poh_a)
    page.goto(patient_path(marion))
    page.get_by_text("Start sessie 2", exact=True).click()
    page.get_by_role("button", name="Ja, start sessie 2").click()
    second = Consult.objects.get(continues=first)
    expect(page).to_have_url(re.compile(re.escape(consult_path(second))))
    expect(page.locator(".workspace-head h2")).to_have_text("KOP-model · sessie 2")
    expect(page.locator("section.patient-banner")).to_contain_text(flag_text)
    table = page.locator("#step table.kop-table")
    expect(table).to_contain_text("Geen energie meer, sinds de zomer 8/10")
    expect(table).to_contain_text(BURDENS[1][1])
    expect(table).to_contain_text(HELPS)

    # Uitvoering: the severity of "Slecht slapen" now, 4 (was 7).
    go_to_step(page, "Uitvoering van het plan")
    step = page.locator("#step")
    expect(step).to_contain_text("Dit is sessie 2. Hoe ernstig is elke klacht nu?")
    sleep = step.locator("li.entry").filter(
        has=page.locator(f"input[type=text][value='{SLEEP[0]}']")
    )
    severity = sleep.get_by_role("combobox")
    expect(severity).to_have_value("7")
    autosave(page, lambda: severity.select_option("4"))
    expect(status_beside(severity)).to_contain_text(SAVED)
    assert Complaint.objects.get(consult=second, text=SLEEP[0]).severity == 4
    assert Complaint.objects.get(consult=first, text=SLEEP[0]).severity == 7
    axe_check(page)
    shoot(page, "5-uitvoering", soft)

    # Session 1 opens read-only.
    sessions = page.get_by_role("navigation", name="Sessies van dit traject")
    sessions.get_by_role("link", name="Sessie 1").click()
    expect(page.locator(".workspace-head h2")).to_have_text("KOP-model · sessie 1")
    expect(page.locator("p.notice")).to_contain_text("dit gesprek kun je lezen, niet meer wijzigen")
    expect(page.locator("main").get_by_role("button", name="Klacht toevoegen")).to_have_count(0)
    expect(page.locator("#step table.kop-table")).to_contain_text("7/10")

    # The patient page: the trend per complaint over both sessions.
    page.locator("section.patient-banner h1 a").click()
    trend = page.locator("figure.trend").filter(has_text=TREND)
    chart = trend.locator("svg[role=img]")
    expect(chart).to_be_visible()
    desc = chart.locator("desc")
    expect(desc).to_contain_text(re.compile(r"Slecht slapen: 7 \([\d-]+\), 4 \([\d-]+\)"))
    expect(desc).to_contain_text(re.compile(r"Geen energie meer: 8 \([\d-]+\), 8 \([\d-]+\)"))

    # The flag, still open in session 2, is closed here with a reason and is gone.
    flags = page.get_by_role("region", name="Signalen")
    expect(flags.locator("ul.flag-list")).to_contain_text(flag_text)
    reason = "In sessie 2 besproken: geen gedachten aan de dood meer."
    flags.get_by_label("Reden van sluiten").fill(reason)
    flags.get_by_role("button", name="Signaal sluiten").click()
    expect(page.locator(".messages")).to_contain_text("Signaal gesloten.")
    expect(page.locator("ul.flag-list")).to_have_count(0)
    page.goto(consult_path(second))
    expect(page.locator("section.patient-banner")).to_contain_text("Marion Verhoef")
    expect(page.locator("section.patient-banner ul.flags")).to_have_count(0)


# 3. Relapse prevention in the printed plan, the flag kept out


def test_relapse_prevention_is_printed_without_the_flag(
    page: Page, axe_check, soft, live_server, poh_a, marion
):
    first = first_session(marion, poh_a)
    second = consult_start(
        actor=Actor(user=poh_a), patient=marion, model_slug="kop", continues=first
    )
    flag_text = PatientFlag.objects.get(patient=marion).text
    log_in(page, poh_a)
    page.goto(f"{consult_path(second)}stap/terugvalpreventie/")
    step = page.locator("#step")
    expect(step_heading(page)).to_have_text("Stap 6: Terugvalpreventie")
    expect(step.locator(".kop-risk-reminder")).to_have_count(0)
    words = {
        "Signalen dat het slechter gaat, in de woorden van de patiënt": (
            "Ik slaap weer slecht en zeg afspraken af."
        ),
        "Wat dan helpt": "Fietsen, een vaste dag, mijn dochter bellen.",
        "Wie te bellen": "Mijn dochter; de praktijk op werkdagen.",
    }
    for label, text in words.items():
        field = step.get_by_label(label)
        autosave(page, partial(field.fill, text))
        expect(status_beside(field)).to_contain_text(SAVED)
    # The three fields share one record and one save state: wait until every text is
    # stored before printing, not only the first save that answered.
    stored = ("warning_signs", "what_helps", "who_to_call")
    wait_until(
        lambda: (
            [getattr(KopSheet.objects.get(consult=second), name) for name in stored]
            == list(words.values())
        )
    )
    axe_check(page)
    shoot(page, "6-terugvalpreventie", soft)

    href = page.locator(".workspace-actions").get_by_role("link", name="Plan afdrukken")
    url = href.get_attribute("href")
    assert url
    response = page.request.get(url)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(response.body()).split())
    assert "Als het weer slechter gaat" in text
    for said in words.values():
        assert said in text, f"{said!r} is not in the printed plan"
    assert THOUGHTS not in text
    assert flag_text not in text
