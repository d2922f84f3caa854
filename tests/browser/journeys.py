"""What the browser journeys of the conversation models share: paths, waiting for an
autosave, the save state beside a field, tick boxes beside their words, reading a
printed PDF, making a patient's link, and where the screenshots for review go."""

import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, ViewportSize

from consult.models import Consult, Patient

SHOTS = Path(tempfile.gettempdir()) / "shots"  # /tmp/shots, for review
PHONE: ViewportSize = {"width": 390, "height": 844}
SAVED = re.compile(r"Opgeslagen om \d{2}:\d{2}")


def patient_path(patient: Patient) -> str:
    return f"/patienten/{patient.public_id}/"


def consult_path(consult: Consult) -> str:
    return f"/consulten/{consult.public_id}/"


def make_patient_link(page: Page, patient: Patient, entry: str, server_url: str) -> str:
    """Make a link to fill in at home on the patient page, as the professional does
    (logged in on `page`); the address the page shows, once."""
    page.goto(patient_path(patient))
    links = page.get_by_role("region", name="De patiënt thuis laten invullen")
    links.get_by_label(entry).check()
    links.get_by_role("button", name="Link maken").click()
    url = page.locator(".link-url code").inner_text()
    assert re.fullmatch(rf"{re.escape(server_url)}/mijn/[\w-]{{32,}}/", url), url
    return url


def step_heading(page: Page) -> Locator:
    return page.locator("h3#step-title")


def autosave(page: Page, action: Callable[[], object]) -> None:
    """Do `action` on an autosave field and wait for the server to confirm the save."""
    with page.expect_response(
        lambda r: "/bewaar/" in r.url and r.request.method == "POST"
    ) as saved:
        action()
    assert saved.value.status == 200, f"the save answered {saved.value.status}"


def status_beside(field: Locator) -> Locator:
    """The quiet save state of the record `field` belongs to."""
    return field.locator(
        "xpath=ancestor::form[contains(@class,'autosave')]"
        "/following-sibling::div[contains(@class,'save-line')][1]//*[@role='status']"
    )


def expect_ticks_before_their_words(page: Page, *, at_least: int = 0) -> None:
    """Every tick box on the page stands on the left of its words, on their line, as on
    a paper form (not alone under its words like a new question)."""
    ticks = page.locator("main input[type=checkbox]:visible").all()
    assert len(ticks) >= at_least, f"{len(ticks)} tick boxes on {page.url}"
    for tick in ticks:
        box = tick.bounding_box()
        # The words of its label; of a label around the box, the words after it.
        words = tick.evaluate(
            """tick => {
                const label = tick.closest("label") || document.querySelector(
                    `label[for="${tick.id}"]`);
                const range = document.createRange();
                range.selectNodeContents(label);
                if (label.contains(tick)) range.setStartAfter(tick);
                const rect = range.getBoundingClientRect();
                return {x: rect.x, y: rect.y, width: rect.width, height: rect.height};
            }"""
        )
        assert box
        assert words
        assert box["x"] + box["width"] <= words["x"], f"a tick after its words on {page.url}"
        middle = box["y"] + box["height"] / 2
        assert words["y"] < middle < words["y"] + words["height"], (
            f"a tick not beside its words on {page.url}"
        )


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
