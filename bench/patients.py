"""Finding a patient, the first thing a GP does in a consult: the patient list searched
by a surname, by a whole HIS number and by a date of birth, for a practice of
PATIENTS patients among PRACTICES such practices in one database (a care group's),
beside the same searches in a database of the run's own whose practice holds only the
patients these searches find (the same ones, so the same pages). Interleaved, as every
figure; through the real view and middleware, logged in with both factors.

Target: at most 1.5x, as the kaart search beside its empty table: what the GP waits for
may grow with the patients found, not with the size of the practice or of the region
(issue 14; before, every search read all of the practice's patients).

PostgreSQL only: a practice of 10,000 patients or a region runs on PostgreSQL, and the
question is its planner's. On SQLite (the demo) the module prints nothing."""

import functools
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client, staff_user  # sets Django up before anything else

# isort: split
from django.test import Client
from django.urls import reverse

from bench import harness
from brede_gesprek.statistics import analyze

if TYPE_CHECKING:
    from consult.models import Patient, Practice

PRACTICES = int(os.environ.get("PATIENT_PRACTICES") or 10)
# A large practice: some 2,100 patients per full-time GP, and four or five of them.
PATIENTS = int(os.environ.get("PATIENT_COUNT") or 10_000)
ROUNDS = harness.rounds(100)
BUDGET_S = 30.0
TARGET_RATIO = 1.5
ALONE = "patients_found"  # the alias of the database with only the patients found
FIGURES = (
    "patient_search_name_region",
    "patient_search_number_region",
    "patient_search_born_region",
)
# Invented names: common Dutch surnames (the prefix apart, as the form keeps it), and
# made-up ones of two parts for the rest; the searched surname for 1 in 250.
SEARCHED = "Jansen"
COMMON = [
    ("de", "Vries"), ("van den", "Berg"), ("", "Bakker"), ("", "Visser"), ("", "Smit"),
    ("", "Meijer"), ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"),
    ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"),
    ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Janssen"), ("", "Jansma"),
]  # fmt: skip
PARTS = (
    ["Bos", "Ter", "Hof", "Stee", "Meer", "Kroon", "Wester", "Oost", "Brink", "Hol"],
    ["kamp", "man", "stra", "ink", "ing", "huis", "veld", "berg", "dijk", "hout"],
)
FIRST = [
    "Anna", "Jan", "Janneke", "Piet", "Sanne", "Fatima", "Mohammed", "Emma", "Daan",
    "Lotte", "Sem", "Eva", "Lucas", "Julia", "Finn", "Noor", "Levi", "Mila", "Bram",
    "Sara", "Thomas", "Ayse", "Mehmet", "Ingrid", "Henk", "Gerda", "Kees", "Wilma",
]  # fmt: skip


def practice_with_patients(name: str, seed: int) -> "Practice":
    """A practice of PATIENTS patients, named and born at random (a fixed seed)."""
    from consult.models import Patient, Practice

    practice = Practice.objects.create(name=name, phone="0501234567")
    draw = random.Random(seed)
    first_day = date(1930, 1, 1)

    def surname(number: int) -> tuple[str, str]:
        if number % 250 == 0:
            return "", SEARCHED
        if draw.random() < 0.4:
            return draw.choice(COMMON)
        return "", draw.choice(PARTS[0]) + draw.choice(PARTS[1])

    patients = []
    for number in range(PATIENTS):
        prefix, last_name = surname(number)
        patients.append(
            Patient(
                practice=practice,
                first_name=draw.choice(FIRST),
                name_prefix=prefix,
                last_name=last_name,
                date_of_birth=first_day + timedelta(days=draw.randrange(90 * 365)),
                his_number=str(100_000 + number),
            )
        )
    Patient.objects.bulk_create(patients, batch_size=5_000)
    return practice


def searches(practice: "Practice") -> dict[str, str]:
    """The figure's name and what is typed: the surname, the HIS number of one of the
    practice's patients, and that patient's date of birth."""
    from consult.models import Patient

    patient = Patient.objects.filter(practice=practice).order_by("pk")[PATIENTS // 2]
    return {
        "patient_search_name_region": SEARCHED.lower(),
        "patient_search_number_region": patient.his_number,
        "patient_search_born_region": patient.date_of_birth.strftime("%d-%m-%Y"),
    }


def copy_found(practice: "Practice", typed: list[str]) -> list["Patient"]:
    """The patients of `practice` that the searches find, unsaved, to be saved as well
    in the database of the patients found."""
    from consult.models import Patient

    found: dict[int, Patient] = {}
    for query in typed:
        found.update({p.pk: p for p in Patient.objects.search(query, practice_id=practice.pk)})
    return list(found.values())


def measure() -> None:
    from consult.models import Practice, Role

    started = time.perf_counter()
    practice = practice_with_patients("Benchpraktijk", seed=0)
    for number in range(1, PRACTICES):
        practice_with_patients(f"Praktijk {number}", seed=number)
    analyze()
    region = logged_in_client(staff_user(practice, Role.HUISARTS))
    typed = searches(practice)
    found = copy_found(practice, list(typed.values()))
    harness.note(
        f"patients: {PRACTICES * PATIENTS} in {time.perf_counter() - started:.1f} s; "
        f"the searches find {len(found)} of the practice's"
    )
    with harness.using_database(ALONE):
        alone_practice = Practice.objects.create(name="Benchpraktijk", phone="0501234567")
        for patient in found:
            patient.pk, patient.practice = None, alone_practice
        type(found[0]).objects.bulk_create(found)
        alone = logged_in_client(staff_user(alone_practice, Role.HUISARTS))
        analyze()
    for name, query in typed.items():
        harness.attempt(
            [name], functools.partial(measure_search, name, query, region, alone, len(found))
        )


def measure_search(name: str, query: str, region: Client, alone: Client, found: int) -> None:
    url = reverse("patient_list")
    first = region.post(url, {"q": query}).content.decode()
    assert "Geen patiënt gevonden" not in first, f"{name}: nothing found"
    harness.measure_beside_database(
        name,
        f"{name.removesuffix('_region')}_found_alone",
        lambda client: client.post(url, {"q": query}),
        region,
        alone,
        ALONE,
        ROUNDS,
        target_ratio=TARGET_RATIO,
        budget_s=BUDGET_S,
        min_rounds=10,
        extra={"practices": PRACTICES, "patients_per_practice": PATIENTS, "found": found},
    )


def measure_all() -> None:
    harness.on_postgresql_only("patient search: PostgreSQL only (a large practice)", measure, ALONE)


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
