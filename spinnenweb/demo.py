"""A demo patient with two spider webs a few months apart and one she filled in at
home before the next consult. Through the services, so the audit trail has it."""

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from consult.conversation_api import Actor, consult_start, step_complete
from consult.models import Consult, Patient, PatientLink, User
from spinnenweb import services
from spinnenweb.models import Web, WebDimension, WebSheet

SPINNENWEB_CASE_HIS = "100235"  # Lotte de Boer: sleep problems, worrying, informal carer

FIRST = {
    "lichaamsfuncties": (4, True, "Ik slaap slecht, lig te piekeren"),
    "mentaal": (4, True, "Ik maak me veel zorgen om mijn moeder"),
    "zingeving": (6, False, ""),
    "kwaliteit-van-leven": (5, False, ""),
    "meedoen": (3, True, "Geen tijd meer voor vriendinnen"),
    "dagelijks-functioneren": (6, False, ""),
}
SECOND = {
    "lichaamsfuncties": (6, False, ""),
    "mentaal": (5, True, "Minder piekeren sinds de mantelzorgconsulent"),
    "zingeving": (7, False, ""),
    "kwaliteit-van-leven": (6, False, ""),
    "meedoen": (5, True, "Weer één avond per week weg"),
    "dagelijks-functioneren": (7, False, ""),
}
AT_HOME = {
    "lichaamsfuncties": (6, False, "Beter geslapen"),
    "mentaal": (5, True, "Soms nog veel zorgen"),
    "zingeving": (7, False, ""),
    "kwaliteit-van-leven": (7, False, ""),
    "meedoen": (4, True, "Ik mis mijn vriendinnen"),
    "dagelijks-functioneren": (7, False, ""),
}


def seed_spinnenweb_case(*, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
    patient = patients.get(SPINNENWEB_CASE_HIS)
    if patient is None or patient.consults.filter(model_slug="spinnenweb").exists():
        return
    actor = Actor(user=staff.get("poh_s") or staff["huisarts"])
    first = _web_consult(patient, actor, FIRST, days_ago=120, finished=True)
    sheet = WebSheet.objects.get(consult=first)
    sheet.what_matters = "Dat mijn moeder goed verzorgd wordt en ik ook nog een eigen leven heb."
    sheet.what_to_change = "Beter slapen en weer tijd voor vriendinnen."
    sheet.who_can_help = "De mantelzorgconsulent; mijn broer kan vaker komen."
    sheet.save()
    _web_consult(patient, actor, SECOND, days_ago=30, finished=True)
    link = PatientLink.objects.create(
        token_hash=f"demo-{patient.public_id}",
        patient=patient,
        model_slug="spinnenweb",
        purpose="web",
        created_by=actor.user,
        expires_at=timezone.now() + timedelta(days=10),
        completed_at=timezone.now() - timedelta(days=1),
        answers={key: {"score": s, "talk": t, "words": w} for key, (s, t, w) in AT_HOME.items()},
    )
    # Made four days ago (it runs 14 days), filled in yesterday evening.
    PatientLink.objects.filter(pk=link.pk).update(created_at=timezone.now() - timedelta(days=4))
    home = services.web_from_home(link=link)
    Web.objects.filter(pk=home.pk).update(filled_on=timezone.localdate() - timedelta(days=1))


def _web_consult(
    patient: Patient,
    actor: Actor,
    scores: Mapping[str, tuple[int, bool, str]],
    *,
    days_ago: int,
    finished: bool,
) -> Consult:
    consult = consult_start(actor=actor, patient=patient, model_slug="spinnenweb")
    web = services.web_of(consult)
    for dimension in WebDimension.objects.filter(web=web):
        score, talk, words = scores[dimension.key]
        dimension.score, dimension.talk, dimension.words = score, talk, words
        dimension.save()
    for step in ("introductie", "scores", "gesprek"):
        step_complete(actor=actor, consult=consult, step_slug=step)
    when = timezone.now() - timedelta(days=days_ago)
    Web.objects.filter(pk=web.pk).update(filled_on=timezone.localdate(when))
    Consult.objects.filter(pk=consult.pk).update(
        started_at=when, finished_at=when if finished else None, status="finished"
    )
    return consult
