"""The KOP-model: the schema in the patient's words, the risk analysis before going
further (with a flag that follows the patient), the problem definition beside the
picture, interventions by K, O and P in the shared plan, sessions with severity over
time, relapse prevention in the printed plan."""

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import Agreement, AuditEvent, Consult, PatientFlag
from consult.services.consults import consult_start
from consult.services.plans import goal_add, step_complete
from kop import services
from kop.chart import render_kop_svg
from kop.models import Circumstance, Complaint, Intervention, KopSheet, StyleItem
from tests.conftest import client_for
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true", "HX-Target": "step"}


@pytest.fixture
def kop(poh_a, patient_a):
    ConsentFactory.create(patient=patient_a, given_to=poh_a, recorded_by=poh_a)
    return consult_start(actor=Actor(user=poh_a), patient=patient_a, model_slug="kop")


@pytest.fixture
def schema(kop, poh_a):
    actor = Actor(user=poh_a)
    services.complaint_add(
        actor=actor, consult=kop, text="Slecht slapen", since="sinds de zomer", severity=7
    )
    services.complaint_add(actor=actor, consult=kop, text="Somber en wanhopig", severity=8)
    services.circumstance_add(
        actor=actor, consult=kop, area="relaties", positive=False, text="Partner weggegaan"
    )
    services.circumstance_add(
        actor=actor, consult=kop, area="familie", positive=True, text="Steun van mijn kinderen"
    )
    services.style_add(actor=actor, consult=kop, helps=False, text="Altijd de sterke willen zijn")
    services.style_add(actor=actor, consult=kop, helps=True, text="Ik pak dingen aan")
    return kop


def step_url(consult, step):
    return reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": step})


def answer_risk(sheet: KopSheet, *, suicidality: str = "nee") -> None:
    sheet.stressors = "Relatie: partner weg"
    sheet.protective = "Kinderen"
    sheet.acute_risk = "nee"
    sheet.depression = "nee"
    sheet.suicidality = suicidality
    sheet.risk_conclusion = "Geen acuut risico"
    sheet.save()


def attr(element: ET.Element | None, name: str) -> str:
    assert element is not None
    value = element.get(name)
    assert value is not None
    return value


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_schema_is_added_to_in_the_patients_words_and_shown_side_by_side(kop, poh_a):
    client = client_for(poh_a)
    url = reverse("kop_complaint_add", kwargs={"consult_id": kop.public_id})
    response = client.post(
        url,
        {
            "step": "schema",
            "klacht-text": "Geen energie",
            "klacht-since": "juni",
            "klacht-severity": "6",
        },
        headers=HX,
    )
    assert response.status_code == 200
    client.post(
        reverse("kop_circumstance_add", kwargs={"consult_id": kop.public_id}),
        {
            "step": "schema",
            "prefix": "last",
            "last-area": "werk",
            "last-positive": "0",
            "last-text": "Ruzie op werk",
        },
    )
    client.post(
        reverse("kop_style_add", kwargs={"consult_id": kop.public_id}),
        {"step": "schema", "prefix": "helpt", "helpt-helps": "1", "helpt-text": "Fietsen"},
    )
    page = client.get(step_url(kop, "schema")).content.decode()
    columns = re.findall(r'<section class="kop-column (kop-[kop])"', page)
    assert columns == ["kop-k", "kop-o", "kop-p"]
    k = page[page.index('class="kop-column kop-k"') : page.index('class="kop-column kop-o"')]
    o = page[page.index('class="kop-column kop-o"') : page.index('class="kop-column kop-p"')]
    p = page[page.index('class="kop-column kop-p"') :]
    assert 'value="Geen energie"' in k
    assert 'value="juni"' in k
    assert 'value="Ruzie op werk"' in o
    assert 'value="Fietsen"' in p
    complaint = Complaint.objects.get()
    assert (complaint.text, complaint.since, complaint.severity) == ("Geen energie", "juni", 6)


@pytest.mark.parametrize("severity", ["11", "0", "veel", "-3"])
def test_a_severity_outside_1_to_10_is_refused_in_dutch_and_nothing_stored(kop, poh_a, severity):
    client = client_for(poh_a)
    response = client.post(
        reverse("kop_complaint_add", kwargs={"consult_id": kop.public_id}),
        {"step": "schema", "klacht-text": "Hoofdpijn", "klacht-severity": severity},
        headers=HX,
    )
    assert response.status_code == 422
    assert "Kies een ernst van 1 tot 10." in response.content.decode()
    assert not Complaint.objects.exists()


def test_autosave_refuses_a_severity_outside_1_to_10(schema, poh_a):
    complaint = Complaint.objects.get(text="Slecht slapen")
    url = reverse(
        "autosave",
        kwargs={
            "consult_id": schema.public_id,
            "kind": "kop_complaint",
            "record_id": complaint.public_id,
        },
    )
    prefix = str(complaint.public_id)
    response = client_for(poh_a).post(
        url,
        {f"{prefix}-severity": "12", f"{prefix}-version": complaint.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Kies een ernst van 1 tot 10." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.severity == 7


def test_the_picture_leads_from_circumstances_and_style_to_the_complaints(schema):
    svg = render_kop_svg(
        list(Complaint.objects.filter(consult=schema)),
        list(Circumstance.objects.filter(consult=schema)),
        list(StyleItem.objects.filter(consult=schema)),
    )
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "K = O + P" in texts
    boxes = root.findall("s:rect", ns)
    o_box, p_box, k_box = boxes
    titles = [t for t in texts if t.startswith(("O:", "P:", "K:"))]
    assert titles == ["O: omstandigheden", "P: persoonlijke stijl", "K: klachten"]
    # O and P are on the left, K on the right; the arrowhead points into K's box.
    k_left = float(attr(k_box, "x"))
    assert float(attr(o_box, "x")) + float(attr(o_box, "width")) < k_left
    assert float(attr(p_box, "y")) > float(attr(o_box, "y"))
    head = root.find("s:polygon", ns)
    tip_x, tip_y = (float(v) for v in attr(head, "points").split()[0].split(","))
    assert k_left - 10 <= tip_x <= k_left
    k_top = float(attr(k_box, "y"))
    k_bottom = k_top + float(attr(k_box, "height"))
    assert k_top < tip_y < k_bottom
    others = [tuple(map(float, p.split(","))) for p in attr(head, "points").split()[1:]]
    assert all(x < tip_x for x, _y in others)
    assert any("Slecht slapen (7/10)" in t for t in texts)
    assert any("+ Steun van mijn kinderen" in t for t in texts)


def test_a_long_complaint_wraps_instead_of_being_cut():
    long = "Ik kan me op mijn werk nergens meer op concentreren en vergeet afspraken"
    svg = render_kop_svg([Complaint(text=long, severity=5)], [], [])
    words = " ".join(
        (t.text or "").strip("• ").strip()
        for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    )
    assert "vergeet afspraken (5/10)" in words
    assert "…" not in svg


def test_the_risk_analysis_cannot_be_recorded_or_done_with_a_question_open(kop, poh_a):
    client = client_for(poh_a)
    sheet = KopSheet.objects.get(consult=kop)
    sheet.stressors = "Werk"
    sheet.save()
    response = client.post(
        reverse("kop_risk_record", kwargs={"consult_id": kop.public_id}),
        {"step": "risico"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "Beantwoord elke vraag van de risicoanalyse" in response.content.decode()
    done = client.post(
        reverse("step_done", kwargs={"consult_id": kop.public_id, "step_slug": "risico"}),
        headers=HX,
    )
    assert done.status_code == 422
    kop.refresh_from_db()
    assert "risico" not in kop.completed_steps
    sheet.refresh_from_db()
    assert sheet.risk_recorded_at is None


def test_every_later_step_reminds_until_the_risk_is_recorded(kop, poh_a):
    client = client_for(poh_a)
    reminder = "De risicoanalyse is nog niet vastgelegd."
    for step in ("probleemdefinitie", "plan", "uitvoering", "terugvalpreventie"):
        assert reminder in client.get(step_url(kop, step)).content.decode()
    answer_risk(KopSheet.objects.get(consult=kop))
    client.post(
        reverse("kop_risk_record", kwargs={"consult_id": kop.public_id}), {"step": "risico"}
    )
    for step in ("probleemdefinitie", "plan", "uitvoering", "terugvalpreventie"):
        assert reminder not in client.get(step_url(kop, step)).content.decode()
    assert not PatientFlag.objects.exists()


def test_recorded_suicidal_thoughts_raise_a_flag_that_follows_the_patient(
    schema, poh_a, huisarts_a, patient_a
):
    answer_risk(KopSheet.objects.get(consult=schema), suicidality="gedachten")
    client_for(poh_a).post(
        reverse("kop_risk_record", kwargs={"consult_id": schema.public_id}), {"step": "risico"}
    )
    flag = PatientFlag.objects.get()
    assert flag.level == "risico"
    assert "gedachten aan de dood" in flag.text
    four_d = consult_start(actor=Actor(user=huisarts_a), patient=patient_a, model_slug="4d")
    huisarts = client_for(huisarts_a)
    workspace = huisarts.get(reverse("consult_detail", kwargs={"consult_id": four_d.public_id}))
    assert flag.text in workspace.content.decode()
    page = huisarts.get(reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}))
    assert flag.text in page.content.decode()
    pdf = huisarts.get(reverse("plan_pdf", kwargs={"consult_id": schema.public_id})).content
    assert "gedachten" not in pdf_text(pdf)
    look = huisarts.get(reverse("look_along", kwargs={"consult_id": schema.public_id}))
    assert flag.text not in look.content.decode()


def test_the_problem_definition_sits_beside_the_picture(schema, poh_a):
    page = client_for(poh_a).get(step_url(schema, "probleemdefinitie")).content.decode()
    definition = page[page.index('class="kop-definition"') :]
    assert definition.index("chart-kop") < definition.index("problem_definition")


def test_interventions_follow_table_4_and_become_agreements(schema, poh_a):
    goal = goal_add(actor=Actor(user=poh_a), consult=schema, text="Weer goed slapen")
    client = client_for(poh_a)
    page = client.get(step_url(schema, "plan")).content.decode()
    table = page[page.index('class="table kop-interventions"') : page.index("</table>")]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    assert [row[0] for row in rows] == [
        "Basis van elk plan",
        "K: klachten verminderen",
        "O: omgaan met de omstandigheden",
        "P: draagkracht en coping versterken",
    ]
    assert rows[0][1] == "Psycho-educatie"
    assert "Ontspanningsoefeningen, Mindfulness, Slaaphygiëne, Meer bewegen" in rows[1][1]
    response = client.post(
        reverse("kop_intervention_add", kwargs={"consult_id": schema.public_id}),
        {
            "step": "plan",
            "goal": str(goal.public_id),
            "intervention": "K:slaaphygiene",
            "who": "patient",
        },
        headers=HX,
    )
    assert response.status_code == 200
    agreement = Agreement.objects.get()
    assert agreement.goal == goal
    assert agreement.who_kind == "patient"
    assert agreement.what.startswith("Werken aan goed slapen")
    assert Intervention.objects.get().agreement == agreement
    made_up = client.post(
        reverse("kop_intervention_add", kwargs={"consult_id": schema.public_id}),
        {"step": "plan", "goal": str(goal.public_id), "intervention": "K:cgt", "who": "patient"},
        headers=HX,
    )
    assert made_up.status_code == 422
    assert Agreement.objects.count() == 1


def test_a_referral_to_gbggz_is_recorded(schema, poh_a):
    sheet = KopSheet.objects.get(consult=schema)
    prefix = str(sheet.public_id)
    client_for(poh_a).post(
        reverse(
            "autosave",
            kwargs={
                "consult_id": schema.public_id,
                "kind": "kop_sheet",
                "record_id": sheet.public_id,
            },
        ),
        {f"{prefix}-ggz_referral": "gbggz", f"{prefix}-version": sheet.version},
        headers={"HX-Request": "true"},
    )
    sheet.refresh_from_db()
    assert sheet.ggz_referral == "gbggz"


def test_sessions_carry_the_schema_over_and_follow_severity(schema, poh_a, patient_a):
    actor = Actor(user=poh_a)
    answer_risk(KopSheet.objects.get(consult=schema))
    services.risk_record(actor=actor, consult=schema)
    second = consult_start(actor=actor, patient=patient_a, model_slug="kop", continues=schema)
    carried = Complaint.objects.filter(consult=second)
    assert sorted(c.text for c in carried) == ["Slecht slapen", "Somber en wanhopig"]
    assert KopSheet.objects.get(consult=second).risk_recorded_at is not None
    assert Circumstance.objects.filter(consult=second).count() == 2
    sleep = carried.get(text="Slecht slapen")
    assert sleep.lineage == Complaint.objects.get(consult=schema, text="Slecht slapen").lineage
    sleep.severity = 4
    sleep.save()
    client = client_for(poh_a)
    page = client.get(step_url(second, "uitvoering")).content.decode()
    assert "sessie 2" in page
    patient_page = client.get(
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    ).content.decode()
    assert "KOP: ernst per klacht (1 tot 10)" in patient_page
    assert "Slecht slapen: 7 (" in patient_page
    assert re.search(r"Slecht slapen: 7 \([\d-]+\), 4 \(", patient_page)
    assert "Sessie 2: Slecht slapen 4/10" in patient_page


def test_relapse_prevention_is_its_own_part_of_the_printed_plan(schema, poh_a):
    sheet = KopSheet.objects.get(consult=schema)
    sheet.warning_signs = "Ik zeg afspraken af"
    sheet.what_helps = "Fietsen"
    sheet.who_to_call = "Mijn dochter"
    sheet.save()
    pdf = client_for(poh_a).get(reverse("plan_pdf", kwargs={"consult_id": schema.public_id}))
    text = pdf_text(pdf.content)
    assert "Als het weer slechter gaat" in text
    assert "Ik zeg afspraken af" in text
    assert "Mijn dochter" in text


def test_soep_and_the_patients_copy_hold_the_kop_findings(schema, poh_a, patient_a):
    sheet = KopSheet.objects.get(consult=schema)
    answer_risk(sheet)
    sheet.problem_definition = "Te veel tegelijk"
    sheet.save()
    services.risk_record(actor=Actor(user=poh_a), consult=schema)
    client = client_for(poh_a)
    soep = client.get(reverse("soep", kwargs={"consult_id": schema.public_id})).content.decode()
    block = soep[soep.index("<textarea") : soep.index("</textarea>")]
    # In words: the KOP letters would read as SOEP's own (a "P:" inside the O line).
    assert "Klachten: Slecht slapen (7/10)" in block
    objective = next(line for line in block.splitlines() if line.startswith("O: "))
    assert not re.search(r"(?<![\w-])[KOP]: ", objective[3:]), objective
    assert "Probleemdefinitie: Te veel tegelijk" in block
    assert block.count("Te veel tegelijk") == 1, "the probleemdefinitie twice: in S and in O"
    assert "Risicoanalyse: Geen acuut risico" in block
    assert "P06" in block
    assert "P03" in block
    copy = json.loads(
        client.get(
            reverse("patient_copy", kwargs={"patient_id": patient_a.public_id, "fmt": "json"})
        ).content
    )
    recorded = copy["consults"][0]["recorded"]
    assert recorded["problem_definition"] == "Te veel tegelijk"
    assert recorded["risk_analysis"]["conclusion"] == "Geen acuut risico"
    assert [c["text"] for c in recorded["complaints"]] == ["Slecht slapen", "Somber en wanhopig"]
    pdf = client.get(
        reverse("patient_copy", kwargs={"patient_id": patient_a.public_id, "fmt": "pdf"})
    ).content
    printed = " ".join(pdf_text(pdf).split())
    assert "Probleemdefinitie: Te veel tegelijk" in printed
    assert "Klachten: Slecht slapen (7/10)" in printed


def test_every_kop_write_is_audited(schema):
    kinds = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"kop_complaint", "kop_circumstance", "kop_style"} <= kinds


def test_the_demo_has_the_articles_case_over_three_sessions():
    from consult.demo import seed_demo

    seed_demo()
    sessions = list(Consult.objects.filter(model_slug="kop").order_by("session_number"))
    assert [s.session_number for s in sessions] == [1, 2, 3]
    assert {s.started_by.role for s in sessions} == {"poh_ggz"}
    severities = [
        Complaint.objects.get(consult=s, text="Geen energie meer").severity for s in sessions
    ]
    assert severities == [8, 6, 4]
    flag = PatientFlag.objects.get(source_key="kop:risico")
    assert flag.closed_at is not None
    assert flag.close_reason
    assert KopSheet.objects.get(consult=sessions[2]).warning_signs
    # Dated as it happened, not all today: each session finished on its own day, the
    # risk recorded and the flag raised in the first, closed in the second.
    first, second, third = sessions
    assert first.finished_at
    assert second.finished_at
    assert first.started_at < first.finished_at < second.started_at < second.finished_at
    assert second.finished_at < third.started_at
    assert third.finished_at is None
    risk = [KopSheet.objects.get(consult=s).risk_recorded_at for s in sessions]
    first_risk, second_risk, third_risk = risk
    assert first_risk
    assert second_risk
    assert first.started_at < first_risk < first.finished_at
    assert second.started_at < second_risk < second.finished_at
    assert third_risk == second_risk
    assert flag.raised_at == first_risk
    assert flag.closed_at == second_risk
    # The flag's words name the day of the analysis it came from, not the seeding day.
    assert f"risicoanalyse van {timezone.localtime(first_risk):%d-%m-%Y}:" in flag.text


def test_step_done_needs_no_risk_for_the_schema_step(kop, poh_a):
    step_complete(actor=Actor(user=poh_a), consult=kop, step_slug="schema")
    kop.refresh_from_db()
    assert kop.completed_steps == ["schema"]


def test_the_severity_over_time_is_dated_on_the_day_of_the_practice(schema, poh_a, patient_a):
    """A session started at half past midnight in the Netherlands (23:30 UTC) belongs to
    the new day, as the list of sessions above the chart says."""
    Consult.objects.filter(pk=schema.pk).update(started_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    patient_page = (
        client_for(poh_a)
        .get(reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}))
        .content.decode()
    )
    assert "02-03-2026 00:30" in patient_page
    assert "Slecht slapen: 7 (02-03-2026)" in patient_page
    assert "01-03-2026" not in patient_page
