"""The plan panel and the 4D priorities in a real browser: agreements that open to
edit, "Gesprek afronden" that asks once in place, and two priorities with one number
marked as soon as the second is chosen.

Texts added for issue 9 read in English until their Dutch is merged; the patterns
accept both."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from consult.access import Actor
from consult.models import Consult, WhoKind
from consult.services.plans import agreement_add, goal_add
from models_4d import services as fourd
from models_4d.models import Domain4D, EntryKind, FourDEntry
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Opgeslagen om \d{2}:\d{2}")


def step_path(consult: Consult, slug: str) -> str:
    return f"/consulten/{consult.public_id}/stap/{slug}/"


def test_an_agreement_is_a_line_that_opens_to_edit(
    page: Page, axe_check, live_server, huisarts_a, consult_4d
):
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Overzicht over mijn geld")
    agreement = agreement_add(
        actor=actor,
        consult=consult_4d,
        goal=goal,
        what="Samen de post openen",
        who_kind=WhoKind.INFORMAL,
        who_name="Anja",
    )
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    panel = page.locator("aside#plan-panel")
    line = panel.locator("li.agreement summary")
    expect(line).to_contain_text("Samen de post openen")
    expect(line).to_contain_text("Anja")
    what = panel.locator(f"[name='{agreement.public_id}-what']")
    expect(what).to_be_hidden()
    axe_check(page)

    line.focus()
    page.keyboard.press("Enter")
    expect(what).to_be_visible()
    what.fill("Samen elke maandag de post openen")
    expect(line.locator(".agreement-what")).to_have_text("Samen elke maandag de post openen")
    page.keyboard.press("Tab")
    expect(panel.locator(f"#status-{agreement.public_id}")).to_contain_text(SAVED)
    axe_check(page)


def test_finishing_asks_once_in_place(page: Page, axe_check, live_server, huisarts_a, consult_4d):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "introductie"))
    actions = page.locator(".workspace-actions")

    actions.get_by_role("button", name="Gesprek afronden").click()
    question = actions.locator("#finish-question")
    expect(question).to_have_text(re.compile(r"Weet je het zeker"))
    expect(question).to_be_focused()
    axe_check(page)
    actions.get_by_role("button", name="Nog niet").click()
    expect(actions.get_by_role("button", name="Gesprek afronden")).to_be_visible()
    expect(question).to_have_count(0)
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is None

    actions.get_by_role("button", name="Gesprek afronden").click()
    actions.get_by_role("button", name=re.compile(r"^Afronden$")).click()
    expect(page.locator("p.notice")).to_contain_text("niet meer wijzigen")
    expect(page.get_by_role("button", name="Gesprek afronden")).to_have_count(0)
    # Read only, and it looks it: a field nobody can type in is not drawn as the top
    # bar's search field that anyone can.
    evaluation = page.get_by_label("Volgende evaluatie")
    expect(evaluation).to_be_disabled()
    looks = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).borderStyle]"
    assert evaluation.evaluate(looks) != page.locator("#topbar-q").evaluate(looks)
    consult_4d.refresh_from_db()
    assert consult_4d.finished_at is not None


def test_two_priorities_with_one_number_are_marked_as_soon_as_chosen(
    page: Page, axe_check, live_server, huisarts_a, consult_4d
):
    actor = Actor(user=huisarts_a)
    debts, sleep = (
        fourd.entry_add(
            actor=actor, consult=consult_4d, domain=domain, kind=EntryKind.PLAYS, text=text
        )
        for domain, text in ((Domain4D.MAATSCHAPPELIJK, "Schulden"), (Domain4D.LICHAAM, "Slapen"))
    )
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "prioriteiten"))
    step = page.locator("#step")
    debts_select, sleep_select = step.get_by_label("Schulden"), step.get_by_label("Slapen")
    debts_warning = step.locator(f"#priority-warning-{debts.public_id}")
    sleep_warning = step.locator(f"#priority-warning-{sleep.public_id}")

    debts_select.select_option("1")
    expect(step.locator(f"#status-{debts.public_id}")).to_contain_text(SAVED)
    sleep_select.focus()
    sleep_select.select_option("1")
    expect(step.locator(f"#status-{sleep.public_id}")).to_contain_text(SAVED)
    expect(debts_warning).to_contain_text("Slapen")
    expect(sleep_warning).to_contain_text("Schulden")
    expect(sleep_select).to_be_focused()  # the select was not replaced
    axe_check(page)

    sleep_select.select_option("2")
    expect(debts_warning).to_have_text("")
    expect(sleep_warning).to_have_text("")
    assert FourDEntry.objects.get(pk=sleep.pk).priority == 2


def test_words_typed_in_an_agreement_before_a_reload_come_back_and_are_saved(
    page: Page, live_server, huisarts_a, consult_4d
):
    """The agreement's editor is fetched when its line opens. Text typed there that the
    server never got (the save failed) is still in the tab after a reload: the line
    opens by itself, shows the text and sends it."""
    from consult.models import Agreement

    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Rust in mijn hoofd")
    agreement = agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Wandelen")
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    panel = page.locator("aside#plan-panel")
    what = panel.locator(f"[name='{agreement.public_id}-what']")
    page.route("**/bewaar/**", lambda route: route.abort())
    panel.locator("li.agreement summary").click()
    what.fill("Elke ochtend een half uur wandelen")
    page.keyboard.press("Tab")
    expect(panel.locator(f"#status-{agreement.public_id}")).not_to_be_empty()
    assert Agreement.objects.get(pk=agreement.pk).what == "Wandelen"

    # After a reload the line opens by itself (nobody clicks it) and shows the words;
    # once saves get through, they are stored.
    page.reload()
    expect(what).to_be_visible()
    expect(what).to_have_value("Elke ochtend een half uur wandelen")
    page.unroute("**/bewaar/**")
    wait_until = time.monotonic() + 20
    while (
        Agreement.objects.get(pk=agreement.pk).what == "Wandelen" and time.monotonic() < wait_until
    ):
        page.wait_for_timeout(200)
    assert Agreement.objects.get(pk=agreement.pk).what == "Elke ochtend een half uur wandelen"
