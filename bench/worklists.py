"""The practice's worklists, as a POH opens them at the start of the day: the plans due
for evaluation and the referrals without news, for a practice of PATIENTS patients
among PRACTICES such practices in one database (a care group's), beside the same
pages in a database of the run's own whose practice holds only the plans and
referrals on the list. Interleaved, as every figure; through the real view and
middleware, logged in with both factors.

The data: one patient in PLAN_SHARE has a plan (a practice that has held the brede
gesprek for years), with an evaluation date within a year either side of today, so
about half of the plans are due; each plan has one referral, three in ten of them
still open and most of those quiet for longer than the follow-up days.

Target: at most 1.5x, as the patient search: what the POH waits for may grow with her
practice's list, not with the region's plans.

PostgreSQL only, like the patient search: the question is its planner's at a care
group's size. On SQLite (the demo) the module prints nothing."""

import functools
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client, staff_user  # sets Django up before anything else

# isort: split
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import harness
from bench.patients import practice_with_patients
from brede_gesprek.statistics import analyze

if TYPE_CHECKING:
    from consult.models import Practice, User

PRACTICES = int(os.environ.get("WORKLIST_PRACTICES") or 10)
PATIENTS = int(os.environ.get("PATIENT_COUNT") or 10_000)
PLAN_SHARE = 5
ROUNDS = harness.rounds(100)
BUDGET_S = 30.0
TARGET_RATIO = 1.5
ALONE = "worklists_alone"  # the alias of the database with only the rows on the lists
FIGURES = ("evaluations_due_region", "referral_follow_up_region")
CLOSED = ("afgerond", "afgewezen")
OPEN = ("verwezen", "aangenomen", "gestart")


def plans_and_referrals(practice: "Practice", user: "User", seed: int) -> None:
    """Plans for one patient in PLAN_SHARE of the practice, each with a referral."""
    from consult.models import Patient, Plan, Referral

    draw = random.Random(seed)
    today = timezone.localdate()
    patients = Patient.objects.filter(practice=practice).order_by("pk").only("pk")
    plans = Plan.objects.bulk_create(
        (
            Plan(
                patient_id=patient.pk,
                practice=practice,
                next_evaluation_on=today + timedelta(days=draw.randrange(-365, 366)),
            )
            for patient in patients[::PLAN_SHARE]
        ),
        batch_size=5_000,
    )
    service = kaart_service(practice)
    Referral.objects.bulk_create(
        (
            Referral(
                plan=plan,
                practice=practice,
                service=service,
                status=draw.choice(OPEN if draw.random() < 0.3 else CLOSED),
                status_on=today - timedelta(days=draw.randrange(730)),
                created_by=user,
            )
            for plan in plans
        ),
        batch_size=5_000,
    )


def kaart_service(practice: "Practice") -> Any:
    from sociale_kaart.models import Service

    assert practice.own_map is not None, "a practice has a map of its own"
    return Service.objects.create(
        service_map=practice.own_map, name="Schuldhulp", description="Hulp bij schulden."
    )


def copy_lists(practice: "Practice", user: "User") -> tuple["User", int]:
    """Copy the patients on both lists of `practice`, with their plans and the quiet
    referrals, into a practice of its own in the database of the lists alone: a user
    of that practice in `user`'s role, and the rows copied."""
    from consult.models import Plan, Practice, Referral
    from consult.selectors.evaluations import evaluations_due
    from consult.services.referrals import referrals_to_follow_up

    due = list(evaluations_due(practice.pk, today=timezone.localdate()))
    waiting = list(referrals_to_follow_up(practice.pk))
    plans = {plan.pk: plan for plan in due} | {ref.plan.pk: ref.plan for ref in waiting}
    with harness.using_database(ALONE):
        alone_practice = Practice.objects.create(name=practice.name, phone=practice.phone)
        alone_user = staff_user(alone_practice, user.role)
        service = kaart_service(alone_practice)
        copies = {}
        for old_pk, plan in plans.items():
            patient = plan.patient
            patient.pk, patient.practice = None, alone_practice
            patient.save()
            copies[old_pk] = Plan.objects.create(
                patient=patient, practice=alone_practice, next_evaluation_on=plan.next_evaluation_on
            )
        for referral in waiting:
            referral.pk, referral.plan = None, copies[referral.plan_id]
            referral.practice = alone_practice
            referral.service, referral.created_by = service, alone_user
        Referral.objects.bulk_create(waiting)
    return alone_user, len(plans) + len(waiting)


def measure() -> None:
    from consult.models import Role

    started = time.perf_counter()
    users = []
    for number in range(PRACTICES):
        practice = practice_with_patients(f"Praktijk {number}", seed=number)
        user = staff_user(practice, Role.POH_S, f"poh{number}@praktijk.example")
        plans_and_referrals(practice, user, seed=number)
        users.append(user)
    analyze()
    user = users[0]
    region = logged_in_client(user)
    alone_user, copied = copy_lists(user.practice, user)
    with harness.using_database(ALONE):
        alone = logged_in_client(alone_user)
        analyze()
    harness.note(
        f"worklists: {PRACTICES} practices of {PATIENTS} patients in "
        f"{time.perf_counter() - started:.1f} s; the practice's lists hold {copied} rows"
    )
    for name, url_name in zip(FIGURES, ("evaluations_due", "referral_follow_up"), strict=True):
        harness.attempt(
            [name], functools.partial(measure_list, name, reverse(url_name), region, alone)
        )


def measure_list(name: str, url: str, region: Client, alone: Client) -> None:
    first = region.get(url).content.decode()
    assert "Pagina 1 van" in first, f"{name}: the list is not a page of many"
    harness.measure_get_beside_database(
        name,
        f"{name.removesuffix('_region')}_alone",
        url,
        {},
        region,
        alone,
        ALONE,
        ROUNDS,
        target_ratio=TARGET_RATIO,
        budget_s=BUDGET_S,
        min_rounds=10,
        extra={"practices": PRACTICES, "patients_per_practice": PATIENTS},
    )


def measure_all() -> None:
    harness.on_postgresql_only("worklists: PostgreSQL only (a care group)", measure, ALONE)


if __name__ == "__main__":
    sys.exit(harness.main(FIGURES, measure_all))
