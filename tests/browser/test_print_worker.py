"""Printing through the worker (PRINT_IN_WORKER), in a real browser: the click on "Print
the plan" lands on a page that waits, asks by itself until the worker has made the PDF,
then offers it with the keyboard focus on the link."""

import signal
import subprocess
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import Page, expect

from consult.access import Actor
from consult.services.plans import goal_add
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def dutch(msgid: str) -> str:
    with translation.override("nl"):
        return translation.gettext(msgid)


@pytest.fixture
def in_worker() -> Iterator[None]:
    with override_settings(
        PRINT_IN_WORKER=True,
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    ):
        yield


def run_worker() -> None:
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def test_the_page_waits_for_the_worker_and_then_offers_the_pdf(
    in_worker, page: Page, axe_check, live_server, huisarts_a, consult_4d
):
    goal_add(
        actor=Actor(user=huisarts_a),
        consult=consult_4d,
        text="Weer rustig slapen",
        domain="4d:lichaam",
    )
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/stap/plan/")
    page.get_by_role("link", name="Plan afdrukken").click()
    expect(page.get_by_role("status")).to_contain_text(dutch("The plan is being made…"))
    axe_check(page)
    # The page keeps asking while the worker is not there yet.
    with page.expect_response(lambda response: "/afdrukken/" in response.url):
        pass

    run_worker()

    link = page.get_by_role("link", name=dutch("Open the PDF"))
    expect(link).to_be_visible()
    expect(link).to_be_focused()
    axe_check(page)
    pdf = page.request.get(link.get_attribute("href") or "").body()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Weer rustig slapen" in text
