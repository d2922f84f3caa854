"""The KOP case of the H&W article (seed 002), with an invented name: a woman of 53
who suddenly lost the sight of one eye, was left by her partner and fears losing her
job. Three sessions with the POH-GGZ a fortnight apart, severity going down, and a
risk flag raised in the first session and closed in the second. Everything goes
through the services, so the audit trail has it too."""

from collections.abc import Mapping
from datetime import timedelta

from django.utils import timezone

from consult.conversation_api import (
    Actor,
    consult_start,
    flag_close,
    goal_add,
    step_complete,
)
from consult.models import Consult, Patient, PatientFlag, User
from kop import services
from kop.models import Complaint, KopSheet

KOP_CASE_HIS = "100231"

COMPLAINTS = (
    ("Geen energie meer", "sinds de zomer", (8, 6, 4)),
    ("Wanhoop, ik zie het niet meer zitten", "een paar maanden", (8, 5, 3)),
    ("Slecht slapen", "sinds mijn partner weg is", (7, 6, 4)),
    ("Boos en verdrietig", "", (6, 5, 4)),
)
BURDENS = (
    ("gezondheid", "Plotseling blind aan één oog"),
    ("relaties", "Mijn partner is weggegaan"),
    ("werk", "Bang dat mijn werkgever van me af wil"),
)
SUPPORT = (("familie", "Steun van mijn kinderen"),)
FALLS_SHORT = ("Ik wil altijd de sterke zijn", "Ik vraag niet snel om hulp")
HELPS = ("Nuchter: ik pak dingen aan", "Ik geef de moed niet snel op")


def seed_kop_case(*, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
    patient = patients.get(KOP_CASE_HIS)
    if patient is None or patient.consults.filter(model_slug="kop").exists():
        return
    actor = Actor(user=staff.get("poh_ggz") or staff["huisarts"])
    first = _first_session(patient, actor)
    second = _next_session(first, actor, session=2)
    flag = PatientFlag.objects.open().filter(patient=patient, source_key=services.RISK_FLAG).first()
    if flag is not None:
        flag_close(
            actor=actor,
            flag=flag,
            reason="In sessie 2 opnieuw besproken: geen gedachten aan de dood meer, "
            "afspraak om te bellen als ze terugkomen.",
        )
    third = _next_session(second, actor, session=3)
    sheet = KopSheet.objects.get(consult=third)
    sheet.warning_signs = "Ik slaap weer slecht en zeg afspraken af."
    sheet.what_helps = "Fietsen, een vaste dag, mijn dochter bellen."
    sheet.who_to_call = "Mijn dochter; de praktijk (POH-GGZ) op werkdagen."
    sheet.session_notes = "Terugvalpreventie besproken; afbouwen naar één keer per maand."
    sheet.save()
    _date_as_it_happened(first, second, third)


def _date_as_it_happened(first: Consult, second: Consult, third: Consult) -> None:
    """A fortnight between sessions of 50 minutes; the risk recorded half-way (the
    third session carries the second's), the flag raised in the first and closed in
    the second. Seeded all at once, they would otherwise all say today."""
    now = timezone.now()
    starts = {first.pk: now - timedelta(weeks=4), second.pk: now - timedelta(weeks=2)}
    for consult_id, start in starts.items():
        Consult.objects.filter(pk=consult_id).update(
            started_at=start, finished_at=start + timedelta(minutes=50)
        )
    Consult.objects.filter(pk=third.pk).update(started_at=now)
    recorded = {consult_id: start + timedelta(minutes=25) for consult_id, start in starts.items()}
    recorded[third.pk] = recorded[second.pk]
    for consult_id, at in recorded.items():
        KopSheet.objects.filter(consult_id=consult_id).update(risk_recorded_at=at)
    flags = PatientFlag.objects.filter(patient_id=first.patient_id, source_key=services.RISK_FLAG)
    for flag in flags:
        # Its words name the day of the analysis, which was today when it was seeded.
        raised_on = f"{timezone.localtime(recorded[first.pk]):%d-%m-%Y}"
        flags.filter(pk=flag.pk).update(
            raised_at=recorded[first.pk],
            closed_at=recorded[second.pk],
            text=flag.text.replace(f"{timezone.localdate():%d-%m-%Y}", raised_on),
        )


def _first_session(patient: Patient, actor: Actor) -> Consult:
    consult = consult_start(actor=actor, patient=patient, model_slug="kop")
    sheet = KopSheet.objects.get(consult=consult)
    sheet.question = "Ik zie het niet meer zitten."
    sheet.save()
    for text, since, severities in COMPLAINTS:
        services.complaint_add(
            actor=actor, consult=consult, text=text, since=since, severity=severities[0]
        )
    for area, text in BURDENS:
        services.circumstance_add(
            actor=actor, consult=consult, area=area, positive=False, text=text
        )
    for area, text in SUPPORT:
        services.circumstance_add(actor=actor, consult=consult, area=area, positive=True, text=text)
    for text in FALLS_SHORT:
        services.style_add(actor=actor, consult=consult, helps=False, text=text)
    for text in HELPS:
        services.style_add(actor=actor, consult=consult, helps=True, text=text)
    step_complete(actor=actor, consult=consult, step_slug="schema")
    sheet.refresh_from_db()
    sheet.stressors = (
        "Gezondheid: plotseling visusverlies links. Relatie: partner vertrokken. "
        "Werk: dreigt haar baan te verliezen."
    )
    sheet.protective = "Steun van haar kinderen; nuchter en doortastend, geeft niet snel op."
    sheet.acute_risk = "nee"
    sheet.depression = "nee"
    sheet.suicidality = "gedachten"
    sheet.risk_conclusion = (
        "Ernstige stressoren op drie levensgebieden, ook beschermende factoren. Geen acuut "
        "risico, geen depressie. Soms gedachten dat het niet meer hoeft, zonder plannen: "
        "volgende sessie opnieuw bespreken."
    )
    sheet.problem_definition = (
        "Ook sterke mensen zoals ik kunnen op een moment komen dat het niet meer lukt. Door "
        "mijn oog, het vertrek van mijn partner en de zorgen om mijn werk is het me te veel "
        "geworden. Ik wil altijd de sterke zijn en vraag niet snel om hulp."
    )
    sheet.save()
    services.risk_record(actor=actor, consult=consult)
    step_complete(actor=actor, consult=consult, step_slug="risico")
    step_complete(actor=actor, consult=consult, step_slug="probleemdefinitie")
    structure = goal_add(
        actor=actor, consult=consult, text="Weer regelmaat in mijn dag", domain="kop:klachten"
    )
    backing = goal_add(
        actor=actor,
        consult=consult,
        text="Rugdekking voor als ik het niet red",
        domain="kop:omstandigheden",
    )
    for goal, target, kind, who in (
        (structure, "basis", "psycho-educatie", "professional"),
        (structure, "K", "slaaphygiene", "patient"),
        (structure, "K", "bewegen", "patient"),
        (backing, "O", "steun", "patient"),
        (backing, "P", "social-learning", "professional"),
    ):
        services.intervention_add(
            actor=actor, consult=consult, goal=goal, target=target, kind=kind, who=who
        )
    step_complete(actor=actor, consult=consult, step_slug="plan")
    return consult


def _next_session(previous: Consult, actor: Actor, *, session: int) -> Consult:
    consult = consult_start(
        actor=actor, patient=previous.patient, model_slug="kop", continues=previous
    )
    for text, _since, severities in COMPLAINTS:
        Complaint.objects.filter(consult=consult, text=text).update(
            severity=severities[session - 1]
        )
    sheet = KopSheet.objects.get(consult=consult)
    if session == 2:
        sheet.suicidality = "nee"
        sheet.risk_conclusion = "Opnieuw besproken: geen gedachten aan de dood meer."
        sheet.session_notes = "Dagstructuur doorgenomen; ze fietst weer twee keer per week."
        sheet.save()
        services.risk_record(actor=actor, consult=consult)
    for step in ("schema", "risico", "probleemdefinitie", "plan"):
        step_complete(actor=actor, consult=consult, step_slug=step)
    return consult
