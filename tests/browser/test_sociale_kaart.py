"""The sociale kaart in a real browser: the practice manager keeps it (add with a
validation error first, edit, earlier versions, deactivate), checks stale services,
a huisarts searches it as they type, and refers from a goal in the consult's plan and
records the organisation's feedback.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` fails on serious or critical violations."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from consult.models import Referral, ReferralStatus
from sociale_kaart.models import Service, ServiceRevision
from tests.browser.conftest import SOFT_TIMEOUT, log_in
from tests.browser.journeys import expect_ticks_before_their_words
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.browser

MAP_PATH = "/sociale-kaart/"
STALE_BADGE = "langer dan een jaar niet gecontroleerd"
BAD_PHONE_ERROR = "Vul een Nederlands telefoonnummer van tien cijfers in"
DEBT_HELP = "Schuldhulpverlening Zonnedal"
DEBT_DESCRIPTION = "Gratis hulp als je een schuld hebt of je rekeningen niet meer kunt betalen."
SPORT = "Buurtsportcoach"
DIETITIAN = "Diëtist De Linde"


def field(scope: Locator | Page, label: str) -> Locator:
    """The form field with this Dutch label (Django adds a colon to most labels)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))


def result_link(page: Page, name: str) -> Locator:
    return page.locator("#service-results").get_by_role("link", name=name, exact=True)


def result_row(page: Page, name: str) -> Locator:
    return page.locator("#service-results tbody tr").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )


def named(visible: str, hidden: str) -> re.Pattern[str]:
    """The accessible name of a control whose visible text is completed by a visually
    hidden part (": <name>"); Chromium puts a space before the colon."""
    return re.compile(rf"^{re.escape(visible)}\s*:\s*{re.escape(hidden)}$")


def today() -> str:
    return timezone.localdate().strftime("%d-%m-%Y")


def test_manager_adds_edits_and_deactivates_a_service(
    page: Page, open_page, axe_check, soft, live_server, manager_a, huisarts_a, practice_a
):
    make_service(practice_a.own_map, name=SPORT, themes=("bewegen-en-leefstijl",))
    name = "Formulierenhulp Zonnedal"
    first_description = "Hulp bij het invullen van formulieren van de gemeente."
    second_description = "Vrijwilligers helpen met formulieren en brieven van instanties."

    # A map keeper starts on the sociale kaart, with the keeper's buttons.
    log_in(page, manager_a)
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}")
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart")
    expect(main.get_by_role("link", name="Te controleren")).to_be_visible()
    expect(result_link(page, SPORT)).to_be_visible()
    axe_check(page)

    # The new-service form, first with a phone number that is not one.
    main.get_by_role("link", name="Nieuwe dienst").click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}nieuw/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe dienst")
    form = page.locator("main form")
    field(form, "Naam").fill(name)
    field(form, "Organisatie").fill("Stichting Zonnedal")
    field(form, "Beschrijving in eenvoudige taal").fill(first_description)
    form.get_by_role("group", name=re.compile("^Thema's")).get_by_label("Geld en schulden").check()
    field(form, "Postcodegebieden").fill("9990-9994")
    field(form, "Telefoon").fill("12345")
    form.get_by_role("button", name="Opslaan").click()

    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}nieuw/")
    phone = field(page.locator("main form"), "Telefoon")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_phone_error")).to_contain_text(BAD_PHONE_ERROR)
    soft.check(
        lambda: expect(phone).to_have_accessible_description(
            re.compile(BAD_PHONE_ERROR), timeout=SOFT_TIMEOUT
        ),
        what="the phone error is tied to the phone field (aria-describedby)",
    )
    # What was typed is kept, and nothing was saved.
    expect(field(page.locator("main form"), "Naam")).to_have_value(name)
    expect(phone).to_have_value("12345")
    assert not Service.objects.filter(name=name).exists()
    axe_check(page)

    # Fixed: saved, on the detail page with the message.
    phone.fill("050 123 4567")
    page.locator("main form").get_by_role("button", name="Opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Dienst toegevoegd aan de sociale kaart.")
    service = Service.objects.get(name=name)
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}{service.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(main).to_contain_text(first_description)
    expect(main).to_contain_text("050 123 4567")  # grouped as written
    expect(main).to_contain_text("Geld en schulden")
    expect(main).to_contain_text("9990-9994")
    assert service.phone == "0501234567"
    assert service.service_map_id == practice_a.own_map_id
    # Just entered by the practice manager, so just checked: not "out of date".
    soft.check(
        lambda: expect(main).not_to_contain_text(
            "Langer dan een jaar niet gecontroleerd", timeout=SOFT_TIMEOUT
        ),
        what='a service added today ("Laatst gecontroleerd op" left empty) is called '
        "out of date on its detail page (last_checked_on stays empty, so is_stale is true)",
    )
    axe_check(page)

    # Edit the description.
    main.get_by_role("link", name="Wijzigen").click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}{service.public_id}/wijzigen/")
    description = field(page.locator("main form"), "Beschrijving in eenvoudige taal")
    expect(description).to_have_value(first_description)
    description.fill(second_description)
    page.locator("main form").get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}{service.public_id}/")
    expect(page.locator(".messages")).to_contain_text("Wijzigingen opgeslagen.")
    expect(main).to_contain_text(second_description)
    expect(main).not_to_contain_text(first_description)

    # Earlier versions: both, newest first, each with its description.
    main.get_by_role("link", name="Eerdere versies").click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}{service.public_id}/versies/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Eerdere versies van {name}")
    revisions = main.locator("section.revision")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0).get_by_role("heading")).to_contain_text(re.compile(r"^Versie 2, "))
    expect(revisions.nth(1).get_by_role("heading")).to_contain_text(re.compile(r"^Versie 1, "))
    expect(revisions.nth(0)).to_contain_text(second_description)
    expect(revisions.nth(1)).to_contain_text(first_description)
    expect(revisions.nth(0)).to_contain_text("Manager A")
    assert ServiceRevision.objects.filter(service=service).count() == 2
    # The people reading this are Dutch practice managers: field names and kinds of
    # change in their language, not the code's.
    soft.has_text(
        revisions.nth(0).locator("dt"),
        "Beschrijving in eenvoudige taal",
        where="history: label of the changed field (not the code name 'description')",
    )
    soft.check(
        lambda: expect(
            revisions.nth(0).locator("dt").filter(has_text=re.compile(r"^\s*description\s*$"))
        ).to_have_count(0, timeout=SOFT_TIMEOUT),
        what="history shows the code name 'description' as the field label",
    )
    soft.check(
        lambda: expect(revisions.nth(0)).not_to_contain_text(
            re.compile(r"·\s*updated\b"), timeout=SOFT_TIMEOUT
        ),
        what="history shows the kind of change untranslated ('updated')",
    )
    soft.check(
        lambda: expect(revisions.nth(1)).not_to_contain_text(
            re.compile(r"·\s*created\b"), timeout=SOFT_TIMEOUT
        ),
        what="history shows the kind of change untranslated ('created')",
    )
    axe_check(page)

    # Deactivate: the detail page says so, the list no longer shows it...
    main.get_by_role("link", name=f"Terug naar {name}").click()
    main.get_by_role("button", name="Deactiveren").click()
    expect(page.locator(".messages")).to_contain_text("De dienst is gedeactiveerd")
    expect(main).to_contain_text("Deze dienst is niet actief")
    expect(main.get_by_role("button", name="Weer activeren")).to_be_visible()
    service.refresh_from_db()
    assert not service.is_active

    page.goto(MAP_PATH)
    expect(result_link(page, SPORT)).to_be_visible()
    expect(result_link(page, name)).to_have_count(0)
    # ...unless the keeper asks for inactive services too.
    expect_ticks_before_their_words(page, at_least=1)
    main.get_by_label("Ook niet-actieve diensten tonen").check()
    inactive_row = result_row(page, name)
    expect(inactive_row).to_be_visible()
    expect(inactive_row.locator(".badge")).to_contain_text(["niet actief"])

    # A huisarts of the same practice no longer finds it.
    other = open_page()
    log_in(other, huisarts_a)
    other.goto(f"{MAP_PATH}?q=formulieren")
    expect(other.locator("#service-results")).to_contain_text("Geen dienst gevonden")
    expect(result_link(other, name)).to_have_count(0)
    other.goto(MAP_PATH)
    expect(result_link(other, SPORT)).to_be_visible()
    expect(result_link(other, name)).to_have_count(0)
    expect(other.locator("main").get_by_label("Ook niet-actieve diensten tonen")).to_have_count(0)
    # Asking for inactive services by address does not help a non-keeper either.
    other.goto(f"{MAP_PATH}?inactive=on")
    expect(result_link(other, SPORT)).to_be_visible()
    expect(result_link(other, name)).to_have_count(0)


def test_manager_marks_a_stale_service_as_checked(
    page: Page, axe_check, live_server, manager_a, practice_a
):
    stale = make_service(
        practice_a.own_map, name="Thuisadministratie Zonnedal", checked_days_ago=400
    )
    make_service(practice_a.own_map, name=SPORT, themes=("bewegen-en-leefstijl",))

    log_in(page, manager_a)
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}")
    expect(result_row(page, stale.name).locator(".badge-warn")).to_have_text(STALE_BADGE)
    expect(result_row(page, SPORT)).to_be_visible()
    expect(result_row(page, SPORT)).not_to_contain_text(STALE_BADGE)

    page.locator("main").get_by_role("link", name="Te controleren").click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}controleren/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Te controleren")
    review = page.locator("main table")
    expect(review.get_by_role("link", name=stale.name)).to_be_visible()
    expect(review.get_by_role("link", name=SPORT)).to_have_count(0)
    assert stale.last_checked_on is not None
    expect(review).to_contain_text(stale.last_checked_on.strftime("%d-%m-%Y"))
    axe_check(page)

    review.get_by_role("button", name=named("Klopt nog", stale.name)).click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}controleren/")
    expect(page.locator(".messages")).to_contain_text("Vandaag gecontroleerd.")
    expect(page.locator("main").get_by_role("link", name=stale.name)).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Alles is het afgelopen jaar gecontroleerd.")
    stale.refresh_from_db()
    assert stale.last_checked_on == timezone.localdate()
    assert stale.revisions.values_list("change", flat=True)[0] == "checked"
    axe_check(page)

    # Back on the list the badge is gone.
    page.locator("main").get_by_role("link", name="Terug naar de sociale kaart").click()
    expect(result_link(page, stale.name)).to_be_visible()
    expect(page.locator("#service-results")).not_to_contain_text(STALE_BADGE)


def test_huisarts_searches_as_they_type_with_typos_and_postcode(
    page: Page, axe_check, soft, live_server, huisarts_a, practice_a, practice_b
):
    make_service(practice_a.own_map, name=DEBT_HELP, description=DEBT_DESCRIPTION)
    make_service(
        practice_a.own_map,
        name=SPORT,
        description="Samen bewegen in de wijk, voor jong en oud.",
        themes=("bewegen-en-leefstijl",),
    )
    make_service(
        practice_a.own_map,
        name=DIETITIAN,
        description="Advies over gezond eten en afvallen.",
        themes=("voeding",),
        serves_whole_region=False,
        area_postcodes="9990-9994",
    )
    make_service(practice_b.own_map, name="Schuldhulp van praktijk B", description="Schulden.")

    log_in(page, huisarts_a)
    page.locator("nav.topbar-nav").get_by_role("link", name="Sociale kaart").click()
    expect(page).to_have_url(f"{live_server.url}{MAP_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sociale kaart")
    main = page.locator("main")
    # A professional does not keep the map.
    expect(main.get_by_role("link", name="Nieuwe dienst")).to_have_count(0)
    expect(main.get_by_role("link", name="Te controleren")).to_have_count(0)
    for name in (DEBT_HELP, SPORT, DIETITIAN):
        expect(result_link(page, name)).to_be_visible()
    expect(page.locator("#service-results")).not_to_contain_text("praktijk B")
    axe_check(page)

    # Type without pressing Enter: htmx swaps the results in and pushes the address.
    page.evaluate("window.__sameDocument = true")
    search = main.get_by_label("Waar zoek je naar?")
    search.press_sequentially("schulden", delay=40)
    expect(page).to_have_url(re.compile(r"/sociale-kaart/\?(.*&)?q=schulden(&|$)"))
    expect(result_link(page, DEBT_HELP)).to_be_visible()
    expect(result_link(page, SPORT)).to_have_count(0)
    expect(result_link(page, DIETITIAN)).to_have_count(0)
    expect(page.locator("#service-results")).not_to_contain_text("praktijk B")
    assert page.evaluate("window.__sameDocument === true"), "the search reloaded the page"
    soft.check(
        lambda: expect(page.locator("[id=service-results]")).to_have_count(1, timeout=SOFT_TIMEOUT),
        what="after a live search there must be one #service-results, not nested ones",
    )
    axe_check(page)

    # A typo still finds the debt help.
    search.fill("schuldhulpverleneing")
    expect(page).to_have_url(re.compile(r"[?&]q=schuldhulpverleneing(&|$)"))
    expect(result_link(page, DEBT_HELP)).to_be_visible()
    expect(result_link(page, SPORT)).to_have_count(0)

    # Nothing that fits: said so.
    search.fill("paardrijden")
    expect(page.locator("#service-results")).to_contain_text("Geen dienst gevonden")

    # The patient's postcode: inside the dietitian's area it shows, outside it does not.
    search.fill("")
    expect(page).to_have_url(re.compile(r"[?&]q=(&|$)"))
    postcode = main.get_by_label("Postcode van de patiënt")
    postcode.fill("9992")
    postcode.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]postcode=9992(&|$)"))
    expect(result_link(page, DIETITIAN)).to_be_visible()
    postcode.fill("9998")
    postcode.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]postcode=9998(&|$)"))
    expect(result_link(page, DIETITIAN)).to_have_count(0)
    expect(result_link(page, DEBT_HELP)).to_be_visible()
    expect(result_link(page, SPORT)).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "filtering reloaded the page"

    # The theme filter, on top of the postcode.
    main.get_by_label("Thema").select_option(label="Bewegen en leefstijl")
    expect(result_link(page, SPORT)).to_be_visible()
    expect(result_link(page, DEBT_HELP)).to_have_count(0)
    axe_check(page)

    # The pushed address is a real one: loaded afresh it shows the same results.
    page.reload()
    expect(main.get_by_label("Postcode van de patiënt")).to_have_value("9998")
    expect(result_link(page, SPORT)).to_be_visible()
    expect(result_link(page, DEBT_HELP)).to_have_count(0)
    expect(result_link(page, DIETITIAN)).to_have_count(0)


def test_huisarts_refers_from_a_goal_and_records_progress(
    page: Page, axe_check, soft, live_server, huisarts_a, patient_a, practice_a, consult_4d
):
    patient_a.postcode = "9992 AB"
    patient_a.save()
    debt_help = make_service(
        practice_a.own_map,
        name=DEBT_HELP,
        description=DEBT_DESCRIPTION,
        phone="0501234567",
        serves_whole_region=False,
        area_postcodes="9990-9994",
    )
    make_service(
        practice_a.own_map,
        name="Budgetcursus Noorderdorp",
        serves_whole_region=False,
        area_postcodes="9995-9999",
    )
    make_service(practice_a.own_map, name=SPORT, themes=("bewegen-en-leefstijl",))

    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/stap/plan/")
    panel = page.locator("#plan-panel")
    expect(panel.get_by_role("heading", name="Plan", exact=True)).to_be_visible()
    axe_check(page)

    # A goal in the patient's words, in the societal domain.
    field(panel, "Nieuw doel, in de eigen woorden van de patiënt").fill(
        "Weer grip krijgen op mijn geld en schulden"
    )
    field(panel, "Levensgebied").select_option(label="Maatschappelijk")
    panel.get_by_role("button", name="Doel toevoegen").click()
    goal = panel.locator("li.goal")
    expect(goal).to_have_count(1)
    expect(goal.locator(".domain-tag")).to_have_text("Maatschappelijk")
    expect(goal.locator(".themes")).to_contain_text("Geld en schulden")

    # Services that fit: the theme matches and the area covers the patient's postcode.
    expect(goal.get_by_role("heading", name="Passende voorzieningen")).to_be_visible()
    suggestions = goal.locator("ul.suggested-services")
    expect(suggestions.get_by_role("link", name=DEBT_HELP)).to_be_visible()
    expect(suggestions.get_by_role("link", name="Budgetcursus Noorderdorp")).to_have_count(0)
    expect(suggestions.get_by_role("link", name=SPORT)).to_have_count(0)
    # "Search for more" carries the goal's theme and the patient's postcode, also in the
    # panel htmx sent back after adding the goal.
    more = goal.get_by_role("link", name="Meer zoeken op de sociale kaart")
    expect(more).to_have_attribute("href", re.compile(r"[?&]theme=geld-en-schulden(&|$)"))
    soft.check(
        lambda: expect(more).to_have_attribute(
            "href", re.compile(r"[?&]postcode=9992(\+|%20)AB(&|$)"), timeout=SOFT_TIMEOUT
        ),
        what="after a plan-panel action (htmx) the link 'Meer zoeken op de sociale kaart' "
        "has an empty postcode: the panel partial gets no `patient` in its context",
    )
    axe_check(page)

    # Refer with one click.
    suggestions.get_by_role("button", name=named("Verwijzen", DEBT_HELP)).click()
    expect(goal.get_by_role("heading", name="Verwijzingen")).to_be_visible()
    referral_item = goal.locator("li.referral")
    expect(referral_item).to_have_count(1)
    expect(referral_item.locator("strong")).to_have_text(DEBT_HELP)
    expect(referral_item).to_contain_text("050 123 4567")
    expect(referral_item.locator(".badge")).to_have_text(f"verwezen {today()}")
    # Once referred, it is no longer offered.
    expect(goal.get_by_role("button", name=named("Verwijzen", DEBT_HELP))).to_have_count(0)
    referral = Referral.objects.get()
    assert referral.service == debt_help
    assert referral.status == ReferralStatus.REFERRED
    assert referral.goal is not None
    assert referral.goal.plan.patient_id == patient_a.pk

    # Record what the organisation let us know.
    progress = referral_item.locator("details")
    progress.get_by_text("Voortgang vastleggen").click()
    field(progress, "Nieuwe status").select_option(label="aangenomen")
    expect(field(progress, "Op")).to_have_value(timezone.localdate().isoformat())
    field(progress, "Terugkoppeling van de organisatie").fill("Intake volgende week")
    progress.get_by_role("button", name="Voortgang opslaan").click()

    referral_item = panel.locator("li.goal li.referral")
    expect(referral_item.locator(".badge")).to_have_text(f"aangenomen {today()}")
    expect(referral_item).to_contain_text("Terugkoppeling: Intake volgende week")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.feedback == "Intake volgende week"
    assert referral.events.count() == 2
    axe_check(page)

    # Loaded afresh, the plan shows the same, and the search link has the postcode.
    page.reload()
    referral_item = panel.locator("li.goal li.referral")
    expect(referral_item.locator(".badge")).to_have_text(f"aangenomen {today()}")
    expect(referral_item).to_contain_text("Terugkoppeling: Intake volgende week")
    expect(panel.get_by_role("link", name="Meer zoeken op de sociale kaart")).to_have_attribute(
        "href", re.compile(r"[?&]postcode=9992(\+|%20)AB(&|$)")
    )

    # A fresh referral is not yet one to chase.
    page.locator("nav.topbar-nav").get_by_role("link", name="Verwijzingen").click()
    expect(page).to_have_url(f"{live_server.url}/verwijzingen/")
    soft.check(
        lambda: expect(page.locator("main")).not_to_contain_text(DEBT_HELP, timeout=SOFT_TIMEOUT),
        what="a referral accepted today is listed as waiting for news on /verwijzingen/",
    )
