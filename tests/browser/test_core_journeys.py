"""The core's journeys in a real browser, driven through the throwaway fifth model:
continuing a consult (KOP session 3 of 8), a patient flag in every consult, the
patient's own entry by link on a phone without JavaScript, and the patient's timeline.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` fails on serious or critical violations.
Screenshots for review go to /tmp/shots/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from consult.access import Actor
from consult.models import Consult, FlagLevel, Patient, PatientLink
from consult.services.consults import consult_start
from consult.services.flags import flag_raise
from tests.browser.conftest import log_in
from tests.browser.journeys import PHONE, SHOTS, consult_path, patient_path
from tests.factories import ConsentFactory, PatientFactory
from tests.throwaway_model import SLUG, throwaway_model  # noqa: F401

pytestmark = pytest.mark.browser

FLAG_TEXT = "Gedachten aan de dood genoemd"


def consented(patient: Patient, user) -> Patient:
    ConsentFactory.create(patient=patient, given_to=user, recorded_by=user)
    return patient


def shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page)


# 1. Continuation (issue 8, point 3)


def test_continue_a_trajectory_and_read_the_earlier_round(
    page: Page,
    axe_check,
    live_server,
    throwaway_model,  # noqa: F811
    huisarts_a,
    patient_a,
):
    consented(patient_a, huisarts_a)
    first = consult_start(actor=Actor(user=huisarts_a), patient=patient_a, model_slug=SLUG)

    # Find the patient in the list and open their page.
    log_in(page, huisarts_a)
    page.locator("#patient-results").first.get_by_role("link", name=re.compile("Hoekstra")).click()
    expect(page).to_have_url(f"{live_server.url}{patient_path(patient_a)}")
    # Round 1 is still open: going on with it comes first, round 2 asks once.
    expect(page.get_by_role("link", name="Verder met ronde 1")).to_have_attribute(
        "href", consult_path(first)
    )
    page.get_by_text("Start ronde 2", exact=True).click()
    expect(page.locator("details.next-session")).to_contain_text("Ronde 1 is nog open.")
    page.get_by_role("button", name="Ja, start ronde 2").click()

    # The workspace of round 2, linking back to round 1.
    second = Consult.objects.get(continues=first)
    expect(page).to_have_url(f"{live_server.url}{consult_path(second)}")
    head = page.locator(".workspace-head")
    expect(head.locator("h2")).to_have_text("Proefmodel · ronde 2")
    sessions = page.get_by_role("navigation", name="Sessies van dit traject")
    expect(sessions.locator("[aria-current=page]")).to_have_text("Ronde 2")
    expect(
        page.locator("#step").get_by_role("button", name="Klaar, volgende: Stap twee")
    ).to_be_visible()
    axe_check(page)
    shoot(page, "ronde-2-workspace", full_page=False)

    # Round 1 opens read-only: the notice, and no button that changes anything.
    sessions.get_by_role("link", name="Ronde 1").click()
    expect(page).to_have_url(f"{live_server.url}{consult_path(first)}")
    expect(head.locator("h2")).to_have_text("Proefmodel · ronde 1")
    expect(page.locator("p.notice")).to_contain_text("dit gesprek kun je lezen, niet meer wijzigen")
    expect(page.locator("p.notice")).to_contain_text("Afgerond op")
    main = page.locator("main")
    expect(main.get_by_role("button", name=re.compile("^Klaar, volgende"))).to_have_count(0)
    expect(main.get_by_role("button", name="Deze stap afronden")).to_have_count(0)
    expect(main.get_by_role("button", name="Gesprek afronden")).to_have_count(0)
    expect(sessions.get_by_role("link", name="Ronde 2")).to_be_visible()
    axe_check(page)

    # The patient page groups both rounds under one heading and offers round 3.
    page.locator("section.patient-banner h1 a").click()
    expect(page).to_have_url(f"{live_server.url}{patient_path(patient_a)}")
    trajectories = page.locator("ol.timeline > li.trajectory")
    expect(trajectories).to_have_count(1)
    expect(trajectories.locator("h3")).to_have_text("Proefmodel (2 sessies)")
    rows = trajectories.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Proefronde 2")
    expect(rows.nth(1)).to_contain_text("Proefronde 1")
    expect(page.get_by_role("link", name="Verder met ronde 2")).to_be_visible()
    expect(page.get_by_text("Start ronde 3", exact=True)).to_be_visible()
    expect(page.get_by_text("Start ronde 2", exact=True)).to_have_count(0)
    axe_check(page)


# 2. Flags (issue 8, point 4)


def test_a_flag_shows_in_another_models_consult_until_closed_with_a_reason(
    page: Page,
    axe_check,
    live_server,
    throwaway_model,  # noqa: F811
    huisarts_a,
    consult_4d,
):
    patient = consult_4d.patient
    proef = consult_start(actor=Actor(user=huisarts_a), patient=patient, model_slug=SLUG)
    flag_raise(
        actor=Actor(user=huisarts_a),
        consult=proef,
        source_key=f"{SLUG}:zorg",
        level=FlagLevel.ACUTE,
        text=FLAG_TEXT,
    )

    # The 4D workspace of the same patient shows the flag in the banner.
    log_in(page, huisarts_a)
    page.goto(consult_path(consult_4d))
    banner_flags = page.locator("section.patient-banner").get_by_role("list", name="Signalen")
    expect(banner_flags).to_contain_text(FLAG_TEXT)
    expect(banner_flags).to_contain_text("Acuut risico")
    axe_check(page)
    shoot(page, "flag-banner-4d", full_page=False)

    # The look-along view, for the patient's eyes, never shows it.
    page.get_by_role("link", name="Meekijken met de patiënt").click()
    expect(page).to_have_url(f"{live_server.url}{consult_path(consult_4d)}meekijken/")
    expect(page.locator("h1")).to_contain_text("Ingrid")
    assert FLAG_TEXT not in page.content()
    page.get_by_role("link", name="Terug naar het gesprek").click()

    # From the banner to the patient page, where the flag is closed.
    banner_flags.get_by_role("link", name="Sluiten met een reden").click()
    expect(page).to_have_url(f"{live_server.url}{patient_path(patient)}#flags-heading")
    flags = page.get_by_role("region", name="Signalen")
    expect(flags.locator("ul.flag-list")).to_contain_text(FLAG_TEXT)
    axe_check(page)

    # Without a reason it is refused, in Dutch, next to the field.
    flags.get_by_role("button", name="Signaal sluiten").click()
    expect(flags.locator(".form-errors[role=alert]")).to_contain_text("Dit veld is verplicht")
    expect(flags.locator("ul.flag-list")).to_contain_text(FLAG_TEXT)

    reason = "Opnieuw besproken, geen gedachten meer"
    flags.get_by_label("Reden van sluiten").focus()
    page.keyboard.type(reason)
    flags.get_by_role("button", name="Signaal sluiten").click()
    expect(page.locator(".messages")).to_contain_text("Signaal gesloten.")
    expect(page.locator("ul.flag-list")).to_have_count(0)
    expect(page.locator("section.patient-banner")).not_to_contain_text(FLAG_TEXT)
    closed = page.locator("details").filter(has_text="Gesloten signalen")
    closed.locator("summary").click()
    expect(closed).to_contain_text(reason)

    # Back in the 4D workspace the banner no longer shows it.
    page.goto(consult_path(consult_4d))
    expect(page.locator("section.patient-banner")).to_contain_text("Ingrid Hoekstra")
    expect(page.locator("section.patient-banner ul.flags")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(FLAG_TEXT)


# 3. A patient's own entry by link (issue 8, point 6)


def expect_patient_page(page: Page, patient: Patient, name: str) -> None:
    """Any page the patient sees: no name or number of theirs, large type, fits the
    phone's width; a screenshot for review."""
    html = page.content()
    for identifying in (patient.first_name, patient.last_name, patient.his_number):
        assert identifying not in html, f"{identifying!r} is on the patient's page {page.url}"
    expect(page.locator("script")).to_have_count(0)
    body_px = float(page.locator("body").evaluate("b => getComputedStyle(b).fontSize")[:-2])
    assert body_px >= 18, f"body type is {body_px}px on {page.url}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        f"{page.url} is wider than the phone"
    )
    shoot(page, name)


def test_the_patient_fills_in_at_home_on_a_phone_without_javascript(
    page: Page,
    phone,
    axe_check,
    live_server,
    throwaway_model,  # noqa: F811
    huisarts_a,
    practice_a,
):
    patient = consented(
        PatientFactory.create(practice=practice_a, first_name="Wilhelmina", last_name="Zonderland"),
        huisarts_a,
    )

    # The professional makes the link on the patient page.
    log_in(page, huisarts_a)
    page.goto(patient_path(patient))
    links = page.get_by_role("region", name="De patiënt thuis laten invullen")
    links.get_by_label("Proef thuis invullen").check()
    links.get_by_role("button", name="Link maken").click()
    qr = page.get_by_role("img", name="QR-code van de link")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    url = page.locator(".link-url code").inner_text()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/mijn/[\w-]{{32,}}/", url), url
    axe_check(page)

    # The patient, on their phone, without JavaScript; a second phone with it runs axe.
    patient_phone = phone(javascript=False)
    axe_phone = phone(javascript=True)

    def axe_here(target: str | None = None) -> None:
        axe_phone.goto(target or patient_phone.url)
        axe_check(axe_phone)

    patient_phone.goto(url)
    expect(patient_phone.locator("h1")).to_have_text("Hoe gaat het met je?")
    expect_patient_page(patient_phone, patient, "link-1-start")
    axe_here()
    patient_phone.get_by_role("link", name="Beginnen").click()

    # Screen 1: a wrong score, then 7, then stop for now.
    expect(patient_phone.locator("h1")).to_have_text("Welk cijfer geef je?")
    expect(patient_phone.locator("p.progress")).to_have_text("Vraag 1 van 2")
    expect_patient_page(patient_phone, patient, "link-2-cijfer")
    axe_here()
    score = patient_phone.get_by_label("Je cijfer")
    score.fill("12")
    patient_phone.get_by_role("button", name="Volgende").click()
    expect(patient_phone.locator(".field")).to_contain_text("hoogstens 10")
    expect_patient_page(patient_phone, patient, "link-3-cijfer-fout")
    axe_phone.goto(patient_phone.url)
    axe_phone.get_by_label("Je cijfer").fill("12")
    axe_phone.get_by_role("button", name="Volgende").click()
    expect(axe_phone.locator(".field")).to_contain_text("hoogstens 10")
    axe_check(axe_phone)
    assert PatientLink.objects.get().answers == {}, "a form error kept something"
    score.fill("7")
    patient_phone.get_by_role("button", name="Bewaren en nu stoppen").click()
    expect(patient_phone.locator("h1")).to_have_text("Opgeslagen")
    expect_patient_page(patient_phone, patient, "link-4-pauze")
    axe_here()

    # Later: the same link again, on where they stopped.
    patient_phone.goto(url)
    go_on = patient_phone.get_by_role("link", name="Verder waar je stopte")
    expect(go_on).to_be_visible()
    expect_patient_page(patient_phone, patient, "link-5-verder")
    go_on.click()
    expect(patient_phone.locator("h1")).to_have_text("Wat wil je nog zeggen?")
    expect(patient_phone.locator("p.progress")).to_have_text("Vraag 2 van 2")
    expect_patient_page(patient_phone, patient, "link-6-woorden")
    axe_here()
    patient_phone.get_by_label("In je eigen woorden").fill("Beter dan vorige week")
    patient_phone.get_by_role("button", name="Opslaan", exact=True).click()
    expect(patient_phone.locator("h1")).to_have_text("Je antwoorden versturen")
    expect_patient_page(patient_phone, patient, "link-7-versturen")
    axe_here()
    patient_phone.get_by_role("button", name="Versturen").click()
    expect(patient_phone.locator("h1")).to_have_text("Dank je wel")
    expect_patient_page(patient_phone, patient, "link-8-dank")
    assert PatientLink.objects.get().answers == {
        "cijfer": {"score": 7},
        "woorden": {"words": "Beter dan vorige week"},
    }

    # The professional sees it sent; the link no longer works.
    page.get_by_role("link", name="Terug naar de patiënt").click()
    row = page.get_by_role("region", name="De patiënt thuis laten invullen").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Proef thuis invullen")
    expect(row).to_contain_text(f"verstuurd op {timezone.localdate():%d-%m-%Y}")
    patient_phone.goto(url)
    expect(patient_phone.locator("h1")).to_have_text("Deze link werkt niet")
    expect_patient_page(patient_phone, patient, "link-9-werkt-niet")
    axe_here(url)


# 4. The patient's timeline (issue 8, point 7)


def test_the_timeline_shows_trajectories_newest_first_and_the_trend(
    page: Page,
    axe_check,
    live_server,
    throwaway_model,  # noqa: F811
    huisarts_a,
    consult_4d,
):
    patient = consult_4d.patient
    actor = Actor(user=huisarts_a)
    previous = None
    for _round in range(3):
        previous = consult_start(actor=actor, patient=patient, model_slug=SLUG, continues=previous)
    for days_ago, score in ((60, 4), (30, 6), (1, 8)):
        PatientLink.objects.create(
            token_hash=f"{days_ago:064d}",
            patient=patient,
            model_slug=SLUG,
            purpose="thuis",
            created_by=huisarts_a,
            expires_at=timezone.now(),
            completed_at=timezone.now() - timedelta(days=days_ago),
            answers={"cijfer": {"score": score}},
        )

    log_in(page, huisarts_a)
    page.goto(patient_path(patient))
    conversations = page.get_by_role("region", name="Gesprekken")
    trajectories = conversations.locator("ol.timeline > li.trajectory")
    # The proef rounds started after the 4D consult: that trajectory comes first.
    expect(trajectories.locator("h3")).to_have_text(["Proefmodel (3 sessies)", "4D-model"])
    expect(trajectories.nth(0).locator("tbody tr")).to_have_text(
        [re.compile(f"Proefronde {n}") for n in (3, 2, 1)]
    )
    expect(trajectories.nth(1).locator("tbody tr")).to_have_count(1)

    trend = conversations.locator("figure.trend").filter(has_text="Proefcijfer van thuis")
    chart = trend.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(re.compile("Proefcijfer van thuis"))
    expect(chart.locator("desc")).to_contain_text("Cijfer: 4 (")
    expect(chart.locator("desc")).to_contain_text("8 (")
    axe_check(page)

    for width in (1366, 768):
        page.set_viewport_size({"width": width, "height": 900})
        expect(chart).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            f"the patient page is wider than {width} px"
        )
        shoot(page, f"timeline-{width}")

    # Every label of the chart is drawn inside it, none cut off at an edge.
    cut_off = chart.evaluate(
        """svg => {
          const box = svg.viewBox.baseVal;
          return [...svg.querySelectorAll("text")].filter(text => {
            const b = text.getBBox();
            return b.x < box.x || b.y < box.y
              || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height;
          }).map(text => text.textContent);
        }"""
    )
    assert cut_off == [], f"chart labels cut off at the edge: {cut_off}"
