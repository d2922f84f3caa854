"""Referring from anywhere, in a real browser: from a goal in the consult's plan the
huisarts opens the sociale kaart, searches, refers from the results and lands back in
the consult with the referral in the plan. And the import page of the sociale kaart
stays as wide as the screen with a 100,000-character cell, and says it is done when it
is done.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` fails on serious or critical violations."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from consult.access import Actor
from consult.models import Referral
from consult.services.plans import goal_add
from sociale_kaart.csv_io import importing
from tests.browser.conftest import log_in
from tests.sociale_kaart.conftest import make_service
from tests.sociale_kaart.test_csv import make_csv, service_row

pytestmark = pytest.mark.browser

GOAL = "Van mijn schulden af"
# A debt service whose own words never say "schuld": found by its theme.
BUDGET_COACH = "Budgetcoach Zonnedal"
ELDERLY = "Ouderenadvies 65+"
ELSEWHERE = "Schuldhulp Elders"
WIDE_SCREEN: ViewportSize = {"width": 1366, "height": 900}


def years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def fits_the_screen(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_huisarts_refers_from_the_sociale_kaarts_search_and_returns_to_the_consult(
    page: Page, axe_check, soft, live_server, huisarts_a, patient_a, practice_a, consult_4d
):
    patient_a.postcode = "9992 AB"
    patient_a.date_of_birth = years_ago(47)
    patient_a.save()
    goal = goal_add(
        actor=Actor(user=huisarts_a), consult=consult_4d, text=GOAL, domain="4d:maatschappelijk"
    )
    own = practice_a.own_map
    make_service(
        own,
        name=BUDGET_COACH,
        description="Samen uw administratie op orde brengen.",
        phone="0501234567",
        serves_whole_region=False,
        area_postcodes="9990-9994",
    )
    make_service(own, name=ELDERLY, description="Schuldhulp voor ouderen.", age_min=65)
    make_service(
        own,
        name=ELSEWHERE,
        description="Schuldhulp in een ander dorp.",
        serves_whole_region=False,
        area_postcodes="9800",
    )

    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/stap/plan/")
    goal_item = page.locator(f"#goal-{goal.public_id}")
    expect(goal_item).to_be_visible()

    # From the goal to the sociale kaart.
    goal_item.locator(".more-services a").click()
    expect(page).to_have_url(re.compile(r"/sociale-kaart/\?.*gesprek="))
    context = page.locator(".refer-context")
    expect(context.get_by_role("heading", level=2)).to_contain_text(GOAL)
    soft.has_text(
        context.get_by_role("heading", level=2), f"Verwijzen voor: {GOAL}", where="banner"
    )
    expect(page.locator("#id_age")).to_have_value("47")

    # Searching as they type: "schuld" finds the debt service by its theme; the one for
    # over-65s and the one for another area are left out.
    page.locator("#id_q").fill("schuld")
    results = page.locator("#service-results")
    expect(results.get_by_role("link", name=BUDGET_COACH, exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q=schuld(&|$)"))
    expect(results.get_by_role("link", name=ELDERLY, exact=True)).to_have_count(0)
    expect(results.get_by_role("link", name=ELSEWHERE, exact=True)).to_have_count(0)
    axe_check(page)

    row = results.locator("tbody tr").filter(
        has=page.get_by_role("link", name=BUDGET_COACH, exact=True)
    )
    button = row.get_by_role("button", name=re.compile(rf"{GOAL}.*{BUDGET_COACH}"))
    soft.has_text(button, f"Verwijzen voor: {GOAL}", where="refer button")
    button.click()

    # Back in the consult, at the goal, with the referral in the plan.
    expect(page).to_have_url(
        re.compile(rf"/consulten/{consult_4d.public_id}/(stap/[a-z-]+/)?#goal-{goal.public_id}$")
    )
    goal_item = page.locator(f"#goal-{goal.public_id}")
    referral = goal_item.locator("li.referral")
    expect(referral).to_have_count(1)
    expect(referral).to_contain_text(BUDGET_COACH)
    expect(referral).to_contain_text("050 123 4567")
    expect(page.locator(".messages")).to_contain_text(BUDGET_COACH)
    axe_check(page)
    saved = Referral.objects.get()
    assert (saved.goal_id, saved.service.name) == (goal.pk, BUDGET_COACH)


def test_the_import_check_stays_on_the_screen_and_the_finished_import_says_so(
    page: Page, axe_check, live_server, manager_a, monkeypatch, tmp_path
):
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)  # several progress lines
    rows = [service_row(sleutel=f"dienst-{n}", naam=f"Dienst {n}") for n in range(5)]
    rows.append(service_row(sleutel="te-lang", naam="x" * 100_000))
    upload = tmp_path / "kaart.csv"
    upload.write_bytes(make_csv(rows))

    page.set_viewport_size(WIDE_SCREEN)
    log_in(page, manager_a)
    page.goto("/sociale-kaart/importeren/")
    page.locator("input[type=file]").set_input_files(upload)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/sociale-kaart/importeren/[0-9a-f-]+/"))
    rejected = page.locator("table.import-rejected tbody tr")
    expect(rejected).to_have_count(1)
    assert fits_the_screen(page), page.evaluate("document.documentElement.scrollWidth")
    axe_check(page)

    page.locator("#mode-valid").check()
    page.locator("main form button[type=submit]").click()
    result = page.locator("#import-result")
    expect(result).to_have_text("Import klaar")
    # Done means done: no "being imported", no "0 of 6" beside "6 of 6".
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_text("wordt geïmporteerd")).to_have_count(1)  # in the page...
    expect(page.get_by_text("wordt geïmporteerd")).to_be_hidden()  # ...but not shown
    expect(page.locator(".import-progress:visible")).to_have_count(0)
    expect(page.get_by_text("gelezen en gecontroleerd")).to_be_hidden()
    assert fits_the_screen(page), page.evaluate("document.documentElement.scrollWidth")
    axe_check(page)
