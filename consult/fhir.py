"""The patient's plan as a FHIR R4 Bundle (type collection), for another system to read.

One Patient (HIS number, name, date of birth: no BSN, no contact details), the
CarePlan (the IZP), a Goal per active goal in the patient's own words, a Condition per
ICPC-1-NL code of the consult (confirmed, or suggested from the goals and priorities
the patient chose and then provisional), a ServiceRequest per referral, and a CareTeam
for the people involved.
Every entry has a `urn:uuid:` fullUrl and every reference points inside the bundle.
Never clinical notes, risk flags or internal remarks.

Plain dicts, built here without a FHIR library: the tests validate them against the
R4B models of `fhir.resources` (R4B and R4 are the same for these resources)."""

import uuid
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from consult import icpc
from consult.models import (
    Agreement,
    Consult,
    Goal,
    NetworkMember,
    Patient,
    Plan,
    Referral,
    ReferralStatus,
    WhoKind,
)
from consult.registry import get_conversation_model
from consult.selectors.plans import GoalView, plan_view
from consult.soep import parse_codes, suggested_codes

type Resource = dict[str, Any]

# The practice's own HIS numbers: one system per practice, as numbers repeat across them.
HIS_NUMBER_SYSTEM = "https://brede-gesprek.example/fhir/his-patientnummer/"
AGB_SYSTEM = "http://fhir.nl/fhir/NamingSystem/agb-z"
# Dutch GPs code with ICPC-1 in the NHG's version (ICPC-1-NL), not with ICPC-2.
ICPC_SYSTEM = "http://hl7.org/fhir/sid/icpc-1-nl"
GOAL_PRIORITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-priority"
CONDITION_CLINICAL_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
TREATMENT_OBJECTIVE_PROFILE = "http://nictiz.nl/fhir/StructureDefinition/nl-core-TreatmentObjective"

# Rank among the active goals (1 = what matters most to the patient) -> goal-priority.
PRIORITIES = {
    1: ("high-priority", "High Priority"),
    2: ("medium-priority", "Medium Priority"),
}
LOW_PRIORITY = ("low-priority", "Low Priority")

SERVICE_REQUEST_STATUS = {
    ReferralStatus.PROPOSED: "draft",
    ReferralStatus.REFERRED: "active",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.STARTED: "active",
    ReferralStatus.FINISHED: "completed",
    ReferralStatus.DECLINED: "revoked",
}


def full_url(public_id: uuid.UUID) -> str:
    return f"urn:uuid:{public_id}"


def _ref(public_id: uuid.UUID) -> dict[str, str]:
    return {"reference": full_url(public_id)}


def _instant(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def plan_bundle(consult: Consult, *, now: datetime | None = None) -> Resource:
    """The plan of the consult's patient as a FHIR Bundle (a JSON-ready dict)."""
    patient = consult.patient
    view = plan_view(patient_id=patient.pk, with_events=True)
    plan = view.plan if view else None
    goals = view.goals if view else []
    referrals = view.referrals if view else []
    network = view.network if view else []

    confirmed = bool(consult.icpc_codes)
    codes = (
        parse_codes(consult.icpc_codes)
        if confirmed
        else suggested_codes(consult, get_conversation_model(consult.model_slug), view)
    )
    # Conditions have no row of their own: a stable id per consult and code.
    conditions = [(uuid.uuid5(consult.public_id, f"icpc-1-nl/{code}"), code) for code in codes]
    goal_ids = {goal.goal.pk: goal.goal.public_id for goal in goals}

    resources: list[tuple[uuid.UUID, Resource]] = [(patient.public_id, _patient(consult))]
    care_team_id = None
    if plan is not None:
        if network:
            care_team_id = uuid.uuid5(plan.public_id, "care-team")
        resources.append(
            (
                plan.public_id,
                _care_plan(consult, plan, goals, referrals, conditions, care_team_id),
            )
        )
    resources += [(goal.goal.public_id, _goal(patient, goal)) for goal in goals]
    resources += [
        (condition_id, _condition(patient, code, confirmed=confirmed))
        for condition_id, code in conditions
    ]
    resources += [
        (referral.public_id, _service_request(patient, referral, goal_ids))
        for referral in referrals
    ]
    if care_team_id is not None:
        resources.append((care_team_id, _care_team(patient, network)))

    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(now or timezone.now()),
        "entry": [
            {
                "fullUrl": full_url(public_id),
                "resource": {
                    "resourceType": resource["resourceType"],
                    "id": str(public_id),
                    **resource,
                },
            }
            for public_id, resource in resources
        ],
    }


def _patient(consult: Consult) -> Resource:
    """Who the plan is about, as the HIS knows them. Nothing else: no BSN, no contact
    details, no notes."""
    patient = consult.patient
    practice = consult.practice
    family = " ".join(part for part in (patient.name_prefix, patient.last_name) if part)
    organisation: dict[str, Any] = {"display": practice.name}
    if practice.agb_code:
        organisation["identifier"] = {"system": AGB_SYSTEM, "value": practice.agb_code}
    return {
        "resourceType": "Patient",
        "identifier": [
            {
                "use": "usual",
                "system": f"{HIS_NUMBER_SYSTEM}{practice.public_id}",
                "value": patient.his_number,
            }
        ],
        "name": [
            {
                "use": "official",
                "text": patient.full_name,
                "family": family,
                "given": [patient.first_name],
            }
        ],
        "birthDate": patient.date_of_birth.isoformat(),
        "managingOrganization": organisation,
    }


def _care_plan(
    consult: Consult,
    plan: Plan,
    goals: list[GoalView],
    referrals: list[Referral],
    conditions: list[tuple[uuid.UUID, str]],
    care_team_id: uuid.UUID | None,
) -> Resource:
    patient = consult.patient
    activities: list[Resource] = []
    for goal in goals:
        for agreement in goal.agreements:
            activities.append({"detail": _activity_detail(patient, goal.goal, agreement)})
    activities += [{"reference": _ref(referral.public_id)} for referral in referrals]
    care_plan: Resource = {
        "resourceType": "CarePlan",
        # The plan is the patient's and goes on across conversations: finishing one
        # conversation does not end it.
        "status": "active",
        "intent": "plan",
        "subject": _ref(patient.public_id),
        "created": _instant(plan.created_at),
    }
    if care_team_id is not None:
        care_plan["careTeam"] = [_ref(care_team_id)]
    if conditions:
        care_plan["addresses"] = [_ref(condition_id) for condition_id, _code in conditions]
    if goals:
        care_plan["goal"] = [_ref(goal.goal.public_id) for goal in goals]
    if activities:
        care_plan["activity"] = activities
    if plan.next_evaluation_on:
        # R4 has no element for "look at the plan again on": a note says it in words.
        care_plan["note"] = [
            {
                "text": _("Next evaluation of the plan: %(date)s.")
                % {"date": f"{plan.next_evaluation_on:%d-%m-%Y}"}
            }
        ]
    return care_plan


def _activity_detail(patient: Patient, goal: Goal, agreement: Agreement) -> Resource:
    detail: Resource = {
        "status": "scheduled" if agreement.evaluate_on else "not-started",
        "goal": [_ref(goal.public_id)],
        "description": agreement.what,
    }
    if agreement.who_kind == WhoKind.PATIENT:
        detail["performer"] = [_ref(patient.public_id)]
    else:
        who = agreement.who_name or agreement.coordinator or agreement.get_who_kind_display()
        detail["performer"] = [{"display": str(who)}]
    if agreement.evaluate_on:
        detail["scheduledPeriod"] = {"end": _date(agreement.evaluate_on)}
    return detail


def _goal(patient: Patient, view: GoalView) -> Resource:
    goal = view.goal
    code, display = PRIORITIES.get(view.number, LOW_PRIORITY)
    resource: Resource = {
        "resourceType": "Goal",
        "meta": {"profile": [TREATMENT_OBJECTIVE_PROFILE]},
        "lifecycleStatus": "active",
        "priority": {
            "coding": [{"system": GOAL_PRIORITY_SYSTEM, "code": code, "display": display}]
        },
        "description": {"text": goal.text},
        "subject": _ref(patient.public_id),
        "startDate": _date(timezone.localdate(goal.created_at)),
        "expressedBy": _ref(patient.public_id),
    }
    label = str(view.domain_label)
    if label:
        resource["category"] = [{"text": label}]
    return resource


def _condition(patient: Patient, code: str, *, confirmed: bool) -> Resource:
    coding = {"system": ICPC_SYSTEM, "code": code}
    title = icpc.title(code)
    if title:
        coding["display"] = title
    return {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL_SYSTEM, "code": "active"}]},
        "verificationStatus": {
            "coding": [
                {
                    "system": CONDITION_VERIFICATION_SYSTEM,
                    "code": "confirmed" if confirmed else "provisional",
                }
            ]
        },
        "code": {"coding": [coding], **({"text": title} if title else {})},
        "subject": _ref(patient.public_id),
    }


def _service_request(
    patient: Patient, referral: Referral, goal_ids: dict[int, uuid.UUID]
) -> Resource:
    service = referral.service
    authored = min(
        (event.on for event in referral.events.all()),
        default=timezone.localdate(referral.created_at),
    )
    performer = f"{service.name} ({service.organisation})" if service.organisation else service.name
    resource: Resource = {
        "resourceType": "ServiceRequest",
        "status": SERVICE_REQUEST_STATUS[ReferralStatus(referral.status)],
        "intent": "order",
        "code": {"text": service.name},
        "subject": _ref(patient.public_id),
        "authoredOn": _date(authored),
        "performer": [{"display": performer}],
    }
    # The goal it serves, while that goal is on the plan (and so in the bundle).
    goal_id = goal_ids.get(referral.goal_id) if referral.goal_id is not None else None
    if goal_id is not None:
        resource["supportingInfo"] = [_ref(goal_id)]
    if referral.feedback:
        resource["note"] = [{"text": referral.feedback}]
    return resource


def _care_team(patient: Patient, network: list[NetworkMember]) -> Resource:
    """The people involved, by name and role only: no phone numbers of family or
    neighbours leave the practice."""
    participants = []
    for member in network:
        roles = [{"text": member.role}] if member.role else []
        if member.is_regiehouder:
            roles.append({"text": _("keeps the overview (regiehouder)")})
        participant: Resource = {"member": {"display": member.name}}
        if roles:
            participant["role"] = roles
        participants.append(participant)
    return {
        "resourceType": "CareTeam",
        "status": "active",
        "subject": _ref(patient.public_id),
        "participant": participants,
    }


def _date(value: date) -> str:
    return value.isoformat()
