"""The reviewer's audit trail in a database that serves a region: the trail's first
page (the last seven days, as it opens) and last month's summary, for a practice among
AUDIT_PRACTICES practices that each wrote AUDIT_EVENTS_PER_MONTH events a month for
two months, beside the same requests in a database of the run's own that holds only
this practice's events (the same events). Interleaved, as every figure.

Target: at most 1.5x, as the kaart search beside its empty table. What the reviewer
waits for may grow with the practice's own trail, not with the trails of the other
practices in the same database (issue 14; before, the trail read every practice's
events of the period, and took 350 ms where this practice alone took 60).

PostgreSQL only: a region runs on PostgreSQL, and the question is its planner's. On
SQLite (the demo, one practice) the module prints nothing.
"""

import functools
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client, staff_user  # sets Django up before anything else

# isort: split
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import harness
from brede_gesprek.statistics import analyze

if TYPE_CHECKING:
    from consult.models import User

PRACTICES = int(os.environ.get("AUDIT_PRACTICES") or 10)
# Five professionals with five broad conversations a day of some hundred requests
# each (every autosave and every step is audited), 22 working days.
EVENTS_PER_MONTH = int(os.environ.get("AUDIT_EVENTS_PER_MONTH") or 55_000)
PATIENTS, COLLEAGUES, DAYS = 300, 4, 60
ROUNDS = harness.rounds(60)
BUDGET_S = 30.0
TARGET_RATIO = 1.5
ALONE = "audit_alone"  # the alias of the database with only this practice's trail
FIGURES = ("audit_trail_region", "audit_month_region")


def practice_with_trail(name: str) -> "User":
    """A practice with its colleagues, patients and two months of reads of them, drawn
    from random() with the same seed each time (so the practice alone and in the
    region has the same trail); returns its first colleague. The events have their
    place in the chain already (no hash: nothing here verifies it), so the app's
    sealing has only its own new records to chain."""
    from consult.models import Patient, Practice, Role

    practice = Practice.objects.create(name=name, phone="0501234567")
    slug = name.lower().replace(" ", "-")
    users = [
        staff_user(practice, Role.HUISARTS, f"{number}-{slug}@praktijk.example")
        for number in range(COLLEAGUES + 1)
    ]
    Patient.objects.bulk_create(
        Patient(
            practice=practice,
            first_name="Bench",
            last_name=f"Patiënt {number}",
            date_of_birth=date(1970, 1, 1),
            his_number=str(number),
        )
        for number in range(PATIENTS)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.5)")
        cursor.execute(
            """
            INSERT INTO consult_auditevent (at, event, user_id, role, practice_id,
                patient_id, action, object_type, object_id, client_address, outcome,
                application, details, seq, chain_hash)
            SELECT now() - random() * %s * interval '1 day', 'record',
                users.ids[1 + g %% cardinality(users.ids)], 'huisarts', %s,
                patients.ids[1 + (g * 7919) %% cardinality(patients.ids)],
                (ARRAY['read', 'read', 'update'])[1 + g %% 3], 'goal',
                gen_random_uuid()::text, '127.0.0.1', 'allowed', 'bench', '{}',
                %s::bigint * 1000000000 + g, ''
            FROM generate_series(1, %s) g,
                (SELECT array_agg(id) ids FROM consult_user WHERE practice_id = %s) users,
                (SELECT array_agg(public_id) ids FROM consult_patient
                 WHERE practice_id = %s) patients
            """,
            [
                DAYS,
                practice.pk,
                practice.pk,
                EVENTS_PER_MONTH * DAYS // 30,
                practice.pk,
                practice.pk,
            ],
        )
    return users[0]


def reviewer_client(user: "User") -> Client:
    """A client of `user`, appointed the practice's reviewer of the audit trail."""
    user.reviews_audit = True
    user.save(update_fields=["reviews_audit"])
    return logged_in_client(user)


def measure() -> None:
    with harness.using_database(ALONE):
        alone = reviewer_client(practice_with_trail("Benchpraktijk"))
        analyze()
    started = time.perf_counter()
    region = reviewer_client(practice_with_trail("Benchpraktijk"))
    for number in range(PRACTICES - 1):
        practice_with_trail(f"Praktijk {number}")
    analyze()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM consult_auditevent")
        (events,) = cursor.fetchone()
    harness.note(f"audit trail: {events} events in {time.perf_counter() - started:.1f} s")
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    requests = {
        "audit_trail_region": (reverse("audit_trail"), {}),
        "audit_month_region": (reverse("audit_month"), {"maand": last_month}),
    }
    for name, (url, params) in requests.items():
        harness.attempt(
            [name], functools.partial(measure_page, name, url, params, region, alone, events)
        )


def measure_page(
    name: str, url: str, params: dict[str, str], region: Client, alone: Client, events: int
) -> None:
    harness.measure_get_beside_database(
        name,
        f"{name.removesuffix('_region')}_practice_alone",
        url,
        params,
        region,
        alone,
        ALONE,
        ROUNDS,
        target_ratio=TARGET_RATIO,
        budget_s=BUDGET_S,
        min_rounds=10,
        extra={
            "practices": PRACTICES,
            "events": events,
            "events_per_practice_month": EVENTS_PER_MONTH,
        },
    )


def measure_all() -> None:
    harness.on_postgresql_only("audit trail: PostgreSQL only (a region's database)", measure, ALONE)


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
