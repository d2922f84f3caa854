"""Printing the plan from the workspace: a click gives the patient's PDF."""

import subprocess

import pytest
from playwright.sync_api import Page

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
