"""The patient's copy of their data: everything recorded, as PDF and as JSON."""

import json
import re
import subprocess
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from consult.access import Actor
from consult.models import AuditEvent, Plan, Referral, ReferralStatus
from consult.patient_copy import access_lines
from consult.services.plans import agreement_add, goal_add, network_add, teach_back_record
from consult.services.referrals import referral_advance, referral_create
from models_4d.services import entry_add
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(huisarts_a, consult_4d, patient_a, practice_a):
    actor = Actor(user=huisarts_a)
    patient_a.notes = "Notitie van de huisarts"
    patient_a.save()
    entry_add(
        actor=actor, consult=consult_4d, domain="maatschappelijk", kind="speelt", text="Schulden"
    )
    goal = goal_add(
        actor=actor, consult=consult_4d, text="Van mijn schulden af", domain="4d:maatschappelijk"
    )
    agreement_add(actor=actor, consult=consult_4d, goal=goal, what="Post openen")
    referral_create(
        actor=actor,
        consult=consult_4d,
        service=make_service(practice_a.own_map, name="Schuldhulp Zonnedal"),
        goal=goal,
    )
    client_for(huisarts_a).get(
        reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    )
    return patient_a


def printed_copy(user, patient) -> str:
    """The words of the patient's PDF copy, each run of white space as one space."""
    response = client_for(user).get(
        reverse("patient_copy", kwargs={"patient_id": patient.public_id, "fmt": "pdf"})
    )
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())


def test_the_json_copy_holds_everything_recorded(huisarts_a, recorded):
    response = client_for(huisarts_a).get(
        reverse("patient_copy", kwargs={"patient_id": recorded.public_id, "fmt": "json"})
    )
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["patient"]["notes"] == "Notitie van de huisarts"
    assert data["consents"][0]["given_to"] == "Huisarts A"
    assert data["consults"][0]["model"] == "4D-model"
    assert data["consults"][0]["recorded"]["entries"][0]["text"] == "Schulden"
    assert data["plan"]["goals"][0]["text"] == "Van mijn schulden af"
    assert data["plan"]["goals"][0]["agreements"][0]["what"] == "Post openen"
    assert data["referrals"][0]["service"] == "Schuldhulp Zonnedal"
    actions = [
        (event["who"], event["role"], event["what"])
        for month in data["access"]
        for event in month["events"]
    ]
    assert ("Huisarts A", "huisarts", "je gegevens") in actions
    assert ("Huisarts A", "huisarts", "een kopie van je hele dossier") in actions


def test_the_pdf_copy_is_readable_for_the_patient(huisarts_a, recorded):
    text = printed_copy(huisarts_a, recorded)
    for expected in (
        "Jouw gegevens, Ingrid",
        "Notitie van de huisarts",
        "Schulden",
        "Van mijn schulden af",
        "Schuldhulp Zonnedal",
        "Wie er in je dossier keek",
    ):
        assert expected in text


def test_the_pdf_copy_writes_dates_and_roles_as_the_patient_says_them(huisarts_a, recorded):
    """Not "2026-12-07 03:05" or "Huisarts A (POH-S (praktijkondersteuner somatiek))"."""
    recorded.date_of_birth = date(1959, 3, 14)
    recorded.save()
    teach_back_record(
        actor=Actor(user=huisarts_a),
        consult=recorded.consults.get(),
        patient_said="Ik open de post met mijn zus.",
        explained_again="Wanneer we terugkijken.",
    )
    text = printed_copy(huisarts_a, recorded)
    today = timezone.localdate()
    given = recorded.consents.get().given_on
    assert "Geboortedatum: 14 maart 1959" in text
    assert f"Gegeven op {formats.date_format(given, 'j F Y')} aan Huisarts A" in text
    assert re.search(
        rf"{formats.date_format(today, 'j F Y')} .*Huisarts A \(huisarts\), inzien: je gegevens\. "
        r"Om \d\d:\d\d",
        text,
    ), text
    assert "Je vertelde ons het plan in je eigen woorden" in text
    assert re.search(
        rf"{formats.date_format(today, 'j F Y')}, \d\d:\d\d, met Huisarts A: “Ik open de post "
        "met mijn zus.” Opnieuw uitgelegd: Wanneer we terugkijken.",
        text,
    ), text
    assert not re.search(r"\d{4}-\d\d-\d\d", text), "a date written as ISO"


def test_the_copy_is_audited_and_closed_to_others(huisarts_a, huisarts_b, manager_a, recorded):
    client_for(huisarts_a).get(
        reverse("patient_copy", kwargs={"patient_id": recorded.public_id, "fmt": "pdf"})
    )
    assert AuditEvent.objects.filter(object_type="patient_record", action="print").count() == 1
    for user, status in ((huisarts_b, 404), (manager_a, 403)):
        url = reverse("patient_copy", kwargs={"patient_id": recorded.public_id, "fmt": "json"})
        assert client_for(user).get(url).status_code == status
    url = reverse("patient_copy", kwargs={"patient_id": recorded.public_id, "fmt": "xml"})
    assert client_for(huisarts_a).get(url).status_code == 404


def test_the_access_list_is_grouped_by_month_and_can_be_limited_to_a_period(
    huisarts_a, huisarts_b, recorded
):
    from datetime import timedelta

    from django.utils import timezone

    client_for(huisarts_b).get(reverse("patient_detail", kwargs={"patient_id": recorded.public_id}))
    url = reverse("patient_copy", kwargs={"patient_id": recorded.public_id, "fmt": "json"})
    today = timezone.localdate()
    data = json.loads(client_for(huisarts_a).get(url).content)
    month = data["access"][-1]
    assert month["month"] == formats.date_format(today, "F Y")
    refused = [e for e in month["events"] if not e["allowed"]]
    assert [(e["who"], e["action"]) for e in refused] == [("Huisarts B", "inzien")]
    later = (today + timedelta(days=1)).isoformat()
    empty = json.loads(client_for(huisarts_a).get(url, {"van": later, "tot": later}).content)
    assert empty["access"] == []
    assert empty["access_period"] == {"from": later, "to": later}


@pytest.mark.parametrize("query", [{"van": "gisteren"}, {"van": "2026-05-02", "tot": "2026-05-01"}])
def test_a_wrong_period_is_said_plainly(huisarts_a, recorded, query):
    url = reverse("patient_copy", kwargs={"patient_id": recorded.public_id, "fmt": "pdf"})
    response = client_for(huisarts_a).get(url, query, follow=True)
    assert response.redirect_chain == [
        (reverse("patient_detail", kwargs={"patient_id": recorded.public_id}), 302)
    ]
    page = response.content.decode()
    assert "Deze periode klopt niet: kies twee datums, het begin vóór het einde." in page
    assert "message-error" in page


def test_the_printed_access_list_gives_one_line_per_person_and_action_a_day():
    """A day of work on one patient was a page of lines, one per click; the data file
    keeps every entry, the print gives each time and how often."""
    who = {"who": "Huisarts A", "role": "huisarts", "allowed": True}
    read = {**who, "action": "inzien", "what": "je gegevens"}
    searched = {**who, "action": "inzien", "what": "je naam in een zoekresultaat"}
    refused = {**read, "who": "Huisarts B", "allowed": False}
    events = [
        {**searched, "at": "2026-12-07 09:01"},
        {**read, "at": "2026-12-07 09:01"},
        {**searched, "at": "2026-12-07 09:01"},
        {**read, "at": "2026-12-07 09:01"},
        {**read, "at": "2026-12-07 09:14"},
        {**refused, "at": "2026-12-07 10:00"},
        {**read, "at": "2026-12-08 08:30"},
    ]
    with translation.override("nl"):
        printed = access_lines([{"month": "december 2026", "events": events}])
    [month] = printed
    lines = {
        day["day"]: [
            (line["who"], line["what"], line["allowed"], line["times"]) for line in day["lines"]
        ]
        for day in month["days"]
    }
    assert lines == {
        "2026-12-07": [
            ("Huisarts A", "je naam in een zoekresultaat", True, "09:01 (2 keer)"),
            ("Huisarts A", "je gegevens", True, "09:01 (2 keer), 09:14"),
            ("Huisarts B", "je gegevens", False, "10:00"),
        ],
        "2026-12-08": [("Huisarts A", "je gegevens", True, "08:30")],
    }


def test_the_pdf_copy_holds_the_network_the_evaluation_date_and_each_referral_step(
    huisarts_a, recorded
):
    """“This is all of it”: the people around the patient, when the plan is looked at
    again and what each referral went through were in the data file only."""
    actor = Actor(user=huisarts_a)
    consult = recorded.consults.get()
    network_add(actor=actor, consult=consult, name="Anja", role="zus", phone="0612345678")
    on = timezone.localdate() + timedelta(days=30)
    Plan.objects.filter(patient=recorded).update(next_evaluation_on=on)
    referral_advance(
        actor=actor,
        consult=consult,
        referral=Referral.objects.get(plan__patient=recorded),
        status=ReferralStatus.ACCEPTED,
        on=timezone.localdate(),
        note="Intake op dinsdag",
    )
    text = printed_copy(huisarts_a, recorded)
    assert "Mensen om mij heen die helpen • Anja (zus): 06 1234 5678" in text
    assert f"Op {formats.date_format(on, 'j F Y')} kijken we samen hoe het gaat." in text
    today = formats.date_format(timezone.localdate(), "j F Y")
    assert f"{today}: verwezen" in text
    assert f"{today}: aangenomen. Intake op dinsdag" in text
