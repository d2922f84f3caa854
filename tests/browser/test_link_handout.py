"""The page with a patient's new link, printed to take home: the patient's paper, not a
print of the professional's screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.journeys import make_patient_link, pdf_text
from tests.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.browser


def test_the_printed_link_holds_what_the_patient_needs_and_nothing_of_the_screen(
    page: Page, live_server, huisarts_a, practice_a
):
    """Printed, the page gave the patient the professional's menu, the patient search,
    "Uitloggen", the patient's HIS number and the instructions meant for the professional."""
    patient = PatientFactory.create(
        practice=practice_a, first_name="Wilhelmina", last_name="Zonderland", his_number="778899"
    )
    ConsentFactory.create(patient=patient, given_to=huisarts_a, recorded_by=huisarts_a)
    log_in(page, huisarts_a)
    url = make_patient_link(page, patient, "EMBOSS-gesprekskaart", live_server.url)
    # On the screen the professional still reads the instructions, not the handout's title.
    expect(page.get_by_text("Laat deze code op het scherm zien")).to_be_visible()
    expect(page.get_by_role("heading", name="Jouw gesprekskaart")).to_be_hidden()

    page.emulate_media(media="print")
    printed = " ".join(pdf_text(page.pdf(format="A4")).split())
    assert printed.startswith(f"{practice_a.name} Jouw gesprekskaart Zeven delen van je leven.")
    assert url in printed
    assert re.search(r"De link werkt tot \d+ \w+ \d{4}, één keer\.", printed)
    for screen_only in (
        "Zonderland",
        "778899",
        "Uitloggen",
        "Patiënten",
        "Laat deze code",
        "Ctrl+P",
    ):
        assert screen_only not in printed
