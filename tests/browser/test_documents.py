"""Printing the plan from the workspace: a click gives the patient's PDF."""

import subprocess

import pytest
from playwright.sync_api import Page, expect

from consult.access import Actor
from consult.services.plans import goal_add
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_print_the_plan_with_one_click(page: Page, axe_check, live_server, huisarts_a, consult_4d):
    goal_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        text="Weer rustig slapen",
        domain="4d:lichaam",
    )
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/stap/plan/")
    axe_check(page)
    with page.expect_response(lambda response: response.url.endswith("/mijn-plan.pdf")) as answer:
        page.get_by_role("link", name="Plan afdrukken").click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer; read the same file with the browser's session.
    pdf = page.request.get(response.url).body()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Mijn plan, Ingrid" in text
    assert "Weer rustig slapen" in text


def test_the_soep_block_is_in_sight_whole_and_copies_with_one_click(
    page: Page, axe_check, live_server, huisarts_a, consult_4d
):
    """The GP reads the whole block before pasting it into the record: a long one (ten
    goals) is not cut off behind a scroll bar, and the button puts exactly it on the
    clipboard."""
    for number in range(10):
        goal_add(
            actor=Actor(user=huisarts_a),
            consult=consult_4d,
            text=f"Doel {number}: elke dag een stukje verder met wat de patiënt belangrijk vindt",
            domain="4d:lichaam",
        )
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/soep/")
    block = page.locator("textarea#soep-text")
    text = block.input_value()
    assert "Doel 9" in text
    assert text.count("\n") >= 3  # S, O, E and P lines
    hidden = block.evaluate("b => b.scrollHeight - b.clientHeight")
    assert hidden <= 1, f"{hidden}px of the block behind a scroll bar"
    axe_check(page)
    page.get_by_role("button", name="Kopieer naar het klembord").click()
    expect(page.get_by_role("button", name="Gekopieerd")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == text
