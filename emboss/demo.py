"""A demo EMBOSS patient with low health literacy: one cycle finished and evaluated a
year ago, the second under way. Through the services, so the audit trail has it."""

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from consult.conversation_api import (
    Actor,
    agreement_add,
    consult_start,
    goal_add,
    step_complete,
    teach_back_record,
)
from consult.models import Consult, Patient, Plan, TeachBack, User
from emboss import services
from emboss.models import CardMark

EMBOSS_CASE_HIS = "100233"  # Fatma Yilmaz: diabetes, alone since her husband died

FIRST_CARD = {
    "gezondheid": ("zorgen", False, "Mijn suiker is vaak te hoog"),
    "gevoel": ("zorgen", False, "Ik ben vaak verdrietig"),
    "mensen": ("zorgen", True, "Sinds mijn man dood is ben ik veel alleen"),
    "geld": ("goed", False, ""),
    "wonen": ("goed", False, ""),
    "dagbesteding": ("", False, ""),
    "zingeving": ("goed", True, "Mijn kleinkinderen"),
}
SECOND_CARD = {
    "gezondheid": ("goed", False, "Ik loop elke dag"),
    "mensen": ("zorgen", True, "Nog steeds veel alleen in het weekend"),
}


def seed_emboss_case(*, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
    patient = patients.get(EMBOSS_CASE_HIS)
    if patient is None or patient.consults.filter(model_slug="emboss").exists():
        return
    poh = staff.get("poh_s") or staff["huisarts"]
    actor = Actor(user=poh)
    first = consult_start(actor=actor, patient=patient, model_slug="emboss")
    _mark(first, FIRST_CARD)
    sheet = services.sheet_of(first)
    sheet.conversation = (
        "Suiker wisselt; ze beweegt weinig sinds haar man overleed. Ziet haar kleinkinderen "
        "graag. Geld en wonen gaan goed."
    )
    sheet.priorities = "Eerst meer bewegen, dan minder alleen zijn."
    sheet.casemanager = poh
    sheet.responsible_gp = staff.get("huisarts")
    sheet.plan_where = "beide"
    sheet.save()
    walking = goal_add(
        actor=actor, consult=first, text="Elke dag een stukje wandelen", domain="emboss:gezondheid"
    )
    scale = services.scale_of(walking)
    scale.less, scale.as_hoped, scale.more = (
        "Eén keer per week",
        "Drie keer per week een kwartier",
        "Elke dag een half uur",
    )
    scale.save()
    group = goal_add(
        actor=actor,
        consult=first,
        text="Eén keer per week naar de vrouwengroep",
        domain="emboss:mensen",
    )
    agreement_add(actor=actor, consult=first, goal=walking, what="Wandelen met de buurvrouw")
    agreement_add(
        actor=actor,
        consult=first,
        goal=group,
        what="Aanmelden bij de vrouwengroep in het buurthuis",
        who_kind="professional",
        who_name=poh.full_name,
    )
    teach_back_record(
        actor=actor,
        consult=first,
        patient_said="Ik ga wandelen met mijn buurvrouw en Youssef belt het buurthuis.",
        explained_again="Dat de vrouwengroep op dinsdag is.",
    )
    for step in ("voorbereiden", "gesprek", "prioriteiten", "doelen", "vastleggen", "aan-de-slag"):
        step_complete(actor=actor, consult=first, step_slug=step)
    evaluation = services.evaluation_of(first, walking)
    evaluation.score, evaluation.patient_says = 1, "Ik loop bijna elke dag!"
    evaluation.save()
    evaluation = services.evaluation_of(first, group)
    evaluation.outcome, evaluation.patient_says = "deels", "Twee keer geweest, toen ziek."
    evaluation.save()
    step_complete(actor=actor, consult=first, step_slug="evalueren")
    second = consult_start(actor=actor, patient=patient, model_slug="emboss", continues=first)
    _mark(second, SECOND_CARD)
    step_complete(actor=actor, consult=second, step_slug="voorbereiden")
    year_ago = timezone.now() - timedelta(days=380)
    Consult.objects.filter(pk=first.pk).update(started_at=year_ago, finished_at=year_ago)
    # The plan was told back in that first conversation, not today.
    TeachBack.objects.filter(consult=first).update(done_at=year_ago)
    Plan.objects.filter(patient=patient).update(
        next_evaluation_on=timezone.localdate() + timedelta(days=10)
    )


def _mark(consult: Consult, marks: Mapping[str, tuple[str, bool, str]]) -> None:
    card = services.card_of(consult)
    for mark in CardMark.objects.filter(card=card, domain__in=marks):
        mark.state, mark.matters_most, mark.words = marks[mark.domain]
        mark.save()
