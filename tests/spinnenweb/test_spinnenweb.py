"""The Spinnenweb: six dimensions scored by the patient, a radar that tells the truth,
the patient's own web prepared at home, and each dimension over time."""

import math
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import Consult, PatientLink
from consult.services.consults import consult_start
from consult.services.plans import consult_finish
from spinnenweb import services
from spinnenweb.chart import CX, CY, RADIUS, RadarWeb, render_radar_svg
from spinnenweb.dimensions import DIMENSIONS
from spinnenweb.models import Web, WebDimension, WebSource
from tests.conftest import client_for, told_back
from tests.factories import ConsentFactory, SentLinkFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
OFFICIAL = [
    "Lichaamsfuncties",
    "Mentaal welbevinden",
    "Zingeving",
    "Kwaliteit van leven",
    "Meedoen",
    "Dagelijks functioneren",
]


@pytest.fixture
def web_consult(huisarts_a, patient_a):
    ConsentFactory.create(patient=patient_a, given_to=huisarts_a, recorded_by=huisarts_a)
    return consult_start(actor=Actor(user=huisarts_a), patient=patient_a, model_slug="spinnenweb")


def set_scores(web: Web, scores: dict[str, int | None], talk: frozenset[str] = frozenset()) -> None:
    for dimension in web.dimensions.all():
        dimension.score = scores.get(dimension.key)
        dimension.talk = dimension.key in talk
        dimension.save()


def autosave(client, consult, dimension, **values):
    prefix = str(dimension.public_id)
    data = {f"{prefix}-{name}": value for name, value in values.items()}
    data[f"{prefix}-version"] = dimension.version
    return client.post(
        reverse(
            "autosave",
            kwargs={
                "consult_id": consult.public_id,
                "kind": "web_dimension",
                "record_id": dimension.public_id,
            },
        ),
        data,
        headers={"HX-Request": "true"},
    )


def test_the_six_dimensions_have_their_official_names(web_consult, huisarts_a):
    page = client_for(huisarts_a).get(
        reverse("consult_step", kwargs={"consult_id": web_consult.public_id, "step_slug": "scores"})
    )
    headings = re.findall(r'<h4 id="dim-[a-z-]+">([^<]+)</h4>', page.content.decode())
    assert headings == OFFICIAL


def test_scores_flags_and_words_autosave_and_bad_scores_are_refused(web_consult, huisarts_a):
    client = client_for(huisarts_a)
    web = services.web_of(web_consult)
    meaning = web.dimensions.get(key="zingeving")
    assert autosave(client, web_consult, meaning, score="7").status_code == 200
    meaning.refresh_from_db()
    assert autosave(client, web_consult, meaning, talk="on").status_code == 200
    meaning.refresh_from_db()
    autosave(client, web_consult, meaning, words="Mijn kleinkinderen")
    meaning.refresh_from_db()
    assert (meaning.score, meaning.talk, meaning.words) == (7, True, "Mijn kleinkinderen")
    for bad in ("11", "-1", "zeven", "7.5"):
        response = autosave(client, web_consult, meaning, score=bad)
        assert response.status_code == 422
        assert "Kies een cijfer van 0 tot 10." in response.content.decode()
    meaning.refresh_from_db()
    assert meaning.score == 7


def test_the_radar_puts_each_score_on_its_axis_and_marks_what_to_talk_about():
    scores = {
        "lichaamsfuncties": 10,
        "mentaal": 5,
        "zingeving": 0,
        "kwaliteit-van-leven": 8,
        "meedoen": 3,
        "dagelijks-functioneren": 6,
    }
    svg = render_radar_svg([RadarWeb("Nu", scores, frozenset({"meedoen"}))])
    root = ET.fromstring(svg)
    outline = root.find(f"{SVG}polygon[@fill-opacity]")
    assert outline is not None
    points = [tuple(map(float, p.split(","))) for p in str(outline.get("points")).split()]
    for index, (x, y) in enumerate(points):
        score = scores[DIMENSIONS[index].key]
        angle = -math.pi / 2 + index * math.pi / 3
        assert x == pytest.approx(CX + RADIUS * score / 10 * math.cos(angle), abs=0.2)
        assert y == pytest.approx(CY + RADIUS * score / 10 * math.sin(angle), abs=0.2)
    labels = {"".join(t.itertext()): t for t in root.iter(f"{SVG}text")}
    assert [name for name in OFFICIAL if name in labels] == OFFICIAL, list(labels)
    assert labels["Meedoen"].get("font-weight") == "700"
    assert labels["Zingeving"].get("font-weight") is None
    assert len(root.findall(f"{SVG}polygon[@class='talk-star']")) == 2  # the label and the legend
    rings = [p for p in root.findall(f"{SVG}polygon") if p.get("fill") == "none"]
    assert len(rings) == 10
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "Meedoen 3 (wil hierover praten)" in str(desc.text)


def test_an_empty_or_half_filled_web_draws_without_error():
    empty = ET.fromstring(render_radar_svg([RadarWeb("Leeg", {})]))
    assert empty.find(f"{SVG}polygon[@fill-opacity]") is None
    half = ET.fromstring(
        render_radar_svg([RadarWeb("Half", {"lichaamsfuncties": 4, "mentaal": 6, "meedoen": 2})])
    )
    lines = [line for line in half.iter(f"{SVG}line") if line.get("stroke-width") == "3"]
    # Only the two neighbours that both have a score are joined; plus the legend line.
    assert len(lines) == 2
    assert ET.fromstring(render_radar_svg([])).tag == f"{SVG}svg"


def test_a_later_web_is_drawn_over_an_earlier_one_with_a_legend():
    now = RadarWeb("Nu, 02-12-2026", {d.key: 7 for d in DIMENSIONS})
    before = RadarWeb("Vorige keer, 02-09-2026", {d.key: 4 for d in DIMENSIONS})
    root = ET.fromstring(render_radar_svg([now, before]))
    outlines = [p for p in root.findall(f"{SVG}polygon") if p.get("stroke-width") == "3"]
    assert len(outlines) == 2
    assert outlines[0].get("stroke") != outlines[1].get("stroke")
    assert outlines[0].get("stroke-dasharray") != outlines[1].get("stroke-dasharray")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Nu, 02-12-2026" in texts
    assert "Vorige keer, 02-09-2026" in texts


def test_the_consult_compares_with_the_web_of_last_time(web_consult, huisarts_a, patient_a):
    set_scores(services.web_of(web_consult), {d.key: 4 for d in DIMENSIONS})
    Consult.objects.filter(pk=web_consult.pk).update(started_at=timezone.now() - timedelta(days=90))
    Web.objects.filter(consult=web_consult).update(filled_on=date.today() - timedelta(days=90))
    later = consult_start(actor=Actor(user=huisarts_a), patient=patient_a, model_slug="spinnenweb")
    set_scores(services.web_of(later), {d.key: 7 for d in DIMENSIONS})
    page = client_for(huisarts_a).get(
        reverse("consult_step", kwargs={"consult_id": later.public_id, "step_slug": "gesprek"})
    )
    content = page.content.decode()
    assert "Vorige keer, " in content
    assert "Nu, samen, " in content
    look = client_for(huisarts_a).get(reverse("look_along", kwargs={"consult_id": later.public_id}))
    assert "chart-radar" in look.content.decode()


def test_the_web_is_in_the_printed_plan(web_consult, huisarts_a):
    set_scores(
        services.web_of(web_consult), {d.key: 6 for d in DIMENSIONS}, frozenset({"zingeving"})
    )
    pdf = client_for(huisarts_a).get(
        reverse("plan_pdf", kwargs={"consult_id": web_consult.public_id})
    )
    text = " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True)
        .stdout.decode()
        .split()
    )
    for name in OFFICIAL:
        assert name in text


def make_home_link(client, patient) -> str:
    response = client.post(
        reverse("patient_link_new", kwargs={"patient_id": patient.public_id}),
        {"entry": "spinnenweb:web"},
    )
    found = re.search(r"http://testserver(/mijn/[^<\s]+/)", response.content.decode())
    assert found
    return found.group(1)


def test_the_patient_fills_in_at_home_and_the_consult_starts_from_it(
    web_consult, huisarts_a, patient_a
):
    professional = client_for(huisarts_a)
    path = make_home_link(professional, patient_a)
    patient = Client()
    first = patient.get(f"{path}lichaamsfuncties/").content.decode()
    assert "Lichaamsfuncties" in first
    assert "<script" not in first
    assert patient_a.last_name not in first
    refused = patient.post(f"{path}lichaamsfuncties/", {"score": "12"})
    assert refused.status_code == 400
    assert "Kies een cijfer van 0 tot 10." in refused.content.decode()
    assert PatientLink.objects.get().answers == {}
    patient.post(f"{path}lichaamsfuncties/", {"score": "5", "talk": "on", "words": "Moe"})
    patient.post(f"{path}mentaal/", {"score": "4", "stoppen": "1"})
    # Half-filled: stopped after two screens; continue later where it stopped.
    assert f"{path}zingeving/" in patient.get(path).content.decode()
    patient.post(f"{path}zingeving/", {"score": "8"})
    answers = told_back(patient.get(f"{path}versturen/").content.decode())
    assert answers["Lichaamsfuncties"] == ["Je cijfer: 5", "Hier wil ik over praten", "“Moe”"]
    assert answers["Mentaal welbevinden"] == ["Je cijfer: 4"]
    assert answers["Meedoen"] == ["Overgeslagen"]
    patient.post(f"{path}versturen/")
    home = Web.objects.get(source=WebSource.HOME)
    scores = {d.key: d.score for d in home.dimensions.all()}
    assert scores["lichaamsfuncties"] == 5
    assert scores["meedoen"] is None
    assert home.dimensions.get(key="lichaamsfuncties").talk
    intro = professional.get(
        reverse(
            "consult_step", kwargs={"consult_id": web_consult.public_id, "step_slug": "introductie"}
        )
    ).content.decode()
    assert "heeft thuis een eigen web ingevuld" in intro
    assert "Thuis ingevuld, " in intro
    professional.post(
        reverse("spinnenweb_take_up_home", kwargs={"consult_id": web_consult.public_id}),
        {"step": "introductie"},
    )
    together = {d.key: d.score for d in services.web_of(web_consult).dimensions.all()}
    assert together["lichaamsfuncties"] == 5
    assert together["zingeving"] == 8
    assert together["meedoen"] is None


def test_a_web_sent_after_a_consult_finished_is_for_the_next_one(
    web_consult, huisarts_a, patient_a
):
    """Lotte's consult of a month ago showed "Thuis ingevuld" with yesterday's date: the
    web she sent for the next consult, drawn into one that ended before it existed."""
    actor = Actor(user=huisarts_a)
    consult_finish(actor=actor, consult=web_consult)
    link = SentLinkFactory.create(
        patient=patient_a,
        created_by=huisarts_a,
        model_slug="spinnenweb",
        purpose="web",
        answers={d.key: {"score": 7} for d in DIMENSIONS},
    )
    services.web_from_home(link=link)
    professional = client_for(huisarts_a)

    def plan_step(consult: Consult) -> str:
        kwargs = {"consult_id": consult.public_id, "step_slug": "plan"}
        return professional.get(reverse("consult_step", kwargs=kwargs)).content.decode()

    assert "Thuis ingevuld" not in plan_step(web_consult)
    following = consult_start(actor=actor, patient=patient_a, model_slug="spinnenweb")
    assert "Thuis ingevuld, " in plan_step(following)


def test_the_trend_runs_a_fixed_number_of_queries_for_20_webs(huisarts_a, patient_a, practice_a):
    from tests.factories import PatientFactory

    ConsentFactory.create(patient=patient_a, given_to=huisarts_a, recorded_by=huisarts_a)
    other = PatientFactory.create(practice=practice_a)
    ConsentFactory.create(patient=other, given_to=huisarts_a, recorded_by=huisarts_a)
    actor = Actor(user=huisarts_a)
    for patient, count in ((patient_a, 2), (other, 20)):
        for number in range(count):
            consult = consult_start(actor=actor, patient=patient, model_slug="spinnenweb")
            set_scores(services.web_of(consult), {d.key: number % 11 for d in DIMENSIONS})
    client = client_for(huisarts_a)
    counts = []
    for patient in (patient_a, other):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("patient_detail", kwargs={"patient_id": patient.public_id}))
        counts.append(len(queries))
    assert counts[0] == counts[1]
    content = page.content.decode()
    assert "Spinnenweb: elke dimensie in de tijd (0 tot 10)" in content
    assert WebDimension.objects.filter(web__patient=other).count() == 120


def test_the_demo_has_two_webs_months_apart_and_one_from_home():
    from consult.demo import seed_demo

    seed_demo()
    together = list(Web.objects.filter(source=WebSource.TOGETHER).order_by("filled_on"))
    assert len(together) == 2
    assert (together[1].filled_on - together[0].filled_on).days >= 60
    home = Web.objects.get(source=WebSource.HOME)
    assert home.consult_id is None
    assert home.patient_id == together[0].patient_id
    # Dated as the patient page shows them: a web on its consult's day in the
    # Netherlands, the link made days before the patient sent it.
    for web in together:
        assert web.consult
        assert web.filled_on == timezone.localdate(web.consult.started_at)
    link = PatientLink.objects.get(patient_id=home.patient_id)
    assert link.completed_at
    assert link.created_at.date() < link.completed_at.date()
