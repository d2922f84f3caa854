"""The 4D case of the seeds, half-way: a patient with headache and low mood whose
debts came up. Goes through the services, so the audit trail has it too."""

from collections.abc import Mapping

from consult.conversation_api import Actor, consult_start, step_complete
from consult.models import Patient, User
from models_4d.services import connection_add, entry_add

FOUR_D_CASE_HIS = "100232"


def seed_four_d_case(*, patients: Mapping[str, Patient], staff: Mapping[str, User]) -> None:
    patient = patients.get(FOUR_D_CASE_HIS)
    if patient is None or patient.consults.filter(model_slug="4d").exists():
        return
    actor = Actor(user=staff["huisarts"])
    consult = consult_start(actor=actor, patient=patient, model_slug="4d")
    entries = {}
    for domain, kind, text in (
        ("lichaam", "speelt", "Hoofdpijn, bijna elke dag"),
        ("lichaam", "speelt", "Slecht slapen"),
        ("geest", "speelt", "Somber, veel piekeren"),
        ("sociaal", "helpt", "Mijn zus luistert"),
        ("maatschappelijk", "speelt", "Schulden, brieven maak ik niet meer open"),
        ("maatschappelijk", "helpt", "Werk als chauffeur, dat gaat goed"),
    ):
        entries[text] = entry_add(actor=actor, consult=consult, domain=domain, kind=kind, text=text)
    debts = entries["Schulden, brieven maak ik niet meer open"]
    worry = entries["Somber, veel piekeren"]
    connection_add(actor=actor, consult=consult, cause=debts, effect=worry)
    connection_add(
        actor=actor, consult=consult, cause=worry, effect=entries["Hoofdpijn, bijna elke dag"]
    )
    for step in ("introductie", "lichaam", "geest", "sociaal", "maatschappelijk", "verbanden"):
        step_complete(actor=actor, consult=consult, step_slug=step)
