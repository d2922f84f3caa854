"""The idle timeout in the browser: a warning shortly before the session ends, with
"Ingelogd blijven" that keeps it; left alone, the page goes to the login page and says
why. The timeout is shortened to 12 seconds (the warning comes half-way)."""

import re

import pytest
from playwright.sync_api import Page, expect

from consult.models import AuditEvent
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

IDLE_MINUTES = 0.2  # 12 seconds: the warning after 6


def test_the_warning_keeps_the_session_and_then_it_ends(
    page: Page, axe_check, live_server, settings, huisarts_a
):
    settings.SESSION_IDLE_MINUTES = IDLE_MINUTES
    log_in(page, huisarts_a)
    expect(page).to_have_url(f"{live_server.url}/patienten/")
    warning = page.get_by_role("alertdialog", name="Ben je er nog?")
    expect(warning).to_be_hidden()

    expect(warning).to_be_visible(timeout=9_000)
    stay = warning.get_by_role("button", name="Ingelogd blijven")
    expect(stay).to_be_focused()
    axe_check(page)
    stay.click()
    expect(warning).to_be_hidden()

    # Without "stay" the session would have ended 12 seconds after the page loaded; it
    # warns again 6 seconds after the click instead, still on the same page.
    expect(warning).to_be_visible(timeout=9_000)
    expect(page).to_have_url(f"{live_server.url}/patienten/")

    expect(page).to_have_url(re.compile(r"/inloggen/\?next=%2Fpatienten%2F$"), timeout=12_000)
    expect(page.locator(".messages")).to_contain_text(
        "Je bent uitgelogd omdat je 1 minuut niets deed."
    )
    assert AuditEvent.objects.filter(
        event="session", user=huisarts_a, details={"reason": "idle timeout"}
    ).exists()
    axe_check(page)


def test_searching_by_htmx_keeps_the_session_without_a_warning(
    page: Page, live_server, settings, huisarts_a, patient_a
):
    settings.SESSION_IDLE_MINUTES = 0.15  # 9 seconds: the warning after 4.5
    log_in(page, huisarts_a)
    warning = page.get_by_role("alertdialog", name="Ben je er nog?")
    search = page.locator("main input[name=q]")
    # Each letter swaps the results by htmx: activity, so no warning interrupts the
    # typing and the session outlives the 9 seconds.
    typed = "hoekstra ingrid"
    for length in range(1, 13):
        page.wait_for_timeout(1_000)
        search.fill(typed[:length])
        expect(warning).to_be_hidden()
    expect(page).to_have_url(f"{live_server.url}/patienten/")
    expect(page.locator("#patient-results").first).to_contain_text("Hoekstra")
