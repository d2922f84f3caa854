"""The main path through the app in a real browser: log in, find a patient, record
consent, start a brede gesprek, log out. Each page visited is checked with axe-core, and
the page fixture fails the test on any CSP violation or script error."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from consult.models import Consult
from tests.browser.conftest import enter_code, enter_password, link_authenticator, log_in
from tests.browser.journeys import expect_ticks_before_their_words
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def expect_hint_under_search(page: Page) -> None:
    """Label, field and button on one line of sight, the hint under them (not wedged
    between the label and its field)."""
    field = page.locator("main input[name=q]")
    hint = page.locator("main #patient-search .helptext")
    expect(field).to_have_attribute("aria-describedby", "id_q_helptext")
    expect(hint).to_have_attribute("id", "id_q_helptext")
    label, box, words = (
        page.locator("main label[for=id_q]").bounding_box(),
        field.bounding_box(),
        hint.bounding_box(),
    )
    assert label
    assert box
    assert words
    assert label["y"] + label["height"] <= box["y"], "the label not above its field"
    assert words["y"] >= box["y"] + box["height"], "the hint not under the field"


def test_find_patient_record_consent_start_4d_and_log_out(
    page: Page, axe_check, soft, live_server, huisarts_a, patient_a, practice_a
):
    PatientFactory(practice=practice_a, first_name="Jan", last_name="Jansen")

    # Login page.
    page.goto("/inloggen/")
    soft.has_text(page.locator("h1"), "Inloggen", where="login heading")
    soft.has_text(page.locator("main"), "E-mailadres", where="login: username label")
    soft.has_text(page.locator("main"), "Wachtwoord", where="login: password label")
    axe_check(page)

    # Password, then the code from the authenticator app linked before.
    link_authenticator(huisarts_a)
    enter_password(page, huisarts_a)
    expect(page).to_have_url(re.compile(r"/inloggen/code/"))
    expect(page.locator("main input[name=token]")).to_be_visible()
    soft.has_text(page.locator("h1"), "Tweestapsverificatie", where="code page heading")
    axe_check(page)
    enter_code(page, huisarts_a)
    expect(page).to_have_url(f"{live_server.url}/patienten/")
    soft.has_text(page.locator("h1"), "Patiënten", where="patient list heading")
    expect(page.get_by_role("search")).to_have_count(2)  # top bar and the list's own
    soft.has_text(page.locator("form.topbar-logout button"), "Uitloggen", where="logout button")
    # While the results nest (see below), the outer region holds the newest results.
    results = page.locator("#patient-results").first
    expect(results).to_contain_text("Jansen")
    expect(results).to_contain_text("Hoekstra")
    axe_check(page)

    # Type part of the name: htmx swaps the results without a page load or Enter.
    page.evaluate("window.__sameDocument = true")
    search = page.locator("main input[name=q]")
    soft.has_text(page.locator("main label[for=id_q]"), "Zoek een patiënt", where="search label")
    soft.check(
        lambda: expect_hint_under_search(page),
        what="the search's hint stands under its field and describes it",
    )
    search.press_sequentially("hoek", delay=40)
    expect(results).not_to_contain_text("Jansen")
    expect(results.get_by_role("link", name=re.compile("Hoekstra"))).to_be_visible()
    # The search term stays out of the URL (and so out of logs and history).
    expect(page).to_have_url(re.compile(r"/patienten/$"))
    assert page.evaluate("window.__sameDocument === true"), "the search reloaded the page"
    soft.check(
        lambda: expect(page.locator("[id=patient-results]")).to_have_count(1),
        what="after a live search there must be one #patient-results, not one nested in "
        "another (duplicate id, nested aria-live regions)",
    )
    axe_check(page)

    # The patient page: no consent yet.
    results.get_by_role("link", name=re.compile("Hoekstra")).click()
    expect(page).to_have_url(f"{live_server.url}/patienten/{patient_a.public_id}/")
    banner = page.locator("section.patient-banner")
    expect(banner).to_contain_text("Ingrid Hoekstra")
    expect(banner).to_contain_text(patient_a.his_number)
    expect(banner).to_contain_text(str(patient_a.age))
    soft.has_text(
        page.get_by_role("region", name="Patiënt", exact=True),
        "Ingrid Hoekstra",
        where="banner label",
    )
    soft.has_text(
        banner.locator(".badge"), "niet gegeven", where="badge before consent", exact=True
    )
    soft.has_text(
        page.locator("#consent-heading"),
        "Toestemming voor het brede gesprek",
        where="consent card heading",
    )
    soft.has_text(
        page.locator("#start-heading"), "Breed gesprek starten", where="start card heading"
    )
    axe_check(page)

    # Starting a conversation without consent is refused, in the page.
    start_form = page.locator(f"form[action='/patienten/{patient_a.public_id}/consulten/']")
    start_form.locator("#model-4d").check()
    soft.has_text(start_form.locator("label[for=model-4d]"), "4D-model", where="4D label")
    soft.has_text(
        start_form.locator("button[type=submit]"), "Gesprek starten", where="start button"
    )
    start_form.locator("button[type=submit]").click()
    refusal = page.locator(".form-errors[role=alert]")
    expect(refusal).to_be_visible()
    soft.has_text(refusal, "toestemming", where="refusal without consent")
    assert not Consult.objects.exists()
    axe_check(page)

    # Record consent.
    consent_form = page.locator(f"form[action='/patienten/{patient_a.public_id}/toestemming/']")
    soft.has_text(
        consent_form.locator("label[for=id_given_on]"),
        "Toestemming gegeven op",
        where="given_on label",
    )
    soft.has_text(
        consent_form.locator("label[for=id_given_to]"), "Gegeven aan", where="given_to label"
    )
    consent_form.locator("input[name=given_on]").fill(timezone.localdate().isoformat())
    consent_form.locator("select[name=given_to]").select_option(str(huisarts_a.pk))
    soft.has_text(
        consent_form.locator("button[type=submit]"),
        "Toestemming vastleggen",
        where="consent submit button",
    )
    consent_form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/patienten/{patient_a.public_id}/")
    expect(page.locator(".messages")).to_be_visible()
    soft.has_text(page.locator(".messages"), "Toestemming vastgelegd.", where="consent message")
    expect(banner.locator(".badge-ok")).to_be_visible()
    soft.has_text(banner.locator(".badge"), "gegeven", where="badge after consent", exact=True)
    axe_check(page)

    # Start a 4D conversation.
    page.get_by_label(re.compile("4D")).check()
    start_form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/consulten/{UUID}/$"))
    consult = Consult.objects.get()
    assert consult.model_slug == "4d"
    assert consult.started_by == huisarts_a
    expect(page.locator("section.patient-banner")).to_contain_text("Ingrid Hoekstra")
    soft.has_text(page.locator("main h2").first, "4D-model", where="consult page heading")
    axe_check(page)

    # Log out: back on the login page.
    page.locator("form.topbar-logout button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/inloggen/")
    expect(page.locator("main input[name=password]")).to_be_visible()
    expect(page.locator("form.topbar-logout")).to_have_count(0)
    axe_check(page)


def test_search_by_enter_key(page: Page, axe_check, soft, live_server, huisarts_a, patient_a):
    PatientFactory(practice=patient_a.practice, first_name="Jan", last_name="Jansen")
    log_in(page, huisarts_a)
    expect(page).to_have_url(f"{live_server.url}/patienten/")
    search = page.locator("main input[name=q]")
    page.evaluate("window.__sameDocument = true")
    search.fill("Jansen")
    search.press("Enter")
    results = page.locator("#patient-results").first
    expect(results).not_to_contain_text("Hoekstra")
    expect(results.get_by_role("link", name=re.compile("Jansen"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/patienten/$"))
    assert page.evaluate("window.__sameDocument === true"), "Enter reloaded the page"
    soft.check(
        lambda: expect(page.locator("[id=patient-results]")).to_have_count(1),
        what="after a search there must be one #patient-results, not one nested in another",
    )
    axe_check(page)


def test_wrong_password_shows_a_dutch_error_and_does_not_log_in(
    page: Page, axe_check, soft, live_server, huisarts_a
):
    enter_password(page, huisarts_a, password="not-the-right-password")
    expect(page).to_have_url(f"{live_server.url}/inloggen/")
    error = page.locator(".form-errors[role=alert]")
    expect(error).to_be_visible()
    soft.has_text(error, "wachtwoord", where="login error")
    expect(page.locator("form.topbar-logout")).to_have_count(0)
    # The e-mail address is kept, the password is not.
    expect(page.locator("input[name=username]")).to_have_value(huisarts_a.email)
    expect(page.locator("input[name=password]")).to_have_value("")
    axe_check(page)

    # Still not logged in: patient data sends you back to the login page.
    page.goto("/patienten/")
    expect(page).to_have_url(re.compile(r"/inloggen/\?next=/patienten/$"))


def test_praktijkmanager_gets_no_patient_data(
    page: Page, axe_check, soft, live_server, manager_a, patient_a
):
    # First login: the app asks to link an authenticator (QR code), then lets them in.
    enter_password(page, manager_a)
    expect(page).to_have_url(re.compile(r"/account/tweestapsverificatie/"))
    expect(page.locator("main img.qr")).to_be_visible()
    assert page.locator("main img.qr").evaluate("img => img.naturalWidth") > 0
    expect(page.locator("main")).not_to_contain_text("Hoekstra")
    axe_check(page)
    enter_code(page, manager_a)
    # The practice manager's work starts on the sociale kaart.
    expect(page).to_have_url(f"{live_server.url}/sociale-kaart/")
    expect(page.locator("h1")).to_have_text("Sociale kaart")
    expect(page.locator("form.topbar-logout")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Hoekstra")
    axe_check(page)

    response = page.goto(f"/patienten/{patient_a.public_id}/")
    assert response is not None
    assert response.status == 403
    main = page.locator("main")
    soft.has_text(page.locator("h1"), "Geen toegang", where="403 heading")
    expect(main).not_to_contain_text("Hoekstra")
    expect(main).not_to_contain_text("Ingrid")
    expect(page.locator("section.patient-banner")).to_have_count(0)
    assert "Hoekstra" not in page.title()
    axe_check(page)


def test_skip_link_shows_focus_and_moves_to_the_main_content(page: Page, axe_check, soft):
    """On a page without an autofocused field (here the 404 page) the first Tab lands
    on the skip link; following it puts focus on the main content."""
    response = page.goto("/bestaat-niet/")
    assert response is not None
    assert response.status == 404
    axe_check(page)
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    soft.has_text(skip_link, "Naar de inhoud", where="skip link")
    assert_visible_focus(skip_link)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def assert_visible_focus(element: Locator) -> None:
    """The focused element has an outline and is on screen."""
    style = element.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
    )
    assert style["style"] != "none", "the focused element has no outline"
    assert style["width"] > 0, "the focused element's outline has no width"
    box = element.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0, "the focused element is off screen"
    assert box["x"] + box["width"] <= 1280, "the focused element is off screen"


def test_new_patient_form_reads_as_one_field_after_another(
    page: Page, axe_check, live_server, huisarts_a
):
    """Each label close over its own field and apart from the field above it, the tick
    box for plain language before its words; a refused date says why and keeps what was
    typed; the patient is made once it is right."""
    log_in(page, huisarts_a)
    page.goto("/patienten/nieuw/")
    expect_ticks_before_their_words(page, at_least=1)
    first = page.locator("main label[for=id_first_name]").bounding_box()
    first_field = page.get_by_label("Voornaam").bounding_box()
    second = page.locator("main label[for=id_name_prefix]").bounding_box()
    assert first
    assert first_field
    assert second
    to_own_field = first_field["y"] - (first["y"] + first["height"])
    to_next_label = second["y"] - (first_field["y"] + first_field["height"])
    assert 0 <= to_own_field < to_next_label * 0.6, (to_own_field, to_next_label)
    axe_check(page)

    page.get_by_label("Voornaam").fill("Sanne")
    page.get_by_label("Achternaam").fill("Visser")
    page.get_by_label("Geboortedatum").fill("2090-01-01")
    page.get_by_label("HIS-patiëntnummer").fill("200100")
    page.get_by_label("Eenvoudige taal").check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("main")).to_contain_text("De geboortedatum kan niet in de toekomst liggen")
    expect(page.get_by_label("Voornaam")).to_have_value("Sanne")
    expect(page.get_by_label("Eenvoudige taal")).to_be_checked()
    axe_check(page)

    page.get_by_label("Geboortedatum").fill("1980-05-02")
    page.get_by_role("button", name="Opslaan").click()
    expect(page).to_have_url(re.compile(rf"/patienten/{UUID}/$"))
    expect(page.locator("section.patient-banner")).to_contain_text("Sanne Visser")
