"""The reviewer's journey through the audit trail in a real browser (issue 13.4, and
issue 14's trail for a region): the trail of the last week with a refusal from another
practice and a failed login on one of the practice's accounts, narrowed to one patient
by HIS number, and the month's summary that points at the colleague of elsewhere.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` fails on serious or critical violations.
Screenshots for review go to /tmp/shots/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from consult.models import Role
from tests.browser.conftest import log_in
from tests.browser.journeys import SHOTS
from tests.conftest import client_for, record_failed_login
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.browser


def shoot(page: Page, name: str) -> None:
    """The page at the desktop's width and at a tablet's."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 768), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def read(user, patient) -> None:
    client_for(user).get(reverse("patient_detail", kwargs={"patient_id": patient.public_id}))


def test_the_reviewer_reads_the_trail_narrows_it_to_a_patient_and_the_month(
    page: Page, axe_check, live_server, practice_a, huisarts_a, huisarts_b, patient_a
):
    reviewer = UserFactory.create(
        practice=practice_a, role=Role.HUISARTS, full_name="Dr. Controle", reviews_audit=True
    )
    other = PatientFactory.create(practice=practice_a, last_name="Jansen", his_number="4711")
    read(huisarts_a, patient_a)
    read(huisarts_a, other)
    read(huisarts_b, patient_a)  # refused: a patient of another practice
    record_failed_login(huisarts_a)

    log_in(page, reviewer)
    page.get_by_role("link", name="Logboek", exact=True).click()
    table = page.locator("table.audit-table")
    expect(table).to_be_visible()
    refused = table.locator("tr.audit-refused")
    expect(refused.filter(has_text="Huisarts B")).to_contain_text("geweigerd")
    expect(refused.filter(has_text="192.0.2.7")).to_contain_text("niet ingelogd")
    expect(refused.filter(has_text="192.0.2.7")).to_contain_text("mislukt")
    expect(table).to_contain_text("Jansen")
    axe_check(page)
    shoot(page, "audit-trail")

    page.get_by_label("Patiënt (HIS-nummer)").fill(patient_a.his_number)
    page.get_by_role("button", name="Tonen").click()
    # Huisarts A's read, Huisarts B's refusal, and the reviewer's own looks at the
    # patient (in the patient list after logging in, and in the trail just now); not
    # Jansen, not the failed login.
    rows = page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(4)
    for row in rows.all():
        expect(row).to_contain_text(patient_a.last_name)
    expect(rows.filter(has_text="Huisarts A")).to_have_count(1)
    expect(rows.filter(has_text="Huisarts B")).to_contain_text("geweigerd")
    expect(rows.filter(has_text="Dr. Controle")).to_have_count(2)
    expect(page.locator("table.audit-table")).not_to_contain_text("Jansen")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\s*4 gebeurtenissen\s*$"))

    page.get_by_role("link", name="Overzicht per maand").click()
    expect(page.get_by_role("heading", name="Nader bekijken")).to_be_visible()
    closer = page.locator("table tbody tr").filter(has_text="Huisarts B")
    expect(closer).to_contain_text("andere praktijk")
    totals = page.locator("dl.audit-totals")
    expect(totals.locator("div").filter(has_text="Mislukte inlogpogingen")).to_contain_text("1")
    axe_check(page)
    shoot(page, "audit-month")
