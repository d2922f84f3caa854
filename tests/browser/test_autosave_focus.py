"""Autosave that loses nothing and focus where the work goes on, in a real browser.

Autosave: closing the tab or reloading while a save is still on its way keeps the last
words; without a connection the page says so, keeps buttons that need the server from
doing nothing, warns before closing, and sends what was typed by itself once the
connection is back; two people editing different fields of one record are no conflict;
text over the limit is kept and refused at the field, never cut.

Focus: a keyboard walk through the plan panel and a 4D step, counting the Tabs from
where each action leaves the focus to where the work goes on.

A slow network is made with Playwright's routing: a save reaches the server, but its
answer is held back, so the page still has the version it had before that save."""

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route, expect

from consult.access import Actor
from consult.models import Consult, Goal
from consult.services.plans import goal_add
from models_4d.models import EntryKind, FourDEntry, FourDSheet
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SAVES = "**/bewaar/**"
SAVED = re.compile(r"Opgeslagen om \d{2}:\d{2}")
NOT_SAVED = "Niet opgeslagen"
HELP_QUESTION = "De hulpvraag, in de woorden van de patiënt"
# New messages of this change; the English source text shows until the Dutch
# translations are compiled.
NO_CONNECTION = re.compile(r"geen verbinding", re.IGNORECASE)
DB_WAIT = 8.0
MAX_TABS = 40


def step_path(consult: Consult, slug: str) -> str:
    return f"/consulten/{consult.public_id}/stap/{slug}/"


def wait_for_db(check: Callable[[], bool], what: str, *, pump: Page | None = None) -> None:
    """Poll the database; `pump` (a page still open) lets Playwright handle its events
    meanwhile."""
    deadline = time.monotonic() + DB_WAIT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"not in the database after {DB_WAIT} s: {what}", pytrace=False)
        if pump is not None and not pump.is_closed():
            pump.wait_for_timeout(100)
        else:
            time.sleep(0.1)


def goal_text(goal: Goal) -> str:
    return Goal.objects.get(pk=goal.pk).text


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tabs_to(page: Page, target: Locator) -> int:
    """How many Tabs from where the focus is now until `target` has it."""
    expect(target).to_have_count(1)
    for count in range(MAX_TABS):
        if is_focused(target):
            return count
        page.keyboard.press("Tab")
    pytest.fail(f"{MAX_TABS} Tabs never reached {target}", pytrace=False)


class SlowSaves:
    """Routes the autosave requests of a browser context. While `hold` is set, a save
    goes to the server and is stored, but its answer never comes back to the page.
    While `drop_leaving` is set, what the page sends as it goes away (a request htmx
    did not make) is lost on the way."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.hold = False
        self.drop_leaving = False
        self.held: list[Route] = []
        context.route(SAVES, self.handle)

    def handle(self, route: Route) -> None:
        made_by_htmx = "hx-current-url" in route.request.headers
        if self.hold and made_by_htmx:
            route.fetch()  # the server stores it; the page hears nothing
            self.held.append(route)
        elif self.drop_leaving and not made_by_htmx:
            route.abort()
        else:
            route.continue_()

    def wait_until_held(self, page: Page, count: int = 1) -> None:
        for _ in range(50):
            if len(self.held) >= count:
                return
            page.wait_for_timeout(100)
        pytest.fail("the save never went out", pytrace=False)

    def stop(self) -> None:
        self.context.unroute(SAVES)


@pytest.fixture
def goal(consult_4d, huisarts_a) -> Goal:
    return goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Minder hoofdpijn")


def goal_field(page: Page) -> Locator:
    return page.locator("aside#plan-panel").get_by_label("Doel 1")


def type_at_end(page: Page, field: Locator, text: str) -> None:
    field.focus()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type(text)


def test_closing_the_tab_while_a_save_is_on_its_way_keeps_the_last_words(
    page: Page, live_server, huisarts_a, consult_4d, goal
):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    slow = SlowSaves(page.context)
    slow.hold = True
    type_at_end(page, goal_field(page), " en beter slapen")
    slow.wait_until_held(page)
    wait_for_db(lambda: goal_text(goal) == "Minder hoofdpijn en beter slapen", "the first save")

    # The last words, then the tab is closed before the first save's answer is back.
    page.keyboard.type(" elke nacht")
    slow.stop()
    page.close(run_before_unload=True)
    wait_for_db(
        lambda: goal_text(goal) == "Minder hoofdpijn en beter slapen elke nacht",
        "the words typed after the save that was still on its way",
    )


def test_reloading_right_after_typing_shows_what_was_typed(
    page: Page, live_server, huisarts_a, consult_4d, goal
):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    slow = SlowSaves(page.context)
    slow.hold = True
    type_at_end(page, goal_field(page), " en beter slapen")
    slow.wait_until_held(page)
    page.keyboard.type(" elke nacht")

    # Reload at once; what the page sends while going away is lost on the way, so the
    # server still has the older text when it renders the page again.
    slow.hold, slow.drop_leaving = False, True
    page.reload()
    expect(goal_field(page)).to_have_value("Minder hoofdpijn en beter slapen elke nacht")
    status = page.locator(f"#status-{goal.public_id}")
    expect(status).to_contain_text(SAVED)
    expect(status).not_to_contain_text(NOT_SAVED)
    wait_for_db(
        lambda: goal_text(goal) == "Minder hoofdpijn en beter slapen elke nacht",
        "the text typed just before the reload",
        pump=page,
    )
    # And it stays so: the page forgot its draft once the server had the text.
    page.reload()
    expect(goal_field(page)).to_have_value("Minder hoofdpijn en beter slapen elke nacht")
    expect(page.locator(f"#status-{goal.public_id}")).to_be_empty()


def test_without_connection_the_page_says_so_and_sends_by_itself_when_it_is_back(
    page: Page, live_server, huisarts_a, consult_4d, goal
):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    panel = page.locator("aside#plan-panel")
    add_goal = panel.get_by_role("button", name="Doel toevoegen")
    expect(add_goal).to_be_enabled()

    page.context.set_offline(True)
    note = page.locator("#connection-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text(NO_CONNECTION)
    expect(add_goal).to_be_disabled()
    expect(add_goal).to_have_attribute("aria-describedby", "connection-note")

    type_at_end(page, goal_field(page), " en wandelen")
    page.keyboard.press("Tab")
    status = page.locator(f"#status-{goal.public_id}")
    expect(status).to_contain_text(NO_CONNECTION)
    assert goal_text(goal) == "Minder hoofdpijn"

    page.context.set_offline(False)
    expect(status).to_contain_text(SAVED)
    wait_for_db(lambda: goal_text(goal) == "Minder hoofdpijn en wandelen", "the offline text")
    expect(note).to_be_hidden()
    expect(add_goal).to_be_enabled()


def test_closing_with_text_that_cannot_be_sent_warns(
    page: Page, live_server, huisarts_a, consult_4d, goal
):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    page.context.set_offline(True)
    type_at_end(page, goal_field(page), " en wandelen")
    page.keyboard.press("Tab")
    expect(page.locator(f"#status-{goal.public_id}")).to_contain_text(NO_CONNECTION)

    dialogs: list[str] = []

    def stay(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 3
    while not dialogs and not page.is_closed() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"], "closing with unsent text did not warn"
    assert not page.is_closed()
    expect(goal_field(page)).to_have_value("Minder hoofdpijn en wandelen")
    page.context.set_offline(False)
    wait_for_db(lambda: goal_text(goal) == "Minder hoofdpijn en wandelen", "the text", pump=page)


def test_two_people_editing_different_fields_of_one_record_is_no_conflict(
    page: Page, open_page, live_server, huisarts_a, poh_a, consult_4d
):
    sheet = FourDSheet.objects.get(consult=consult_4d)
    page_a, page_b = page, open_page()
    log_in(page_a, huisarts_a)
    log_in(page_b, poh_a)
    for each in (page_a, page_b):
        each.goto(step_path(consult_4d, "introductie"))
    status_a = page_a.locator(f"#status-{sheet.public_id}")
    status_b = page_b.locator(f"#status-{sheet.public_id}")

    page_a.get_by_label(HELP_QUESTION).fill("Ik slaap slecht")
    page_a.keyboard.press("Tab")
    expect(status_a).to_contain_text(SAVED)

    # B's page still has the version from before A's save, and changes another field.
    page_b.get_by_role("radio", name="Ja, de patiënt wil breder kijken").check()
    expect(status_b).to_contain_text(SAVED)
    expect(status_b).not_to_contain_text(NOT_SAVED)
    sheet.refresh_from_db()
    assert (sheet.help_question, sheet.looks_broader) == ("Ik slaap slecht", "ja")

    # And A, with the version from before B's save, goes on in its own field.
    type_at_end(page_a, page_a.get_by_label(HELP_QUESTION), " door zorgen")
    page_a.keyboard.press("Tab")
    wait_for_db(
        lambda: FourDSheet.objects.get(pk=sheet.pk).help_question == "Ik slaap slecht door zorgen",
        "A's second save",
        pump=page_a,
    )
    expect(status_a).to_contain_text(SAVED)
    expect(status_a).not_to_contain_text(NOT_SAVED)
    sheet.refresh_from_db()
    assert sheet.looks_broader == "ja"


def test_text_over_the_limit_is_kept_and_refused_at_the_field(
    page: Page, live_server, huisarts_a, consult_4d, goal
):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    field = goal_field(page)
    field.focus()
    page.keyboard.press("ControlOrMeta+A")
    too_long = "Weer rustig slapen " * 16  # 304 characters
    page.keyboard.insert_text(too_long)  # as a paste does
    page.keyboard.press("Tab")
    expect(field).to_have_value(too_long)  # not cut by the browser
    status = page.locator(f"#status-{goal.public_id}")
    expect(status).to_contain_text("niet meer dan 300 tekens")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert goal_text(goal) == "Minder hoofdpijn"


def test_a_button_works_the_moment_it_is_on_the_screen(
    page: Page, live_server, huisarts_a, consult_4d
):
    """htmx wires up swapped-in forms at once, not 20 ms later: a button pressed as
    soon as it shows (as a test does, or a quick double press) is not posted as a
    plain form that loads the whole page. Checked right after the swap, before the
    browser does anything else."""
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "lichaam"))
    page.evaluate(
        """() => {
            window.wiredAtSwap = [];
            document.addEventListener("htmx:afterSwap", event => {
                if (event.detail.target.id !== "step") return;
                queueMicrotask(() => window.wiredAtSwap.push(Array.from(
                    document.querySelectorAll("#step form[hx-post]"),
                    form => Boolean(form["htmx-internal-data"]),
                )));
            });
        }"""
    )
    add = page.locator("#step").get_by_label("Iets wat speelt, in de woorden van de patiënt")
    add.fill("Hoofdpijn")
    add.press("Enter")
    expect(page.locator("#step li.entry-speelt")).to_have_count(1)
    wired = page.evaluate("window.wiredAtSwap")
    # One call per element swapped (the step, the plan beside it): the same forms.
    assert wired
    assert all(len(forms) >= 3 for forms in wired), wired
    assert all(all(forms) for forms in wired), f"forms swapped in not yet htmx's: {wired}"


def test_keyboard_walk_focus_lands_where_the_work_goes_on(
    page: Page, live_server, huisarts_a, consult_4d
):
    log_in(page, huisarts_a)
    page.goto(step_path(consult_4d, "plan"))
    panel = page.locator("aside#plan-panel")

    # Add a goal: the focus is in the new goal's words, to rephrase them (0 Tabs).
    panel.get_by_label("Nieuw doel, in de eigen woorden van de patiënt").focus()
    page.keyboard.type("Beter slapen")
    page.keyboard.press("Enter")
    first_goal = panel.get_by_label("Doel 1")
    expect(first_goal).to_have_value("Beter slapen")
    expect(first_goal).to_be_focused()

    # On to its first agreement: a few Tabs, not the 66 to 92 of before.
    goal = Goal.objects.get(text="Beter slapen")
    item = panel.locator(f"#goal-{goal.public_id}")
    summary = item.locator("details.add-agreement > summary")
    assert tabs_to(page, summary) <= 5
    page.keyboard.press("Enter")
    what = item.get_by_label("Nieuwe afspraak: wat er gaat gebeuren")
    # The form is fetched as the line opens, and takes the focus when it arrives.
    expect(what).to_be_focused()
    page.keyboard.type("Om 23 uur naar bed")
    page.keyboard.press("Enter")
    expect(item.locator("ul.agreements li")).to_have_count(1)
    # The focus waits in the empty field for the next agreement of that goal.
    expect(what).to_be_focused()
    expect(what).to_have_value("")
    page.keyboard.type("Geen koffie na vier uur")
    page.keyboard.press("Enter")
    expect(item.locator("ul.agreements li")).to_have_count(2)
    expect(what).to_be_focused()

    # A second goal, moved up: the focus stays with the goal that moved.
    new_goal = panel.get_by_label("Nieuw doel, in de eigen woorden van de patiënt")
    new_goal.focus()
    page.keyboard.type("Minder piekeren")
    page.keyboard.press("Enter")
    expect(panel.get_by_label("Doel 2")).to_be_focused()
    second = Goal.objects.get(text="Minder piekeren")
    higher = panel.locator(f"#goal-{second.public_id}").get_by_role("button", name="Hoger")
    assert tabs_to(page, higher) <= 3
    page.keyboard.press("Enter")
    expect(panel.get_by_label("Doel 1")).to_have_value("Minder piekeren")
    expect(
        panel.locator(f"#goal-{second.public_id}").get_by_role("button", name="Lager")
    ).to_be_focused()

    # Removing it: the focus is on the list of goals, which changed.
    page.keyboard.press("Tab")
    remove = panel.locator(f"#goal-{second.public_id}").get_by_role(
        "button", name="Doel verwijderen"
    )
    expect(remove).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.locator("ol.goals > li")).to_have_count(1)
    expect(panel.locator("ol.goals")).to_be_focused()

    # A 4D entry: the focus is back in the add field of the same list, not the heading.
    page.goto(step_path(consult_4d, "lichaam"))
    add_plays = page.locator("#step").get_by_label("Iets wat speelt, in de woorden van de patiënt")
    add_plays.focus()
    page.keyboard.type("Hoofdpijn")
    page.keyboard.press("Enter")
    expect(page.locator("#step li.entry-speelt input[type=text]")).to_have_value("Hoofdpijn")
    assert tabs_to(page, add_plays) == 0
    page.keyboard.type("Moe")
    page.keyboard.press("Enter")
    expect(page.locator("#step li.entry-speelt input[type=text]")).to_have_count(2)
    assert tabs_to(page, add_plays) == 0
    entries = FourDEntry.objects.filter(consult=consult_4d, kind=EntryKind.PLAYS)
    assert set(entries.values_list("text", flat=True)) == {"Hoofdpijn", "Moe"}

    # Removing an entry: the focus is on that list.
    remove_entry = page.locator("#step li.entry-speelt").first.get_by_role(
        "button", name=re.compile("^Verwijderen")
    )
    remove_entry.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#step li.entry-speelt")).to_have_count(1)
    expect(page.locator("#step ul.entries").first).to_be_focused()
