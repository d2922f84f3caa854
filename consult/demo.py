"""Fictional demo data: one practice in the fictional town of Zonnedal with its team,
a second practice to show isolation, and patients that include the two cases from
the seeds. Every name, number and address here is invented."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from django.db import transaction
from django.utils import timezone

from consult.access import Actor
from consult.models import (
    CLINICAL_ROLES,
    Consent,
    Consult,
    Goal,
    Patient,
    Practice,
    Referral,
    ReferralEvent,
    Role,
    User,
)
from consult.models.consults import ConsultStatus
from consult.registry import conversation_models
from consult.services.referrals import referral_create
from sociale_kaart.demo import seed_services
from sociale_kaart.models import Service

DEMO_PASSWORD = "zonnedal-demo-2026"  # noqa: S105 - a published demo password


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    reviews_audit: bool = False  # appointed by the practice to review the audit trail


PRACTICE_A = {
    "name": "Huisartsenpraktijk De Linde",
    "agb_code": "01099999",
    "street_address": "Lindeplein 4",
    "postcode": "9999 AB",
    "city": "Zonnedal",
    "phone": "0501234567",
}
PRACTICE_B = {
    "name": "Gezondheidscentrum Oeverwijk",
    "agb_code": "01099998",
    "street_address": "Havenkade 12",
    "postcode": "9998 CD",
    "city": "Zonnedal",
    "phone": "0507654321",
}

USERS_A = [
    DemoUser("huisarts@delinde.example", "Dr. Anna de Vries", Role.HUISARTS, reviews_audit=True),
    DemoUser("poh-ggz@delinde.example", "Sanne Bakker", Role.POH_GGZ),
    DemoUser("poh-s@delinde.example", "Youssef El Amrani", Role.POH_S),
    DemoUser("manager@delinde.example", "Marieke Jansen", Role.PRAKTIJKMANAGER),
    DemoUser("beheer@delinde.example", "Tom Visser", Role.BEHEERDER),
]
USERS_B = [DemoUser("huisarts@oeverwijk.example", "Dr. Pieter Smit", Role.HUISARTS)]

PATIENTS_A = [
    {
        # Seed case (KOP): sudden loss of sight in one eye, left by her partner,
        # fears losing her job.
        "first_name": "Ingrid",
        "name_prefix": "",
        "last_name": "Hoekstra",
        "birth_years_ago": 53,
        "birthday": (6, 2),
        "his_number": "100231",
        "postcode": "9999 AC",
        "phone": "0612345001",
        "notes": "Plotseling visusverlies links. Partner recent vertrokken. Zorgen om werk.",
    },
    {
        # Seed case (4D): headache and low mood, stress from debts.
        "first_name": "Ricardo",
        "name_prefix": "",
        "last_name": "Martina",
        "birth_years_ago": 41,
        "birthday": (10, 23),
        "his_number": "100232",
        "postcode": "9999 AD",
        "phone": "0612345002",
        "plain_language": True,
        "notes": "Hoofdpijn en somberheid; geldzorgen genoemd.",
    },
    {
        "first_name": "Fatma",
        "name_prefix": "",
        "last_name": "Yilmaz",
        "birth_years_ago": 67,
        "birthday": (1, 9),
        "his_number": "100233",
        "postcode": "9999 AE",
        "preferred_language": "tr",
        "notes": "Diabetes type 2; weinig contacten sinds overlijden echtgenoot.",
    },
    {
        "first_name": "Kees",
        "name_prefix": "van der",
        "last_name": "Berg",
        "birth_years_ago": 58,
        "birthday": (4, 27),
        "his_number": "100234",
        "postcode": "9999 AF",
        "notes": "Aanhoudende rugklachten zonder duidelijke oorzaak; vaak op het spreekuur.",
    },
    {
        "first_name": "Lotte",
        "name_prefix": "de",
        "last_name": "Boer",
        "birth_years_ago": 29,
        "birthday": (8, 16),
        "his_number": "100235",
        "postcode": "9999 AG",
        "notes": "Slaapproblemen en piekeren; mantelzorger voor haar moeder.",
    },
    {
        "first_name": "Jan",
        "name_prefix": "",
        "last_name": "Mulder",
        "birth_years_ago": 74,
        "birthday": (12, 30),
        "his_number": "100236",
        "postcode": "9999 AH",
        "consent": False,
        "notes": "",
    },
]
PATIENTS_B = [
    {
        "first_name": "Eva",
        "name_prefix": "",
        "last_name": "Kramer",
        "birth_years_ago": 45,
        "birthday": (5, 11),
        "his_number": "200101",
        "postcode": "9998 CE",
        "notes": "",
    }
]


def seed_demo() -> dict[str, list[str]]:
    """Create the demo data, or leave it as it is when it exists: running twice
    changes nothing. Returns the demo accounts per practice."""
    with transaction.atomic():
        shared_map = seed_services()
        accounts: dict[str, list[str]] = {}
        for practice_data, users, patients in (
            (PRACTICE_A, USERS_A, PATIENTS_A),
            (PRACTICE_B, USERS_B, PATIENTS_B),
        ):
            practice, _created = Practice.objects.get_or_create(
                name=practice_data["name"], defaults={**practice_data, "shared_map": shared_map}
            )
            if practice.shared_map_id is None:
                practice.shared_map = shared_map
                practice.save(update_fields=["shared_map"])
            created_users = [_user(practice, demo) for demo in users]
            clinician = next(user for user in created_users if user.is_clinician)
            demo_patients = {
                patient.his_number: patient
                for patient in (_patient(practice, clinician, data) for data in patients)
            }
            staff = {user.role: user for user in created_users}
            for model in conversation_models():
                model.seed_demo(patients=demo_patients, staff=staff)
            _seed_referral(demo_patients, staff)
            accounts[practice.name] = [f"{demo.email} ({demo.role.label})" for demo in users]
    return accounts


# The KOP case's goal of back-up, referred to the wijkteam in her first session four weeks
# ago and not heard of since: the follow-up list (Verwijzingen) shows it.
REFERRAL = ("100231", "Rugdekking voor als ik het niet red", "Sociaal wijkteam Zuid")


def _seed_referral(patients: dict[str, Patient], staff: dict[str, User]) -> None:
    his_number, goal_text, service_name = REFERRAL
    patient = patients.get(his_number)
    goal = Goal.objects.filter(plan__patient=patient, text=goal_text).first()
    consult = Consult.objects.filter(patient=patient, status=ConsultStatus.OPEN).first()
    if patient is None or goal is None or consult is None or goal.plan.referrals.exists():
        return
    first = Consult.objects.filter(patient=patient).order_by("started_at").first()
    assert first is not None
    referral = referral_create(
        actor=Actor(user=staff.get("poh_ggz") or staff["huisarts"]),
        consult=consult,
        service=Service.objects.get(name=service_name, service_map__is_shared=True),
        goal=goal,
    )
    sent_on = timezone.localdate(first.started_at)
    Referral.objects.filter(pk=referral.pk).update(status_on=sent_on)
    ReferralEvent.objects.filter(referral=referral).update(on=sent_on)


def _user(practice: Practice, demo: DemoUser) -> User:
    user = User.objects.filter(email=demo.email).first()
    if user is None:
        user = User.objects.create_user(
            email=demo.email,
            password=DEMO_PASSWORD,
            full_name=demo.full_name,
            practice=practice,
            role=demo.role,
            # The demo's treating accounts are confirmed from the start.
            confirmed_at=timezone.now() if demo.role in CLINICAL_ROLES else None,
            reviews_audit=demo.reviews_audit,
        )
    return user


def _patient(practice: Practice, clinician: User, data: dict[str, object]) -> Patient:
    fields = dict(data)
    wants_consent = bool(fields.pop("consent", True))
    years = int(str(fields.pop("birth_years_ago")))
    month, day = cast(tuple[int, int], fields.pop("birthday"))
    today = timezone.localdate()
    # Aged `years` today, whether or not the birthday has come yet this year.
    born = date(today.year - years - ((month, day) > (today.month, today.day)), month, day)
    patient, created = Patient.objects.get_or_create(
        practice=practice,
        his_number=fields.pop("his_number"),
        defaults={**fields, "date_of_birth": born},
    )
    if created and wants_consent:
        Consent.objects.create(
            patient=patient,
            given_on=today - timedelta(days=7),
            given_to=clinician,
            recorded_by=clinician,
        )
    return patient
