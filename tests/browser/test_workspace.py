"""The consult workspace in a real browser: the whole 4D conversation by keyboard alone,
autosave (also when the tab is closed), no silent overwrite when two pages edit the same
goal, the look-along view for the patient and the plan panel on a narrow screen.

Like every browser test, the page fixtures fail the test on a CSP violation, an uncaught
script error or a 5xx answer; `axe_check` fails on serious or critical violations."""

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from consult.access import Actor
from consult.models import Consult, Goal
from consult.services.plans import goal_add
from models_4d import services as fourd
from models_4d.models import Domain4D, EntryKind, FourDConnection, FourDEntry, FourDSheet
from tests.browser.conftest import SOFT_TIMEOUT, log_in, watch

pytestmark = pytest.mark.browser

# The 4D steps in order: slug and the Dutch title the user sees.
STEPS = [
    ("introductie", "Introductie en toestemming om breder te kijken"),
    ("lichaam", "Lichaam"),
    ("geest", "Geest"),
    ("sociaal", "Sociaal"),
    ("maatschappelijk", "Maatschappelijk"),
    ("verbanden", "Verbanden"),
    ("prioriteiten", "Prioriteiten"),
    ("plan", "Plan"),
]
HELP_QUESTION = "De hulpvraag, in de woorden van de patiënt"
SAVED = re.compile(r"Opgeslagen om \d{2}:\d{2}")
CONFLICT = "Niet opgeslagen: iemand anders heeft dit intussen gewijzigd"
MAX_TABS = 150
DB_WAIT = 5.0  # seconds to wait for a save to reach the database


def step_path(consult: Consult, slug: str) -> str:
    return f"/consulten/{consult.public_id}/stap/{slug}/"


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until `target` has the keyboard focus."""
    expect(target).to_have_count(1)
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if is_focused(target):
            return
        page.keyboard.press(key)
    pytest.fail(f"{key} pressed {MAX_TABS} times never reached {target}", pytrace=False)


def expect_step(page: Page, live_server, consult: Consult, index: int, soft) -> None:
    """The workspace shows step `index` (0-based): heading, pushed address and progress,
    swapped in by htmx (the page was not reloaded)."""
    slug, title = STEPS[index]
    expect(page.locator("h3#step-title")).to_have_text(f"Stap {index + 1}: {title}")
    expect(page).to_have_url(f"{live_server.url}{step_path(consult, slug)}")
    expect(page.locator("#progress a[aria-current=step]")).to_contain_text(title)
    assert page.evaluate("window.__sameDocument === true"), f"moving to {slug!r} reloaded"
    soft.check(
        lambda: expect(page.locator("h3#step-title")).to_be_focused(timeout=2_000),
        what=f"after moving to step {slug!r} the keyboard focus is on the step heading",
    )


def next_step_by_keyboard(
    page: Page, live_server, consult: Consult, index: int, soft, axe_check
) -> None:
    """From step `index`, Tab to "Klaar, volgende: …" and press Enter; check the
    step that arrives with axe."""
    title = STEPS[index + 1][1]
    button = page.locator("#step").get_by_role("button", name=f"Klaar, volgende: {title}")
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect_step(page, live_server, consult, index + 1, soft)
    axe_check(page)


def add_plays_by_keyboard(page: Page, text: str) -> None:
    """On a domain step: Tab to "Iets wat speelt…", type, press Enter."""
    field = page.locator("#step input[name=plays-text]")
    expect(field).to_have_accessible_name("Iets wat speelt, in de woorden van de patiënt")
    tab_to(page, field)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    entry = page.locator("#step li.entry-speelt input[type=text]")
    expect(entry).to_have_value(text)


def draw_connection_by_keyboard(page: Page, cause: str, effect: str) -> None:
    """Beside the cause, choose what it leads to and press its button."""
    step = page.locator("#step")
    cause_text, effect_text = cause.split(": ")[1], effect.split(": ")[1]
    effect_select = step.get_by_label(f"{cause_text} …leidt tot", exact=True)
    tab_to(page, effect_select)
    effect_select.select_option(label=effect)
    button = step.get_by_role("button", name=re.compile(rf"^Verband leggen\s*: {cause_text}$"))
    tab_to(page, button)
    page.keyboard.press("Enter")
    expect(
        step.locator("ul.connections li").filter(
            has_text=re.compile(rf"{cause_text}\s*→.*{effect_text}")
        )
    ).to_have_count(1)


def no_english_blank_choice(page: Page, soft, *, where: str) -> None:
    soft.check(
        lambda: expect(page.locator("#step")).not_to_contain_text(
            "Select an option", timeout=SOFT_TIMEOUT
        ),
        what=f"{where}: Django's untranslated empty choice '- Select an option -' is shown",
    )


def expect_priority_numbers_in_one_column(page: Page) -> None:
    """Each priority's number on the left, all at one edge, its words beside it on its
    line: a numbered list, not a select after words of every length."""
    rows = page.locator("#priority-list > li").all()
    assert len(rows) >= 2, f"{len(rows)} priorities"
    lefts = set()
    for row in rows:
        select, words = row.locator("select").bounding_box(), row.locator("label").bounding_box()
        assert select
        assert words
        lefts.add(round(select["x"]))
        assert select["x"] + select["width"] <= words["x"], "a number after its words"
        middle = words["y"] + words["height"] / 2
        assert select["y"] < middle < select["y"] + select["height"], "words not beside it"
    assert len(lefts) == 1, f"the numbers stand at {sorted(lefts)}"


def expect_left_aligned(field: Locator, status: Locator) -> None:
    """Judged at rest: while a save is under way "Saving…" stands before the time."""
    field.page.wait_for_function("() => !document.querySelector('.htmx-request')")
    box, words = field.bounding_box(), status.bounding_box()
    assert box
    assert words
    assert abs(words["x"] - box["x"]) < 1, (box["x"], words["x"])


def wait_for_db(check: Callable[[], bool], what: str) -> None:
    """Poll the database (the browser's request may still be on its way)."""
    deadline = time.monotonic() + DB_WAIT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not in the database after {DB_WAIT} s: {what}", pytrace=False)
        time.sleep(0.1)


def retype(page: Page, field: Locator, text: str) -> None:
    """Focus the field, select all it holds and type `text` over it."""
    field.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def test_whole_4d_consult_by_keyboard(
    page: Page, axe_check, soft, live_server, huisarts_a, consult_4d
):
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/")
    expect(page.locator("h3#step-title")).to_have_text(f"Stap 1: {STEPS[0][1]}")
    expect(page.locator("#progress a[aria-current=step]")).to_contain_text(STEPS[0][1])
    axe_check(page)
    page.evaluate("window.__sameDocument = true")  # htmx swaps steps, no page loads
    # htmx copies a page for its history cache just after this event: it must never
    # (body hx-history="false"; the copy holds patient data and cost a step switch time).
    page.evaluate(
        "window.__historyCopies = 0;"
        "document.addEventListener('htmx:beforeHistorySave', () => window.__historyCopies++)"
    )
    sheet = FourDSheet.objects.get(consult=consult_4d)

    # 1 Introductie: the help question and "look broader? yes".
    tab_to(page, page.get_by_label(HELP_QUESTION))
    page.keyboard.type("Ik heb steeds hoofdpijn")
    # Tab into the radio group (nothing chosen yet, so focus is on "Ja"), Space picks it.
    page.keyboard.press("Tab")
    expect(page.locator("#step input[type=radio][name$=looks_broader]").first).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Ja, de patiënt wil breder kijken")).to_be_checked()
    expect(page.locator(f"#status-{sheet.public_id}")).to_contain_text(SAVED)
    soft.check(
        lambda: expect_left_aligned(
            page.get_by_label(HELP_QUESTION), page.locator(f"#status-{sheet.public_id}")
        ),
        what="the last save's time stands under its field, not pushed right by the "
        "hidden 'Saving…'",
    )
    no_english_blank_choice(page, soft, where="step introductie, radios")
    next_step_by_keyboard(page, live_server, consult_4d, 0, soft, axe_check)

    # 2 Lichaam, 3 Geest, 4 Sociaal (nothing), 5 Maatschappelijk.
    add_plays_by_keyboard(page, "Hoofdpijn")
    axe_check(page)
    next_step_by_keyboard(page, live_server, consult_4d, 1, soft, axe_check)
    add_plays_by_keyboard(page, "Stress")
    next_step_by_keyboard(page, live_server, consult_4d, 2, soft, axe_check)
    next_step_by_keyboard(page, live_server, consult_4d, 3, soft, axe_check)
    add_plays_by_keyboard(page, "Schulden")
    next_step_by_keyboard(page, live_server, consult_4d, 4, soft, axe_check)

    # 6 Verbanden: Schulden → Stress → Hoofdpijn.
    draw_connection_by_keyboard(page, "Maatschappelijk: Schulden", "Geest: Stress")
    draw_connection_by_keyboard(page, "Geest: Stress", "Lichaam: Hoofdpijn")
    expect(page.locator("#step svg.chart-4d g.connection")).to_have_count(2)
    soft.check(
        lambda: expect(page.locator("#step svg.chart-4d title#fourd-title")).not_to_have_text(
            "4D diagram: body, mind, social and societal", timeout=SOFT_TIMEOUT
        ),
        what="the diagram's accessible name (its <title>) is Dutch, not English",
    )
    axe_check(page)
    next_step_by_keyboard(page, live_server, consult_4d, 5, soft, axe_check)

    # 7 Prioriteiten: Schulden first.
    schulden = FourDEntry.objects.get(consult=consult_4d, text="Schulden")
    priority = page.locator("#step").get_by_label("Schulden", exact=True)
    tab_to(page, priority)
    soft.has_text(
        priority.locator("option").first, "—", where="priority select, empty option", exact=True
    )
    priority.select_option("1")
    expect(page.locator(f"#status-{schulden.public_id}")).to_contain_text(SAVED)
    soft.check(
        lambda: expect_priority_numbers_in_one_column(page),
        what="the priority numbers stand in one column, each before its words",
    )
    axe_check(page)
    next_step_by_keyboard(page, live_server, consult_4d, 6, soft, axe_check)

    # 8 Plan: take the priority over as a goal.
    suggestion = page.locator("#step ul.suggestions li").filter(has_text="Schulden")
    tab_to(page, suggestion.get_by_role("button", name="Overnemen als doel"))
    page.keyboard.press("Enter")
    plan_panel = page.locator("aside#plan-panel")
    expect(plan_panel.get_by_label("Doel 1")).to_have_value("Schulden")
    axe_check(page)

    # Back to Verbanden through the steps list: both connections are in the diagram.
    tab_to(page, page.locator("#progress").get_by_role("link", name="Verbanden"), backwards=True)
    page.keyboard.press("Enter")
    expect_step(page, live_server, consult_4d, 5, soft)
    expect(page.locator("#step svg.chart-4d g.connection")).to_have_count(2)
    expect(plan_panel.get_by_label("Doel 1")).to_have_value("Schulden")

    # Every step was pushed to the browser's history, and no copy of the page kept for it.
    assert page.evaluate("window.__historyCopies") == 0
    # The back button: the step before, fetched anew and swapped in.
    page.go_back()
    expect(page.locator("h3#step-title")).to_have_text(f"Stap 8: {STEPS[7][1]}")
    expect(page).to_have_url(f"{live_server.url}{step_path(consult_4d, 'plan')}")
    expect(plan_panel.get_by_label("Doel 1")).to_have_value("Schulden")
    assert page.evaluate("window.__sameDocument === true"), "going back reloaded the page"

    # What the keyboard did is stored.
    sheet.refresh_from_db()
    assert sheet.help_question == "Ik heb steeds hoofdpijn"
    assert sheet.looks_broader == "ja"
    plays = FourDEntry.objects.filter(consult=consult_4d, kind=EntryKind.PLAYS)
    assert {(e.domain, e.text) for e in plays} == {
        (Domain4D.LICHAAM, "Hoofdpijn"),
        (Domain4D.GEEST, "Stress"),
        (Domain4D.MAATSCHAPPELIJK, "Schulden"),
    }
    assert {
        (c.cause.text, c.effect.text) for c in FourDConnection.objects.filter(consult=consult_4d)
    } == {("Schulden", "Stress"), ("Stress", "Hoofdpijn")}
    assert plays.get(text="Schulden").priority == 1
    assert list(Goal.objects.active().values_list("text", flat=True)) == ["Schulden"]

    # The look-along view, also by keyboard.
    tab_to(page, page.get_by_role("link", name="Meekijken met de patiënt"), backwards=True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/consulten/{consult_4d.public_id}/meekijken/")
    expect(page.locator("svg.chart-4d")).to_be_visible()
    axe_check(page)


def test_autosave_and_closing_the_tab(
    page: Page, soft, live_server, browser_log, huisarts_a, consult_4d
):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Minder hoofdpijn")
    sheet = FourDSheet.objects.get(consult=consult_4d)
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "introductie"))

    # Type the help question and stay in the field: it saves itself after a pause.
    help_question = page.get_by_label(HELP_QUESTION)
    help_question.focus()
    page.keyboard.type("Ik slaap slecht door zorgen")
    status = page.locator(f"#status-{sheet.public_id}")
    expect(status).to_have_attribute("role", "status")
    soft.check(
        lambda: expect(status).to_contain_text(SAVED, timeout=3_000),
        what="a field saves itself about 0.8 s after typing stops, while it keeps the focus",
    )
    if not SAVED.search(status.inner_text()):
        page.keyboard.press("Tab")  # leaving the field (change) saves it
        expect(status).to_contain_text(SAVED)
    sheet.refresh_from_db()
    assert sheet.help_question == "Ik slaap slecht door zorgen"

    # Add a word to the goal and close the tab at once: the page sends it on pagehide.
    goal_field = page.locator("aside#plan-panel").get_by_label("Doel 1")
    goal_field.focus()
    page.keyboard.press("End")
    page.keyboard.type(" en beter slapen")
    context = page.context
    page.close()
    wait_for_db(
        lambda: Goal.objects.get(pk=goal.pk).text == "Minder hoofdpijn en beter slapen",
        "the goal text typed just before the tab was closed",
    )

    # Reopen the step in a new tab: both texts are there.
    reopened = watch(context.new_page(), browser_log)
    reopened.goto(step_path(consult_4d, "introductie"))
    expect(reopened.get_by_label(HELP_QUESTION)).to_have_value("Ik slaap slecht door zorgen")
    expect(reopened.locator("aside#plan-panel").get_by_label("Doel 1")).to_have_value(
        "Minder hoofdpijn en beter slapen"
    )


def test_two_pages_do_not_overwrite_each_other_silently(
    page: Page, open_page, live_server, huisarts_a, poh_a, consult_4d
):
    goal = goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    page_a, page_b = page, open_page()
    log_in(page_a, huisarts_a)
    log_in(page_b, poh_a)
    for each in (page_a, page_b):
        each.goto(step_path(consult_4d, "plan"))
        expect(each.locator("aside#plan-panel").get_by_label("Doel 1")).to_have_value(
            "Beter slapen"
        )
    status_a = page_a.locator(f"#status-{goal.public_id}")
    status_b = page_b.locator(f"#status-{goal.public_id}")

    # A changes the goal; it is saved.
    text_a = "Elke nacht zes uur slapen"
    retype(page_a, page_a.locator("aside#plan-panel").get_by_label("Doel 1"), text_a)
    page_a.keyboard.press("Tab")
    expect(status_a).to_contain_text(SAVED)
    goal.refresh_from_db()
    assert goal.text == text_a

    # B still has the old version: its save is refused, with both texts shown.
    text_b = "Weer gaan wandelen"
    retype(page_b, page_b.locator("aside#plan-panel").get_by_label("Doel 1"), text_b)
    page_b.keyboard.press("Tab")
    expect(status_b).to_contain_text(CONFLICT)
    expect(status_b).to_contain_text("Opgeslagen tekst:")
    expect(status_b).to_contain_text("Jouw tekst (niet opgeslagen):")
    expect(status_b.locator("blockquote.stored")).to_have_text(text_a)
    expect(status_b.locator("blockquote.unsaved")).to_have_text(text_b)
    expect(status_b).not_to_contain_text(SAVED)
    goal.refresh_from_db()
    assert goal.text == text_a, "B's stale save overwrote A's text"

    # B chooses its own text after all.
    status_b.get_by_role("button", name="Mijn tekst toch opslaan").click()
    expect(status_b).to_contain_text(SAVED)
    wait_for_db(lambda: Goal.objects.get(pk=goal.pk).text == text_b, "B's text")


def test_look_along_shows_diagram_and_plan_without_notes(
    page: Page, axe_check, live_server, huisarts_a, patient_a, consult_4d
):
    patient_a.notes = "Geheime klinische notitie"
    patient_a.save(update_fields=["notes"])
    actor = Actor(user=huisarts_a)
    stress = fourd.entry_add(
        actor=actor, consult=consult_4d, domain=Domain4D.GEEST, kind=EntryKind.PLAYS, text="Stress"
    )
    debts = fourd.entry_add(
        actor=actor,
        consult=consult_4d,
        domain=Domain4D.MAATSCHAPPELIJK,
        kind=EntryKind.PLAYS,
        text="Schulden",
    )
    fourd.connection_add(actor=actor, consult=consult_4d, cause=debts, effect=stress)
    goal_add(actor=actor, consult=consult_4d, text="Rust in mijn hoofd", domain="4d:geest")

    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/")
    page.get_by_role("link", name="Meekijken met de patiënt").click()
    expect(page).to_have_url(f"{live_server.url}/consulten/{consult_4d.public_id}/meekijken/")
    expect(page.locator("h1")).to_contain_text("Ingrid")
    chart = page.locator("svg.chart-4d")
    expect(chart).to_be_visible()
    expect(chart.locator("g.connection")).to_have_count(1)
    expect(chart).to_contain_text("Schulden")
    expect(page.locator("main")).to_contain_text("Rust in mijn hoofd")
    assert "Geheime klinische notitie" not in page.content()
    axe_check(page)


def test_plan_panel_opens_with_a_button_on_a_narrow_screen(
    page: Page, axe_check, soft, live_server, huisarts_a, consult_4d
):
    page.set_viewport_size({"width": 900, "height": 1000})
    log_in(page, huisarts_a)
    page.goto(f"/consulten/{consult_4d.public_id}/")
    toggle = page.get_by_role("button", name="Plan", exact=True)
    panel = page.locator("aside#plan-panel")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-controls", "plan-panel")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()
    axe_check(page)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Doel toevoegen")).to_be_visible()
    soft.check(
        lambda: expect(panel.locator("h2#plan-title")).to_be_focused(timeout=2_000),
        what="opening the plan panel puts the keyboard focus on its heading",
    )

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()
