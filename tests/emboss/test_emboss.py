"""EMBOSS: the conversation card, priorities, the plan checked by teach-back,
evaluation in the patient's own terms, the next cycle, and the reminders."""

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult.access import Actor
from consult.models import Consult, Goal, Plan, TeachBack
from consult.services.consults import consult_start
from consult.services.plans import agreement_add, consult_finish, goal_add
from emboss import services
from emboss.chart import CardMarks, render_card_svg
from emboss.domains import DOMAINS
from emboss.models import Card, CardMark, CardSource, GoalEvaluation
from tests.conftest import client_for, told_back
from tests.factories import ConsentFactory, PatientFactory, SentLinkFactory, UserFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
HX = {"HX-Request": "true", "HX-Target": "step"}


@pytest.fixture
def poh_s(practice_a):
    return UserFactory.create(practice=practice_a, role="poh_s", full_name="POH-S A")


@pytest.fixture
def cycle(poh_s, patient_a):
    ConsentFactory.create(patient=patient_a, given_to=poh_s, recorded_by=poh_s)
    return consult_start(actor=Actor(user=poh_s), patient=patient_a, model_slug="emboss")


def step(consult, slug):
    return reverse("consult_step", kwargs={"consult_id": consult.public_id, "step_slug": slug})


def save(client, consult, kind, record, **values):
    prefix = str(record.public_id)
    data = {f"{prefix}-{name}": value for name, value in values.items()}
    data[f"{prefix}-version"] = record.version
    return client.post(
        reverse(
            "autosave",
            kwargs={"consult_id": consult.public_id, "kind": kind, "record_id": record.public_id},
        ),
        data,
        headers={"HX-Request": "true"},
    )


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_seven_steps_of_the_seed(cycle, poh_s):
    page = client_for(poh_s).get(step(cycle, "voorbereiden")).content.decode()
    titles = re.findall(r'<span class="step-number">\d</span> ([^<\n]+)', page)
    assert [t.strip() for t in titles] == [
        "Voorbereiden met de gesprekskaart",
        "Gesprek over gezondheid en dagelijks leven",
        "Prioriteiten stellen",
        "Keuzes maken, doelen stellen en het plan maken",
        "Het plan vastleggen",
        "Aan de slag",
        "Evalueren",
    ]


def test_the_card_marks_what_goes_well_worries_and_matters_most(cycle, poh_s):
    client = client_for(poh_s)
    card = services.card_of(cycle)
    money = card.marks.get(domain="geld")
    assert save(client, cycle, "emboss_mark", money, state="zorgen").status_code == 200
    money.refresh_from_db()
    save(client, cycle, "emboss_mark", money, matters_most="on")
    body = card.marks.get(domain="gezondheid")
    save(client, cycle, "emboss_mark", body, state="goed")
    assert save(client, cycle, "emboss_mark", body, state="misschien").status_code == 422
    page = client.get(step(cycle, "gesprek")).content.decode()
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox') :]
    root = ET.fromstring(svg[: svg.index("</svg>") + 6])
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "Geld: zorgen, belangrijkst" in str(desc.text)
    assert "Mijn lichaam: gaat goed" in str(desc.text)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("belangrijkst") == 1
    assert len(root.findall(f".//{SVG}path[@class='matters-most']")) == 1


def test_an_empty_card_draws_every_domain():
    root = ET.fromstring(render_card_svg({}))
    assert len(root.findall(f"{SVG}rect")) == len(DOMAINS)
    root = ET.fromstring(render_card_svg({"geld": CardMarks(state="zorgen")}))
    assert "!" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_plan_step_needs_teach_back_and_the_print_shows_its_date(cycle, poh_s):
    client = client_for(poh_s)
    done = reverse("step_done", kwargs={"consult_id": cycle.public_id, "step_slug": "doelen"})
    refused = client.post(done, headers=HX)
    assert refused.status_code == 422
    assert "Check het plan eerst met de terugvraagmethode" in refused.content.decode()
    cycle.refresh_from_db()
    assert "doelen" not in cycle.completed_steps
    empty = client.post(
        reverse("teach_back_add", kwargs={"consult_id": cycle.public_id}),
        {"terugvragen-patient_said": " "},
        headers={"HX-Request": "true", "HX-Target": "plan-panel"},
    )
    assert empty.status_code == 422
    assert not TeachBack.objects.exists()
    client.post(
        reverse("teach_back_add", kwargs={"consult_id": cycle.public_id}),
        {
            "terugvragen-patient_said": "Ik ga elke dag wandelen",
            "terugvragen-explained_again": "Met wie",
        },
        headers={"HX-Request": "true", "HX-Target": "plan-panel"},
    )
    assert client.post(done).status_code == 302
    cycle.refresh_from_db()
    assert "doelen" in cycle.completed_steps
    text = " ".join(
        pdf_text(
            client.get(reverse("plan_pdf", kwargs={"consult_id": cycle.public_id})).content
        ).split()
    )
    today = timezone.localdate()
    assert f"Op {today.day} " in text
    assert "in je eigen woorden verteld" in text


def test_other_models_offer_teach_back_without_requiring_it(consult_4d, huisarts_a):
    page = (
        client_for(huisarts_a)
        .get(reverse("consult_detail", kwargs={"consult_id": consult_4d.public_id}))
        .content.decode()
    )
    assert "Plan checken met terugvragen" in page
    assert "Wat ga je thuis vertellen?" in page


def test_goal_attainment_scaling_and_evaluation_in_the_patients_terms(cycle, poh_s):
    client = client_for(poh_s)
    actor = Actor(user=poh_s)
    goal = goal_add(actor=actor, consult=cycle, text="Elke dag wandelen")
    scale = services.scale_of(goal)
    save(client, cycle, "emboss_goal_scale", scale, as_hoped="Drie keer per week")
    scale.refresh_from_db()
    assert scale.as_hoped == "Drie keer per week"
    agreement = agreement_add(actor=actor, consult=cycle, goal=goal, what="Met de buurvrouw")
    page = client.get(step(cycle, "evalueren")).content.decode()
    assert "0 Drie keer per week" in page
    evaluation = GoalEvaluation.objects.get(goal=goal)
    assert save(client, cycle, "emboss_goal_evaluation", evaluation, score="3").status_code == 422
    assert save(client, cycle, "emboss_goal_evaluation", evaluation, score="1").status_code == 200
    evaluation.refresh_from_db()
    save(client, cycle, "emboss_goal_evaluation", evaluation, patient_says="Bijna elke dag!")
    check = services.check_of(cycle, agreement)
    save(client, cycle, "emboss_agreement_check", check, done="ja")
    evaluation.refresh_from_db()
    check.refresh_from_db()
    assert (evaluation.score, evaluation.patient_says, check.done) == (1, "Bijna elke dag!", "ja")


def test_the_next_cycle_carries_over_the_goals_still_open(cycle, poh_s, patient_a):
    actor = Actor(user=poh_s)
    reached = goal_add(actor=actor, consult=cycle, text="Elke dag wandelen")
    open_goal = goal_add(actor=actor, consult=cycle, text="Naar de vrouwengroep")
    evaluation = services.evaluation_of(cycle, reached)
    evaluation.score = 1
    evaluation.save()
    partly = services.evaluation_of(cycle, open_goal)
    partly.outcome = "deels"
    partly.save()
    sheet = services.sheet_of(cycle)
    sheet.casemanager = poh_s
    sheet.save()
    client = client_for(poh_s)
    page = client.get(step(cycle, "evalueren")).content.decode()
    assert "Start cyclus 2" in page
    client.post(
        reverse("consult_new", kwargs={"patient_id": patient_a.public_id}),
        {"model_slug": "emboss", "continues": str(cycle.public_id)},
    )
    second = Consult.objects.get(session_number=2)
    reached.refresh_from_db()
    open_goal.refresh_from_db()
    assert reached.reached_on == timezone.localdate()
    assert open_goal.reached_on is None
    assert services.sheet_of(second).casemanager == poh_s
    doelen = client.get(step(second, "doelen")).content.decode()
    assert "Naar de vrouwengroep" in doelen
    assert "Elke dag wandelen" not in doelen
    copy = json.loads(
        client.get(
            reverse("patient_copy", kwargs={"patient_id": patient_a.public_id, "fmt": "json"})
        ).content
    )
    goals = {g["text"]: g for g in copy["plan"]["goals"]}
    assert goals["Elke dag wandelen"]["reached_on"]


def test_the_timeline_shows_cycles_and_goals_reached(cycle, poh_s, patient_a):
    actor = Actor(user=poh_s)
    goal = goal_add(actor=actor, consult=cycle, text="Elke dag wandelen")
    evaluation = services.evaluation_of(cycle, goal)
    evaluation.outcome = "bereikt"
    evaluation.save()
    consult_start(actor=actor, patient=patient_a, model_slug="emboss", continues=cycle)
    page = (
        client_for(poh_s)
        .get(reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}))
        .content.decode()
    )
    assert "Cyclus 1: 1 van 1 doelen bereikt" in page
    assert "EMBOSS: doelen bereikt per cyclus" in page
    # Counted in the model's own word: the column says "Cyclus", the heading said
    # "(2 sessies)".
    assert 'EMBOSS zeven stappen <span class="hint">(2 cycli)</span>' in page


def test_casemanager_and_responsible_gp_are_recorded(cycle, poh_s, huisarts_a):
    sheet = services.sheet_of(cycle)
    client = client_for(poh_s)
    save(client, cycle, "emboss_sheet", sheet, casemanager=str(poh_s.pk))
    sheet.refresh_from_db()
    save(client, cycle, "emboss_sheet", sheet, responsible_gp=str(huisarts_a.pk))
    sheet.refresh_from_db()
    assert (sheet.casemanager, sheet.responsible_gp) == (poh_s, huisarts_a)
    page = client.get(step(cycle, "vastleggen")).content.decode()
    assert "Het netwerk" in page


def test_a_stale_save_of_the_sheet_shows_both_texts(cycle, poh_s):
    """The sheet's form needs its record to be built; the conflict answer builds it so."""
    sheet = services.sheet_of(cycle)
    client = client_for(poh_s)
    save(client, cycle, "emboss_sheet", sheet, conversation="Eerste woorden")
    response = save(client, cycle, "emboss_sheet", sheet, conversation="Andere woorden")
    assert response.status_code == 409
    content = response.content.decode()
    assert "Eerste woorden" in content
    assert "Andere woorden" in content
    sheet.refresh_from_db()
    assert sheet.conversation == "Eerste woorden"


def test_the_card_at_home_by_link(cycle, poh_s, patient_a):
    professional = client_for(poh_s)
    made = professional.post(
        reverse("patient_link_new", kwargs={"patient_id": patient_a.public_id}),
        {"entry": "emboss:kaart"},
    ).content.decode()
    found = re.search(r"http://testserver(/mijn/[^<\s]+/)", made)
    assert found
    path = found.group(1)
    patient = Client()
    screen = patient.get(f"{path}geld/").content.decode()
    assert "Geld" in screen
    assert "<script" not in screen
    assert patient.post(f"{path}geld/", {"state": "kapot"}).status_code == 400
    patient.post(f"{path}geld/", {"state": "zorgen", "matters_most": "on", "words": "Brieven"})
    patient.post(f"{path}wonen/", {"state": ""})
    answers = told_back(patient.get(f"{path}versturen/").content.decode())
    assert answers["Geld"] == ["Ik maak me zorgen", "Dit is voor mij het belangrijkst", "“Brieven”"]
    assert answers["Mijn huis"] == ["Weet ik niet"]
    assert answers["Mijn lichaam"] == ["Overgeslagen"]
    patient.post(f"{path}versturen/")
    home = Card.objects.get(source=CardSource.HOME)
    mark = home.marks.get(domain="geld")
    assert (mark.state, mark.matters_most, mark.words) == ("zorgen", True, "Brieven")
    intro = professional.get(step(cycle, "voorbereiden")).content.decode()
    assert "heeft de kaart thuis ingevuld" in intro
    # Beside the same part of life on the card of the consult, what was said at home.
    geld = intro[intro.index('<h4 id="mark-geld">') :]
    geld = geld[: geld.index("</form>")]
    assert re.search(
        r'<p class="from-home">Thuis:\s*maak me zorgen, belangrijkst; “Brieven”</p>', geld
    )
    assert intro.count('class="from-home"') == 1  # the other parts were not filled in
    professional.post(
        reverse("emboss_take_up_home", kwargs={"consult_id": cycle.public_id}),
        {"step": "voorbereiden"},
    )
    assert CardMark.objects.get(
        card__consult=cycle, card__source="samen", domain="geld"
    ).matters_most


def test_a_card_sent_after_a_cycle_finished_is_for_the_next_one(cycle, poh_s, patient_a):
    actor = Actor(user=poh_s)
    consult_finish(actor=actor, consult=cycle)
    link = SentLinkFactory.create(
        patient=patient_a,
        created_by=poh_s,
        model_slug="emboss",
        purpose="kaart",
        answers={"geld": {"state": "zorgen", "matters_most": True}},
    )
    services.card_from_home(link=link)
    professional = client_for(poh_s)
    assert "thuis ingevuld" not in professional.get(step(cycle, "voorbereiden")).content.decode()
    following = consult_start(actor=actor, patient=patient_a, model_slug="emboss", continues=cycle)
    page = professional.get(step(following, "voorbereiden")).content.decode()
    assert "heeft de kaart thuis ingevuld" in page


def test_reminders_list_evaluations_due_in_the_practice(huisarts_a, practice_a, huisarts_b):
    today = timezone.localdate()
    for name, days in (("Overdue", -5), ("Soon", 10), ("Later", 30)):
        patient = PatientFactory.create(practice=practice_a, last_name=name)
        Plan.objects.create(
            patient=patient, practice=practice_a, next_evaluation_on=today + timedelta(days=days)
        )
    elsewhere = PatientFactory.create(practice=huisarts_b.practice, last_name="Elders")
    Plan.objects.create(patient=elsewhere, practice=huisarts_b.practice, next_evaluation_on=today)
    page = client_for(huisarts_a).get(reverse("evaluations_due")).content.decode()
    assert page.index("Overdue") < page.index("Soon")
    assert "Later" not in page
    assert "Elders" not in page
    assert "5 dagen te laat" in page
    assert "over 10 dagen" in page


def test_the_demo_has_a_finished_cycle_and_a_second_under_way():
    from consult.demo import seed_demo

    seed_demo()
    cycles = list(Consult.objects.filter(model_slug="emboss").order_by("session_number"))
    assert [c.session_number for c in cycles] == [1, 2]
    assert cycles[0].finished_at is not None
    assert cycles[1].finished_at is None
    assert GoalEvaluation.objects.filter(consult=cycles[0]).count() == 2
    assert Goal.objects.filter(reached_on__isnull=False).count() == 1
    teach_back = TeachBack.objects.get(consult=cycles[0])
    assert teach_back.done_at == cycles[0].started_at, "told back a year ago, in that cycle"


def test_the_outcome_in_words_counts_before_the_score():
    assert GoalEvaluation(score=0, outcome="niet").reached is False
    assert GoalEvaluation(score=-1, outcome="bereikt").reached is True
    assert GoalEvaluation(score=0).reached is True
    assert GoalEvaluation(score=-1).reached is False
    assert GoalEvaluation().reached is False


def test_goals_reached_are_dated_on_the_day_of_the_practice(cycle, poh_s, patient_a):
    """A cycle started at half past midnight in the Netherlands (23:30 UTC) belongs to
    the new day, as the list of cycles above the chart says."""
    actor = Actor(user=poh_s)
    goal = goal_add(actor=actor, consult=cycle, text="Elke dag wandelen")
    evaluation = services.evaluation_of(cycle, goal)
    evaluation.outcome = "bereikt"
    evaluation.save()
    Consult.objects.filter(pk=cycle.pk).update(started_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    page = (
        client_for(poh_s)
        .get(reverse("patient_detail", kwargs={"patient_id": patient_a.public_id}))
        .content.decode()
    )
    assert "02-03-2026 00:30" in page
    assert "Doelen bereikt: 1 (02-03-2026)" in page
    assert "01-03-2026" not in page


def test_the_patients_copy_says_the_card_from_home_in_words(cycle, poh_s, patient_a):
    """Not the stored codes ("zorgen", True): each part of life with what the patient
    answered, as the page before sending told it back."""
    SentLinkFactory.create(
        patient=patient_a,
        created_by=poh_s,
        model_slug="emboss",
        purpose="kaart",
        answers={
            "geld": {"state": "zorgen", "matters_most": True, "words": "Brieven"},
            "wonen": {"state": "", "matters_most": False, "words": ""},
        },
    )
    response = client_for(poh_s).get(
        reverse("patient_copy", kwargs={"patient_id": patient_a.public_id, "fmt": "pdf"})
    )
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        )
        .stdout.decode()
        .split()
    )
    told = text[text.index("Wat je thuis hebt ingevuld") :]
    assert told.startswith("Wat je thuis hebt ingevuld Jouw gesprekskaart Verstuurd op ")
    assert "Geld: Ik maak me zorgen; Dit is voor mij het belangrijkst; “Brieven”" in told
    assert "Mijn huis: Weet ik niet" in told
    assert "• zorgen" not in told
    assert "Mijn lichaam" not in told.split("Wie er in je dossier keek")[0]  # not answered
