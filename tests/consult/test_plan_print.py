"""The printed plan as the patient holds it: no page left mostly empty, the patient's
words whole, phone numbers as people write them, every way to reach a service, and
one form of address. Checked on the real PDF with poppler."""

import datetime
import re
import subprocess
from dataclasses import dataclass

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.documents import render_pdf
from consult.models import Agreement, Plan, WhoKind
from consult.plan_document import plan_document
from consult.services.plans import agreement_add, goal_add, network_add
from consult.services.referrals import referral_create
from models_4d.models import Domain4D, EntryKind, FourDSheet
from models_4d.services import connection_add, entry_add
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
# The page's text area (print.css: A4, 22 mm top and 24 mm bottom margin).
TOP, BOTTOM = 22 * MM, (297 - 24) * MM


@dataclass(frozen=True)
class Word:
    page: int
    x_min: float
    x_max: float
    y_max: float
    text: str


@dataclass(frozen=True)
class Layout:
    width: float
    pages: list[list[Word]]


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def layout(pdf: bytes) -> Layout:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pages: list[list[Word]] = []
    width = 0.0
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.DOTALL)):
        size = re.search(r'width="([\d.]+)"', page)
        assert size, page[:80]
        width = float(size.group(1))
        pages.append(
            [
                Word(number, float(x0), float(x1), float(y1), text)
                for x0, x1, y1, text in re.findall(
                    r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                    page,
                )
            ]
        )
    return Layout(width=width, pages=pages)


def filled(words: list[Word]) -> float:
    """How far down the text area the page's text (page number excluded) reaches."""
    body = [word.y_max for word in words if word.y_max < BOTTOM]
    return (max(body, default=TOP) - TOP) / (BOTTOM - TOP)


def print_plan(user, consult) -> bytes:
    response = client_for(user).get(reverse("plan_pdf", kwargs={"consult_id": consult.public_id}))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def one_goal_with_diagram(huisarts_a, consult_4d, practice_a):
    """The plan that took three pages, the first two-thirds empty: the patient's words,
    one goal with a referral, and a 4D diagram with connections."""
    actor = Actor(user=huisarts_a)
    FourDSheet.objects.filter(consult=consult_4d).update(
        help_question="Ik heb elke dag hoofdpijn en ik slaap slecht. Ik wil weten wat ik "
        "eraan kan doen.",
        priorities_note="Eerst de schulden, want daar pieker ik het meest over. Als dat "
        "rustiger is, kan ik misschien ook beter slapen.",
    )
    entries = {
        text: entry_add(actor=actor, consult=consult_4d, domain=domain, kind=kind, text=text)
        for domain, kind, text in (
            (Domain4D.LICHAAM, EntryKind.PLAYS, "Hoofdpijn, bijna elke dag"),
            (Domain4D.LICHAAM, EntryKind.PLAYS, "Slecht slapen"),
            (Domain4D.GEEST, EntryKind.PLAYS, "Somber, veel piekeren"),
            (Domain4D.SOCIAAL, EntryKind.HELPS, "Mijn zus luistert"),
            (Domain4D.MAATSCHAPPELIJK, EntryKind.PLAYS, "Schulden, brieven maak ik niet open"),
            (Domain4D.MAATSCHAPPELIJK, EntryKind.HELPS, "Werk als chauffeur gaat goed"),
        )
    }
    connection_add(
        actor=actor,
        consult=consult_4d,
        cause=entries["Schulden, brieven maak ik niet open"],
        effect=entries["Somber, veel piekeren"],
    )
    connection_add(
        actor=actor,
        consult=consult_4d,
        cause=entries["Somber, veel piekeren"],
        effect=entries["Hoofdpijn, bijna elke dag"],
    )
    goal = goal_add(
        actor=actor,
        consult=consult_4d,
        text="Ik wil weer overzicht over mijn geld, zodat ik niet meer wakker lig van de brieven",
        domain="4d:maatschappelijk",
    )
    agreement_add(
        actor=actor, consult=consult_4d, goal=goal, what="Samen met mijn zus de brieven openen"
    )
    service = make_service(
        practice_a.own_map,
        name="Schuldhulpverlening Zonnedal",
        organisation="Gemeente Zonnedal",
        how_to_apply="Bel of meld u aan via de website van de gemeente.",
        phone="0800 1234",
        email="schuldhulp@zonnedal.example",
        website="https://schuldhulp.zonnedal.example/",
        street_address="Markt 1",
        postcode="9991 AB",
        city="Zonnedal",
        opening_hours="Maandag tot en met vrijdag van 9 tot 12 uur",
    )
    referral_create(actor=actor, consult=consult_4d, service=service, goal=goal)
    return consult_4d


def test_no_page_is_left_mostly_empty(huisarts_a, one_goal_with_diagram):
    pages = layout(print_plan(huisarts_a, one_goal_with_diagram)).pages
    assert len(pages) <= 2, f"one goal took {len(pages)} pages"
    for number, words in enumerate(pages[:-1], start=1):
        assert filled(words) > 2 / 3, (
            f"page {number} of {len(pages)} is only {filled(words):.0%} full, "
            f"ending with {' '.join(w.text for w in words[-8:])!r}"
        )


def test_the_way_to_sign_up_comes_with_every_way_to_reach_the_service(
    huisarts_a, one_goal_with_diagram
):
    text = pdf_text(print_plan(huisarts_a, one_goal_with_diagram))
    helper = text[text.index("Schuldhulpverlening Zonnedal") :]
    # The service's own words, whole and quoted, then how to reach it.
    assert "“Bel of meld u aan via de website van de gemeente.”" in helper
    for line in (
        "0800 1234",
        "schuldhulp.zonnedal.example",
        "schuldhulp@zonnedal.example",
        "Markt 1, 9991 AB Zonnedal",
        "Maandag tot en met vrijdag van 9 tot 12 uur",
    ):
        assert line in helper, line
    assert "https://" not in helper


def test_the_plan_speaks_one_way_and_quotes_the_services_own_words(
    huisarts_a, one_goal_with_diagram
):
    text = pdf_text(print_plan(huisarts_a, one_goal_with_diagram))
    quoted = re.findall(r"“[^”]*”", text)
    assert any(" u " in quote for quote in quoted)  # the service's text says "u" ...
    outside = re.sub(r"“[^”]*”", " ", text)
    # ... but nowhere does the plan itself address the patient as "u".
    assert not re.search(r"\b(u|uw|U|Uw)\b", outside), re.findall(r".{30}\buw?\b.{30}", outside)


def test_phone_numbers_are_written_as_people_write_them(
    huisarts_a, practice_a, one_goal_with_diagram
):
    practice_a.phone = "0501112233"
    practice_a.save()
    network_add(
        actor=Actor(user=huisarts_a),
        consult=one_goal_with_diagram,
        name="Anja",
        role="zus",
        phone="0612345678",
    )
    text = pdf_text(print_plan(huisarts_a, one_goal_with_diagram))
    assert "050 111 2233" in text  # the practice, at the top and at the end
    assert "0800 1234" in text  # the service
    assert "06 1234 5678" in text  # the network
    assert "0501112233" not in text
    assert "0612345678" not in text


def test_the_patients_words_are_never_cut(huisarts_a, consult_4d):
    long_word = "Superlangwoordzonderspatiesdatdepatientzelfzotypte" * 2
    goal_text = (
        "Ik wil weer doorslapen, zodat ik overdag niet zo moe ben en weer zin heb om te "
        f"sporten met mijn buurman {long_word}, en dat wil ik echt."
    )
    FourDSheet.objects.filter(consult=consult_4d).update(help_question="Ik " + long_word)
    goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text=goal_text)
    pdf = print_plan(huisarts_a, consult_4d)
    joined = re.sub(r"\s+", "", pdf_text(pdf))
    assert re.sub(r"\s+", "", goal_text) in joined
    assert "Ik" + long_word in joined
    found = layout(pdf)
    right_margin = found.width - 20 * MM
    overflowing = [w.text for page in found.pages for w in page if w.x_max > right_margin + 1]
    assert not overflowing, f"runs off the page: {overflowing}"


def test_someone_close_who_helps_is_printed_by_name(huisarts_a, consult_4d):
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Overzicht over mijn post")
    agreement_add(
        actor=actor,
        consult=consult_4d,
        goal=goal,
        what="Helpt mij elke week met de post",
        who_kind=WhoKind.INFORMAL,
        who_name="Mijn zus Anja",
    )
    agreement_add(
        actor=actor,
        consult=consult_4d,
        goal=goal,
        what="Belt de woningcorporatie",
        who_kind=WhoKind.PROFESSIONAL,
    )
    text = pdf_text(print_plan(huisarts_a, consult_4d))
    helpers = text[text.index("Wie mij helpt") :]
    # Translated once merged: "familie of mantelzorger", "Zorgverlener".
    assert re.search(r"Mijn zus Anja, familie of mantelzorger", helpers)
    assert "Helpt mij elke week met de post" in helpers
    assert re.search(r"Zorgverlener\s+Belt de woningcorporatie", helpers)
    assert "Wat ik ga doen" not in text  # neither is something the patient does


def test_a_date_nobody_meant_is_not_printed(huisarts_a, consult_4d, patient_a):
    """Stored before dates were checked: left off rather than printed as the year 1."""
    actor = Actor(user=huisarts_a)
    goal = goal_add(actor=actor, consult=consult_4d, text="Beter slapen")
    agreement = agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Vroeg naar bed")
    Agreement.objects.filter(pk=agreement.pk).update(evaluate_on=datetime.date(1, 1, 1))
    Plan.objects.filter(patient=patient_a).update(next_evaluation_on=datetime.date(1, 1, 1))
    text = pdf_text(print_plan(huisarts_a, consult_4d))
    assert "Vroeg naar bed\n" in text
    assert "we kijken terug op" not in text
    assert "We maken een afspraak om samen te kijken hoe het gaat." in text


def test_a_sensible_evaluation_date_is_printed(huisarts_a, consult_4d, patient_a):
    goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text="Beter slapen")
    on = timezone.localdate() + datetime.timedelta(days=30)
    Plan.objects.filter(patient=patient_a).update(next_evaluation_on=on)
    text = re.sub(r"\s+", " ", pdf_text(print_plan(huisarts_a, consult_4d)))
    assert f"Op {date_filter(on, 'l j F Y')} kijken we samen hoe het gaat." in text


# The diagram fits on the page before when a little smaller is enough


def diagram_only(huisarts_a, consult):
    """A 4D conversation with a drawn diagram, and no goals yet."""
    actor = Actor(user=huisarts_a)
    worries = entry_add(
        actor=actor,
        consult=consult,
        domain=Domain4D.MAATSCHAPPELIJK,
        kind=EntryKind.PLAYS,
        text="Schulden, brieven maak ik niet open",
    )
    gloom = entry_add(
        actor=actor, consult=consult, domain=Domain4D.GEEST, kind=EntryKind.PLAYS, text="Somber"
    )
    entry_add(
        actor=actor, consult=consult, domain=Domain4D.LICHAAM, kind=EntryKind.PLAYS, text="Moe"
    )
    entry_add(
        actor=actor,
        consult=consult,
        domain=Domain4D.SOCIAAL,
        kind=EntryKind.HELPS,
        text="Mijn zus luistert",
    )
    connection_add(actor=actor, consult=consult, cause=worries, effect=gloom)
    return consult


def diagram_width(words: list[Word]) -> float:
    """From the diagram's left quadrant title to its right one: its drawn size, however
    tall the quadrants grow."""
    left = next(w.x_min for w in words if w.text == "Lichaam")
    right = next(w.x_min for w in words if w.text == "Geest")
    return right - left


def test_a_short_plan_and_its_diagram_print_on_one_page(huisarts_a, consult_4d):
    """The demo's 4D plan before goals: a page half full of text and the diagram on a
    page of its own, when drawn a little smaller it fits under the text."""
    pages = layout(print_plan(huisarts_a, diagram_only(huisarts_a, consult_4d))).pages
    assert len(pages) == 1, f"{len(pages)} pages"
    words = [w.text for w in pages[0]]
    assert {"Wanneer", "zagen", "Sociaal"} <= set(words), words
    key = [w.y_max for w in pages[0] if w.text == "leidt."]
    assert key, "the diagram's key is missing"
    assert key[0] < BOTTOM, "the diagram's key runs into the page number"


def test_the_diagram_is_never_drawn_much_smaller_to_save_a_page(huisarts_a, consult_4d):
    """As the goals grow one line at a time, the diagram goes from under the text, drawn
    a little smaller, to a page of its own; never smaller than three quarters of its size
    under text (as it was printed before it was fitted), and on a page of its own drawn
    larger, across the page's width (170 mm instead of 140)."""
    consult = diagram_only(huisarts_a, consult_4d)
    actor = Actor(user=huisarts_a)
    seen: list[tuple[int, float]] = []  # pages, drawn size as a share of the unfitted
    for number in range(8):
        pages = layout(print_plan(huisarts_a, consult)).pages
        unfitted = render_pdf(
            "documents/plan.html", {"doc": plan_document(consult, today=timezone.localdate())}
        )
        share = diagram_width(pages[-1]) / diagram_width(layout(unfitted).pages[-1])
        seen.append((len(pages), round(share, 3)))
        assert share >= 0.75 - 0.005, f"drawn at {share:.0%} of its size: {seen}"
        if len(pages) == 2:
            assert share == pytest.approx(170 / 140, abs=0.01), f"alone, not larger: {seen}"
            break
        goal_add(actor=actor, consult=consult, text=f"Doel {number + 1}: beter slapen")
    assert seen[-1][0] == 2, f"the diagram never went to a page of its own: {seen}"
    assert any(share < 0.9 for count, share in seen if count == 1), seen


def test_a_diagram_alone_on_its_page_stays_within_it(huisarts_a, consult_4d):
    """Drawn larger on a page of its own, the diagram keeps to the page's margins and
    its key stays above the page number, on the same page."""
    consult = diagram_only(huisarts_a, consult_4d)
    actor = Actor(user=huisarts_a)
    for number in range(8):
        goal_add(actor=actor, consult=consult, text=f"Doel {number + 1}: beter slapen")
        printed = layout(print_plan(huisarts_a, consult))
        if len(printed.pages) == 2:
            break
    last = printed.pages[-1]
    assert len(printed.pages) == 2, f"{len(printed.pages)} pages"
    assert "Lichaam" in {w.text for w in last}, "the diagram is not on the last page"
    assert all("Doel" not in w.text for w in last), "text came along to the diagram's page"
    drawn = [w for w in last if w.y_max < BOTTOM]
    assert min(w.x_min for w in drawn) >= 20 * MM - 1, "past the left margin"
    assert max(w.x_max for w in drawn) <= printed.width - 20 * MM + 1, "past the right margin"
    key = [w.y_max for w in last if w.text == "leidt."]
    assert key, "the diagram's key is not on its page"
    assert key[0] < BOTTOM, "the diagram's key runs into the page number"
