"""Pages that must read well on a tablet beside the patient (768 px) as on a desktop
(1366 px): labels beside their fields, dates and button words not broken over lines,
tick boxes before their words."""

import pytest
from playwright.sync_api import Locator, Page, expect

from consult.models import Role
from tests.browser.conftest import log_in
from tests.browser.journeys import expect_ticks_before_their_words
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 768])
def test_the_copy_periods_labels_stay_beside_their_date_fields(
    page: Page, live_server, huisarts_a, consult_4d, width
):
    """“Tot en met” broke over two lines at 768 px, half of it beside the first field."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, huisarts_a)
    page.goto(f"/patienten/{consult_4d.patient.public_id}/")
    for field in ("copy-from", "copy-to"):
        label = page.locator(f"label[for={field}]")
        expect(label).to_be_visible()
        label_box, field_box = label.bounding_box(), page.locator(f"#{field}").bounding_box()
        assert label_box
        assert field_box
        assert on_one_line(label), f"{field}: its label wraps"
        middle = label_box["y"] + label_box["height"] / 2
        assert field_box["y"] < middle < field_box["y"] + field_box["height"], (
            f"{field}: its label is not beside it"
        )
        assert label_box["x"] < field_box["x"]


def test_a_consults_date_and_time_stay_on_one_line_on_a_tablet(
    page: Page, live_server, huisarts_a, consult_4d
):
    """The list of conversations broke “07-12-2026 00:10” over three lines at 768 px."""
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, huisarts_a)
    page.goto(f"/patienten/{consult_4d.patient.public_id}/")
    started = page.locator(f"td.when a[href='/consulten/{consult_4d.public_id}/']")
    expect(started).to_be_visible()
    assert on_one_line(started), "the date of the conversation wraps"


def test_the_kaarts_title_and_buttons_keep_their_words_together_on_a_tablet(
    page: Page, live_server, manager_a
):
    """At 768 px “Sociale kaart” and each of the manager's four buttons broke in two."""
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, manager_a)
    page.goto("/sociale-kaart/")
    head = page.locator(".page-head")
    expect(head.locator(".button")).to_have_count(4)
    for part in [head.locator("h1"), *head.locator(".button").all()]:
        box = part.bounding_box()
        assert box
        assert on_one_line(part), f"{part.inner_text()!r} wraps"
        assert box["x"] + box["width"] <= 768, f"{part.inner_text()!r} runs off the screen"


def test_the_account_pages_ticks_stand_before_their_words(
    page: Page, live_server, beheerder_a, poh_a
):
    """Active, two-step verification again, reviews the audit trail: each box on the
    left of its words, its explanation under them (it stood alone under the words)."""
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, beheerder_a)
    page.goto(f"/beheer/gebruikers/{poh_a.public_id}/")
    expect(page.get_by_role("checkbox", name="Actief")).to_be_checked()
    expect_ticks_before_their_words(page, at_least=3)


@pytest.mark.parametrize("width", [1366, 768])
def test_the_user_list_fits_the_screen_with_its_buttons_together_at_the_right(
    page: Page, live_server, beheerder_a, poh_a, huisarts_a, width
):
    """At 1366 px “Nieuw account” floated alone in the middle of the title row; at 768 px
    the table ran 70 px off the screen, or broke “Dr. Anna de Vries” into a word a line."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, beheerder_a)
    page.goto("/beheer/gebruikers/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    new, erase = (
        page.get_by_role("link", name="Nieuw account"),
        page.get_by_role("link", name="Dossier van een patiënt vernietigen"),
    )
    expect(new).to_have_class("button primary")
    new_box, erase_box = new.bounding_box(), erase.bounding_box()
    assert new_box
    assert erase_box
    assert abs(new_box["y"] - erase_box["y"]) < 2, "the two buttons are not side by side"
    assert 0 < new_box["x"] - (erase_box["x"] + erase_box["width"]) < 40, "they stand apart"
    for account in (beheerder_a, poh_a, huisarts_a):
        name = page.get_by_role("link", name=account.full_name)
        assert on_one_line(name), f"{account.full_name} wraps"
        expect(name.locator("xpath=..")).to_contain_text(account.email)


def test_the_erasure_pages_list_stands_apart_from_the_form(page: Page, live_server, beheerder_a):
    """“Vernietigde dossiers” stood against the form's buttons, as if it were one of them."""
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, beheerder_a)
    page.goto("/beheer/vernietigen/")
    button = page.get_by_role("button", name="Dossier opzoeken").bounding_box()
    heading = page.get_by_role("heading", name="Vernietigde dossiers").bounding_box()
    assert button
    assert heading
    assert heading["y"] - (button["y"] + button["height"]) >= 16


@pytest.mark.parametrize("width", [1366, 768])
def test_the_top_bar_shows_the_search_hint_whole_and_who_is_logged_in_at_the_right(
    page: Page, live_server, poh_a, width
):
    """The search field showed “Zoek een patië”; the role read “(POH-GGZ
    (praktijkondersteuner ggz))”; the name and “Uitloggen” fell apart over lines."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, poh_a)
    page.goto("/")
    search = page.locator("#topbar-q")
    expect(search).to_have_attribute("placeholder", "Zoek patiënt")
    room, needed = search.evaluate(
        """field => {
            const style = getComputedStyle(field);
            const context = document.createElement("canvas").getContext("2d");
            context.font = style.font;
            const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
            return [field.clientWidth - padding, context.measureText(field.placeholder).width];
        }"""
    )
    assert needed <= room, f"the hint needs {needed:.0f} px and has {room:.0f}"
    account = page.locator(".topbar-account")
    expect(account.locator(".topbar-user")).to_have_text("POH A (POH-GGZ)")
    name, log_out = (
        account.locator(".topbar-user").bounding_box(),
        account.get_by_role("button", name="Uitloggen").bounding_box(),
    )
    bar = page.locator("header.topbar").bounding_box()
    assert name
    assert log_out
    assert bar
    assert abs((name["y"] + name["height"] / 2) - (log_out["y"] + log_out["height"] / 2)) < 4, (
        "the name and Uitloggen are not on one line"
    )
    assert bar["x"] + bar["width"] - (log_out["x"] + log_out["width"]) < 40, (
        "Uitloggen is not at the right"
    )


def test_the_top_bar_fits_a_phone(page: Page, live_server, practice_a):
    """Below 768 px, which the app is not made for, a page still fits the screen: the
    top bar of the colleague with the most links (the Logboek too) ran 260 px past a
    phone's width, its links and the log-out button on one line each."""
    reviewer = UserFactory.create(
        practice=practice_a, role=Role.HUISARTS, full_name="Dr. Anna de Vries", reviews_audit=True
    )
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, reviewer)
    page.goto("/logboek/")
    expect(page.locator(".topbar-nav")).to_contain_text("Logboek")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".topbar").get_by_role("button", name="Uitloggen")).to_be_in_viewport()


def test_the_service_forms_number_fields_and_tick_look_like_the_rest(
    page: Page, live_server, manager_a
):
    """The ages were bare browser number boxes, smaller than every other field, and
    “Bedient de hele regio” had its box alone under the words."""
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, manager_a)
    page.goto("/sociale-kaart/nieuw/")
    expect_ticks_before_their_words(page, at_least=1)
    looks = {
        name: page.locator(f"input[name={name}]").evaluate(
            """field => {
                const style = getComputedStyle(field);
                return [style.borderTopColor, style.borderTopWidth, style.paddingLeft,
                        style.borderTopLeftRadius, field.getBoundingClientRect().height];
            }"""
        )
        for name in ("name", "age_min", "age_max")
    }
    assert looks["age_min"] == looks["name"], looks
    assert looks["age_max"] == looks["name"], looks


@pytest.mark.parametrize("width", [1366, 768])
def test_the_kaarts_filters_stand_on_one_line_whatever_their_hints(
    page: Page, live_server, huisarts_a, width
):
    """The postcode and age fields stood lower than the theme beside them: their hints
    came between label and field."""
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, huisarts_a)
    page.goto("/sociale-kaart/")
    middles = {}
    for name in ("theme", "postcode", "age"):
        box = page.locator(f".search-filters [name={name}]").bounding_box()
        assert box
        middles[name] = box["y"] + box["height"] / 2
    assert max(middles.values()) - min(middles.values()) < 2, middles
    hint = page.locator(".search-filters #id_postcode_helptext").bounding_box()
    field = page.locator(".search-filters [name=postcode]").bounding_box()
    assert hint
    assert field
    assert hint["y"] >= field["y"] + field["height"], "the hint is not under its field"
    # The words to search for, above the filters, the same way.
    hint = page.locator(".search-main #id_q_helptext").bounding_box()
    field = page.locator(".search-main [name=q]").bounding_box()
    assert hint
    assert field
    assert hint["y"] >= field["y"] + field["height"], "the search's hint is not under its field"


@pytest.mark.parametrize("width", [1366, 768])
def test_the_logboeks_filters_stand_on_one_line(page: Page, live_server, huisarts_a, width):
    """The date fields stand taller than the selects: bottom-aligned, the fields of one
    row stood a few pixels apart."""
    huisarts_a.reviews_audit = True
    huisarts_a.save(update_fields=["reviews_audit"])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, huisarts_a)
    page.goto("/logboek/")
    rows: list[dict[str, float]] = []  # the fields by the row they stand in
    for name in ("start", "end", "his_number", "user", "event", "outcome"):
        box = page.locator(f".audit-filters [name={name}]").bounding_box()
        assert box
        middle = box["y"] + box["height"] / 2
        row = next((r for r in rows if abs(next(iter(r.values())) - middle) < 30), None)
        if row is None:
            rows.append(row := {})
        row[name] = middle
    assert len(rows[0]) >= 3, rows
    for row in rows:
        assert max(row.values()) - min(row.values()) < 2, rows


def on_one_line(part: Locator) -> bool:
    """Whether the words of this element stand on one line: the box of its text is less
    than one and a half of its lines high."""
    return part.evaluate(
        """element => {
            const words = document.createRange();
            words.selectNodeContents(element);
            const line = parseFloat(getComputedStyle(element).lineHeight);
            return words.getBoundingClientRect().height < 1.5 * line;
        }"""
    )


@pytest.mark.parametrize("address", ["/logboek/", "/logboek/maand/"])
def test_the_trails_tables_read_as_cards_on_a_tablet(
    page: Page, live_server, practice_a, patient_a, address
):
    """At 768 px the trail's eight columns and the month's six ran off the screen in a
    table that scrolled sideways. Each row is now a card: every cell beside its column's
    name, a name over two lines taking its two lines (they overlapped the next one), the
    cells two side by side, so that an event takes four lines, not eight."""
    reviewer = UserFactory.create(
        practice=practice_a, role=Role.HUISARTS, full_name="Dr. Controle", reviews_audit=True
    )
    client_for(reviewer).get(f"/patienten/{patient_a.public_id}/")
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, reviewer)
    page.goto(address)
    table = page.locator("table.stack-narrow")
    expect(table).to_contain_text("Dr. Controle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    cells = table.locator("tbody tr").first.locator("td")
    boxes: list[tuple[str, dict[str, float]]] = []
    for cell in cells.all():
        label, label_height, box = cell.evaluate(
            """cell => {
                const before = getComputedStyle(cell, "::before");
                const probe = document.createElement("div");
                probe.style.cssText = `position:absolute;width:${before.width};font:${before.font}`;
                probe.textContent = cell.dataset.label;
                document.body.append(probe);
                const height = probe.getBoundingClientRect().height;
                probe.remove();
                const box = cell.getBoundingClientRect();
                return [before.content, height, {
                    top: box.top, bottom: box.bottom, left: box.left, right: box.right,
                }];
            }"""
        )
        assert label.strip('"'), "a cell without its column's name"
        assert box["bottom"] - box["top"] >= label_height - 1, f"{label} runs into the next line"
        for other_label, other in boxes:
            apart = (
                box["top"] >= other["bottom"] - 1
                or box["left"] >= other["right"] - 1
                or box["right"] <= other["left"] + 1
            )
            assert apart, f"{label} stands over {other_label}"
        boxes.append((label, box))
    lines = {round(box["top"]) for _label, box in boxes}
    assert len(lines) <= (len(boxes) + 1) // 2, "the cells are not two side by side"
    # A tablet held sideways, and the narrowest desktop: the table fits or is cards.
    for width in (1024, 1200):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    if address == "/logboek/maand/":
        month, show = page.locator("#month").bounding_box(), page.locator(".month-pick button")
        button = show.bounding_box()
        assert month
        assert button
        assert abs(month["y"] - button["y"]) < 12, "Tonen is not beside the month"
