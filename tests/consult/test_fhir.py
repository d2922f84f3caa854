"""The plan as a FHIR R4 Bundle: valid for the R4B models of fhir.resources, and what a
receiving system would notice (goals in the patient's words, codes, referrals)."""

import datetime
import json
from collections import Counter
from typing import Any

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from consult.access import Actor
from consult.fhir import TREATMENT_OBJECTIVE_PROFILE
from consult.models import AuditEvent, Plan, Referral, ReferralStatus, WhoKind
from consult.services.plans import (
    agreement_add,
    consult_finish,
    goal_add,
    item_remove,
    network_add,
    network_set_regiehouder,
)
from consult.services.referrals import referral_advance, referral_create
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

NOTES = "Klinische notitie: verdenking depressie"


@pytest.fixture
def full_plan(huisarts_a, consult_4d, patient_a, practice_a):
    actor = Actor(user=huisarts_a)
    patient_a.name_prefix = "van der"
    patient_a.last_name = "Berg"
    patient_a.his_number = "123456"
    patient_a.date_of_birth = datetime.date(1968, 3, 9)
    patient_a.notes = NOTES
    patient_a.save()
    sleep = goal_add(
        actor=actor, consult=consult_4d, text="Ik wil weer rustig slapen", domain="4d:lichaam"
    )
    debts = goal_add(
        actor=actor, consult=consult_4d, text="Van mijn schulden af", domain="4d:maatschappelijk"
    )
    goal_add(actor=actor, consult=consult_4d, text="Weer eens naar de markt")
    gone = goal_add(actor=actor, consult=consult_4d, text="Een doel dat eraf is gehaald")
    item_remove(actor=actor, consult=consult_4d, item=gone, kind="goal")
    agreement_add(
        actor=actor, consult=consult_4d, goal=sleep, what="Elke avond een half uur wandelen"
    )
    agreement_add(
        actor=actor,
        consult=consult_4d,
        goal=debts,
        what="Samen de post openen",
        who_kind=WhoKind.ORGANISATION,
        who_name="Budgetcoach Zonnedal",
        evaluate_on=datetime.date(2027, 1, 10),
    )
    sister = network_add(
        actor=actor, consult=consult_4d, name="Marja", role="zus", phone="0612345678"
    )
    network_set_regiehouder(actor=actor, consult=consult_4d, member=sister)
    referral = referral_create(
        actor=actor,
        consult=consult_4d,
        service=make_service(
            practice_a.own_map, name="Schuldhulp Zonnedal", organisation="Gemeente Zonnedal"
        ),
        goal=debts,
    )
    referral_advance(
        actor=actor,
        consult=consult_4d,
        referral=referral,
        status=ReferralStatus.ACCEPTED,
        on=referral.status_on,
        note="Intake gepland",
    )
    consult_4d.icpc_codes = "Z01 P06"
    consult_4d.save()
    Plan.objects.filter(patient=patient_a).update(next_evaluation_on=datetime.date(2027, 1, 15))
    return consult_4d


def export(user, consult):
    return client_for(user).get(reverse("plan_fhir", kwargs={"consult_id": consult.public_id}))


def bundle_of(user, consult) -> dict[str, Any]:
    """The downloaded bundle; fails the test unless it is a valid R4B Bundle."""
    response = export(user, consult)
    assert response.status_code == 200
    data = json.loads(response.content)
    Bundle.model_validate(data)
    return data


def resources(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def only(data: dict[str, Any], kind: str) -> dict[str, Any]:
    [found] = resources(data, kind)
    return found


def references(node: Any) -> list[str]:
    """Every Reference.reference anywhere in the JSON."""
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in references(value)]
    return []


def test_the_download_is_a_valid_r4b_bundle_and_not_cached(huisarts_a, full_plan):
    response = export(huisarts_a, full_plan)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{datetime.date.today():%Y-%m-%d}.json"'
    )
    bundle = Bundle.model_validate(json.loads(response.content))
    assert bundle.type == "collection"
    assert bundle.timestamp is not None


def test_the_validation_catches_a_broken_bundle(huisarts_a, full_plan):
    """Guards the guard: the R4B models do reject what a receiver would reject."""
    data = bundle_of(huisarts_a, full_plan)
    del only(data, "CarePlan")["intent"]
    with pytest.raises(ValidationError):
        Bundle.model_validate(data)


# Required bindings of R4 that the R4B models do not check (they take any code).
REQUEST_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"}
REQUIRED_CODES = {
    ("CarePlan", "status"): REQUEST_STATUS,
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("Goal", "lifecycleStatus"): {"proposed", "planned", "accepted", "active", "on-hold"},
    ("ServiceRequest", "status"): REQUEST_STATUS,
    ("ServiceRequest", "intent"): {"proposal", "plan", "directive", "order", "option"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive"},
}
ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed"}


def test_codes_come_from_the_required_value_sets(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    for (kind, element), allowed in REQUIRED_CODES.items():
        for resource in resources(data, kind):
            assert resource[element] in allowed, (kind, element)
    for activity in only(data, "CarePlan")["activity"]:
        if "detail" in activity:
            assert activity["detail"]["status"] in ACTIVITY_STATUS


def test_one_resource_per_thing_on_the_plan(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    assert Counter(e["resource"]["resourceType"] for e in data["entry"]) == {
        "Patient": 1,
        "CarePlan": 1,
        "Goal": 3,
        "Condition": 2,
        "ServiceRequest": 1,
        "CareTeam": 1,
    }


def test_every_reference_resolves_inside_the_bundle(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    full_urls = [entry["fullUrl"] for entry in data["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    for entry in data["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
    found = references(data)
    assert len(found) > 10
    assert set(found) <= set(full_urls)


def test_the_patient_is_known_by_the_his_number_of_the_practice(huisarts_a, full_plan, practice_a):
    patient = only(bundle_of(huisarts_a, full_plan), "Patient")
    assert patient["identifier"] == [
        {
            "use": "usual",
            "system": f"https://brede-gesprek.example/fhir/his-patientnummer/{practice_a.public_id}",
            "value": "123456",
        }
    ]
    assert patient["name"][0]["family"] == "van der Berg"
    assert patient["name"][0]["given"] == ["Ingrid"]
    assert patient["birthDate"] == "1968-03-09"
    assert patient["managingOrganization"] == {"display": "Huisartsenpraktijk A"}
    assert "telecom" not in patient
    assert "address" not in patient


def test_goals_keep_the_patients_words_and_order(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    patient_url = f"urn:uuid:{full_plan.patient.public_id}"
    goals = resources(data, "Goal")
    assert [goal["description"]["text"] for goal in goals] == [
        "Ik wil weer rustig slapen",
        "Van mijn schulden af",
        "Weer eens naar de markt",
    ]
    assert [goal["priority"]["coding"][0]["code"] for goal in goals] == [
        "high-priority",
        "medium-priority",
        "low-priority",
    ]
    for goal in goals:
        assert goal["priority"]["coding"][0]["system"] == (
            "http://terminology.hl7.org/CodeSystem/goal-priority"
        )
        assert goal["lifecycleStatus"] == "active"
        assert goal["meta"]["profile"] == [TREATMENT_OBJECTIVE_PROFILE]
        assert goal["subject"] == {"reference": patient_url}
        assert goal["expressedBy"] == {"reference": patient_url}
    assert TREATMENT_OBJECTIVE_PROFILE == (
        "http://nictiz.nl/fhir/StructureDefinition/nl-core-TreatmentObjective"
    )
    assert goals[0]["category"] == [{"text": "Lichaam"}]
    assert goals[1]["category"] == [{"text": "Maatschappelijk"}]
    assert "category" not in goals[2]
    assert "Een doel dat eraf is gehaald" not in json.dumps(data, ensure_ascii=False)


def test_confirmed_icpc_codes_are_confirmed_conditions(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    conditions = resources(data, "Condition")
    assert [c["code"]["coding"][0] for c in conditions] == [
        {
            "system": "http://hl7.org/fhir/sid/icpc-1-nl",
            "code": "Z01",
            "display": "Armoede/financiële problemen",
        },
        {
            "system": "http://hl7.org/fhir/sid/icpc-1-nl",
            "code": "P06",
            "display": "Slapeloosheid/andere slaapproblemen",
        },
    ]
    for condition in conditions:
        assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
        assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    condition_urls = [e["fullUrl"] for e in data["entry"] if e["resource"] in conditions]
    assert [a["reference"] for a in only(data, "CarePlan")["addresses"]] == condition_urls


def test_suggested_codes_are_only_provisional(huisarts_a, full_plan):
    full_plan.icpc_codes = ""
    full_plan.save()
    conditions = resources(bundle_of(huisarts_a, full_plan), "Condition")
    codes = [c["code"]["coding"][0]["code"] for c in conditions]
    # From the goals' own words ("slapen", "schulden"); their domains' other themes
    # (housing, work, legal, language, addiction) are no reason for a code.
    assert codes == ["P06", "Z01"]
    assert {c["code"]["coding"][0]["system"] for c in conditions} == {
        "http://hl7.org/fhir/sid/icpc-1-nl"
    }
    assert {c["verificationStatus"]["coding"][0]["code"] for c in conditions} == {"provisional"}


def test_the_care_plan_holds_goals_agreements_referrals_and_the_evaluation(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    urls = {e["resource"]["id"]: e["fullUrl"] for e in data["entry"]}
    care_plan = only(data, "CarePlan")
    goals = resources(data, "Goal")
    assert care_plan["status"] == "active"
    assert care_plan["intent"] == "plan"
    assert care_plan["subject"] == {"reference": f"urn:uuid:{full_plan.patient.public_id}"}
    assert [g["reference"] for g in care_plan["goal"]] == [urls[g["id"]] for g in goals]
    assert [a["reference"] for a in care_plan["careTeam"]] == [urls[only(data, "CareTeam")["id"]]]
    own, organisation, referral = care_plan["activity"]
    assert own["detail"]["description"] == "Elke avond een half uur wandelen"
    assert own["detail"]["status"] == "not-started"
    assert own["detail"]["performer"] == [{"reference": care_plan["subject"]["reference"]}]
    assert own["detail"]["goal"] == [{"reference": urls[goals[0]["id"]]}]
    assert organisation["detail"]["description"] == "Samen de post openen"
    assert organisation["detail"]["status"] == "scheduled"
    assert organisation["detail"]["performer"] == [{"display": "Budgetcoach Zonnedal"}]
    assert organisation["detail"]["scheduledPeriod"] == {"end": "2027-01-10"}
    assert referral == {"reference": {"reference": urls[only(data, "ServiceRequest")["id"]]}}
    [note] = care_plan["note"]
    assert "15-01-2027" in note["text"]


def test_finishing_a_conversation_leaves_the_patients_plan_active(huisarts_a, full_plan):
    consult_finish(actor=Actor(user=huisarts_a), consult=full_plan)
    assert only(bundle_of(huisarts_a, full_plan), "CarePlan")["status"] == "active"


def test_the_network_is_named_without_phone_numbers(huisarts_a, full_plan):
    data = bundle_of(huisarts_a, full_plan)
    assert only(data, "CareTeam")["participant"] == [
        {
            "member": {"display": "Marja"},
            "role": [{"text": "zus"}, {"text": "houdt het overzicht (regiehouder)"}],
        }
    ]
    assert "0612345678" not in json.dumps(data)


def test_the_referral_is_an_active_service_request_for_the_goal(huisarts_a, full_plan):
    referral = Referral.objects.get()
    referral.events.filter(status=ReferralStatus.REFERRED).update(on=datetime.date(2026, 1, 5))
    data = bundle_of(huisarts_a, full_plan)
    request = only(data, "ServiceRequest")
    debts = resources(data, "Goal")[1]
    assert request["status"] == "active"
    assert request["intent"] == "order"
    assert request["subject"] == {"reference": f"urn:uuid:{full_plan.patient.public_id}"}
    assert request["performer"] == [{"display": "Schuldhulp Zonnedal (Gemeente Zonnedal)"}]
    assert request["note"] == [{"text": "Intake gepland"}]
    assert request["authoredOn"] == "2026-01-05"
    assert request["supportingInfo"] == [{"reference": f"urn:uuid:{debts['id']}"}]


def test_a_referral_for_a_removed_goal_stays_without_a_dangling_reference(huisarts_a, full_plan):
    goal = Referral.objects.select_related("goal").get().goal
    assert goal is not None
    item_remove(actor=Actor(user=huisarts_a), consult=full_plan, item=goal, kind="goal")
    data = bundle_of(huisarts_a, full_plan)
    assert "supportingInfo" not in only(data, "ServiceRequest")
    assert set(references(data)) <= {entry["fullUrl"] for entry in data["entry"]}


@pytest.mark.parametrize(
    ("status", "fhir_status"),
    [
        (ReferralStatus.PROPOSED, "draft"),
        (ReferralStatus.REFERRED, "active"),
        (ReferralStatus.ACCEPTED, "active"),
        (ReferralStatus.STARTED, "active"),
        (ReferralStatus.FINISHED, "completed"),
        (ReferralStatus.DECLINED, "revoked"),
    ],
)
def test_each_referral_status_maps_to_a_service_request_status(
    huisarts_a, full_plan, status, fhir_status
):
    Referral.objects.update(status=status)
    assert only(bundle_of(huisarts_a, full_plan), "ServiceRequest")["status"] == fhir_status


def test_no_clinical_notes_anywhere(huisarts_a, full_plan):
    response = export(huisarts_a, full_plan)
    text = json.dumps(json.loads(response.content), ensure_ascii=False)
    assert NOTES not in text
    assert "depressie" not in text
    assert b"depressie" not in response.content


def test_an_export_is_audited(huisarts_a, full_plan):
    export(huisarts_a, full_plan)
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.object_id, event.patient_id) == (
        "fhir_bundle",
        str(full_plan.public_id),
        full_plan.patient.public_id,
    )
    assert event.user == huisarts_a


def test_exporting_is_closed_to_other_practices_and_non_clinicians(
    huisarts_b, manager_a, full_plan
):
    assert export(huisarts_b, full_plan).status_code == 404
    assert export(manager_a, full_plan).status_code == 403
    assert not AuditEvent.objects.filter(action="export", outcome="allowed").exists()
    assert AuditEvent.objects.filter(action="export", outcome="refused").count() == 2


def test_an_empty_plan_is_still_a_valid_bundle(huisarts_a, consult_4d):
    data = bundle_of(huisarts_a, consult_4d)
    assert [e["resource"]["resourceType"] for e in data["entry"]] == ["Patient", "CarePlan"]
    care_plan = only(data, "CarePlan")
    assert not {"goal", "activity", "addresses", "careTeam", "note"} & care_plan.keys()
