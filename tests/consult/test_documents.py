"""The printed plan: clear, accessible, safe. Checked on the real PDF with poppler."""

import contextlib
import re
import subprocess
import zlib

import pytest
from django.urls import reverse
from django.utils import timezone
from weasyprint.urls import URLFetchingError

from consult.access import Actor
from consult.documents import STATIC_PREFIX, StaticOnlyFetcher, render_pdf
from consult.models import AuditEvent
from consult.plan_document import plan_document
from consult.services.plans import agreement_add, goal_add
from consult.services.referrals import referral_create
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_info(pdf: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_metadata(pdf: bytes) -> str:
    result = subprocess.run(["pdfinfo", "-meta", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams unpacked, to read the document catalogue."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


@pytest.fixture
def full_plan(huisarts_a, consult_4d, patient_a, practice_a):
    actor = Actor(user=huisarts_a)
    patient_a.notes = "Klinische notitie: verdenking depressie"
    patient_a.save()
    practice_a.phone = "0501112233"
    practice_a.save()
    first = goal_add(
        actor=actor, consult=consult_4d, text="Ik wil weer rustig slapen", domain="4d:lichaam"
    )
    second = goal_add(
        actor=actor,
        consult=consult_4d,
        text="Overzicht over mijn geld",
        domain="4d:maatschappelijk",
    )
    agreement_add(
        actor=actor, consult=consult_4d, goal=first, what="Elke avond een half uur wandelen"
    )
    debt_help = make_service(
        practice_a.own_map,
        name="Schuldhulp Zonnedal",
        phone="0501234567",
        street_address="Markt 1",
        postcode="9991 AB",
        city="Zonnedal",
    )
    referral_create(actor=actor, consult=consult_4d, service=debt_help, goal=second)
    return consult_4d


def test_the_plan_prints_goals_in_order_with_who_helps(huisarts_a, full_plan):
    response = client_for(huisarts_a).get(
        reverse("plan_pdf", kwargs={"consult_id": full_plan.public_id})
    )
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Mijn plan, Ingrid" in text
    assert "Huisartsenpraktijk A" in text
    assert "050 111 2233" in text
    assert (
        text.index("Mijn doelen")
        < text.index("Ik wil weer rustig slapen")
        < text.index("Overzicht over mijn geld")
    )
    for heading in ("Wat ik ga doen", "Wie mij helpt", "Wanneer we terugkijken"):
        assert heading in text
    assert "Elke avond een half uur wandelen" in text
    assert "Schuldhulp Zonnedal" in text
    assert "050 123 4567" in text
    assert "Markt 1" in text
    assert "Pagina 1 van" in text


def test_no_clinical_notes_or_record_numbers_ever(huisarts_a, full_plan, patient_a):
    text = pdf_text(
        client_for(huisarts_a)
        .get(reverse("plan_pdf", kwargs={"consult_id": full_plan.public_id}))
        .content
    )
    assert "Klinische notitie" not in text
    assert "depressie" not in text
    assert patient_a.his_number not in text
    assert "Hoekstra" not in text


def test_the_pdf_is_tagged_titled_and_in_dutch(huisarts_a, full_plan):
    pdf = (
        client_for(huisarts_a)
        .get(reverse("plan_pdf", kwargs={"consult_id": full_plan.public_id}))
        .content
    )
    info = pdf_info(pdf)
    assert "Tagged:          yes" in info
    assert "Title:           Mijn plan, Ingrid" in info
    assert 'pdfuaid:part="1"' in pdf_metadata(pdf)
    assert b"/Lang (nl)" in inflated(pdf)


def test_markup_and_addresses_in_patient_text_are_printed_and_never_fetched(huisarts_a, consult_4d):
    hostile = '<img src="file:///etc/passwd"> <link rel="stylesheet" href="http://evil.example/x.css"> http://evil.example/a.png'
    goal_add(actor=Actor(user=huisarts_a), consult=consult_4d, text=hostile[:300])
    requested: list[str] = []
    pdf = render_pdf(
        "documents/plan.html",
        {"doc": plan_document(consult_4d, today=timezone.localdate())},
        on_fetch=requested.append,
    )
    assert requested == [STATIC_PREFIX + "css/print.css"]
    text = pdf_text(pdf)
    assert "file:///etc/passwd" in text
    assert "http://evil.example/a.png" in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://evil.example/x.css",
        "https://evil.example/",
        f"{STATIC_PREFIX}../../settings.py",
        f"{STATIC_PREFIX}bestaat-niet.css",
    ],
)
def test_the_fetcher_refuses_everything_but_the_apps_static_files(url):
    with pytest.raises((URLFetchingError, ValueError)):
        StaticOnlyFetcher().fetch(url)


def test_a_print_is_audited(huisarts_a, full_plan):
    client_for(huisarts_a).get(reverse("plan_pdf", kwargs={"consult_id": full_plan.public_id}))
    event = AuditEvent.objects.get(action="print")
    assert (event.object_type, event.patient_id) == ("plan", full_plan.patient.public_id)


def test_printing_is_closed_to_other_practices_and_non_clinicians(huisarts_b, manager_a, full_plan):
    url = reverse("plan_pdf", kwargs={"consult_id": full_plan.public_id})
    assert client_for(huisarts_b).get(url).status_code == 404
    assert client_for(manager_a).get(url).status_code == 403
    assert not AuditEvent.objects.filter(action="print", outcome="allowed").exists()
    # The refusals name what was tried: printing this consult's plan.
    refused = AuditEvent.objects.filter(outcome="refused").order_by("id")
    assert [(e.action, e.object_type, e.patient_id) for e in refused] == [
        ("print", "consult", full_plan.patient.public_id),
        ("print", "consult", full_plan.patient.public_id),
    ]


def test_a_model_adds_its_own_part_to_the_printed_plan(huisarts_a, practice_a):
    """KOP's relapse prevention reaches the plan this way: through the registry."""
    from consult.registry import ConversationModel, PlanSection, Step, register, unregister
    from consult.services.consults import consult_start
    from tests.factories import ConsentFactory

    class WithRelapsePlan(ConversationModel):
        def plan_sections(self, consult):
            return [
                PlanSection(
                    "Als het weer slechter gaat",
                    ["Ik merk het aan slecht slapen.", "Dan bel ik de POH."],
                )
            ]

    register(
        WithRelapsePlan(
            slug="proef-kop", name="Proef", for_whom="Test", steps=(Step("een", "Een"),)
        )
    )
    try:
        consent = ConsentFactory.create(patient__practice=practice_a)
        consult = consult_start(
            actor=Actor(user=huisarts_a), patient=consent.patient, model_slug="proef-kop"
        )
        text = pdf_text(
            client_for(huisarts_a)
            .get(reverse("plan_pdf", kwargs={"consult_id": consult.public_id}))
            .content
        )
    finally:
        unregister("proef-kop")
    assert "Als het weer slechter gaat" in text
    assert text.index("Ik merk het aan slecht slapen.") < text.index("Dan bel ik de POH.")


def test_the_printed_plan_uses_large_type(huisarts_a, full_plan):
    """Every word of the plan's body is set at 12 pt or more (the page numbers and the
    print date are small on purpose)."""
    pdf = (
        client_for(huisarts_a)
        .get(reverse("plan_pdf", kwargs={"consult_id": full_plan.public_id}))
        .content
    )
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    heights = {
        word: float(y_max) - float(y_min)
        for y_min, y_max, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', boxes
        )
    }
    body_words = [
        "Ik",
        "wil",
        "weer",
        "rustig",
        "slapen",
        "Elke",
        "avond",
        "wandelen",
        "Schuldhulp",
    ]
    # A line box is about 1.15 times the font size: 12 pt type gives boxes of 13.8 pt.
    assert all(heights[word] >= 13.5 for word in body_words), {w: heights[w] for w in body_words}
