"""The load test's data: the demo's sociale kaart and practices, a region's worth of
generated services, and the accounts locust logs in with. Each professional has a
linked authenticator, a patient who consented and a 4D consult under way (an entry in
each domain, a connection, the question for help); each printer a consult with a plan
of goals and agreements; the practice manager the care group's shared map.

Run by run_load.py in a process with the load test's settings (DATABASE_URL of its
own database), after `manage.py migrate`:

    python bench/load/seed.py --professionals 200 --out accounts.json
    python bench/load/seed.py --refresh --out accounts.json   (before each step)
"""

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load.scenario import Account, Editable, accounts_to_json, load_accounts  # noqa: E402

PASSWORD = "load-test-password-2026"  # accounts of a throwaway database
PROFESSIONALS_PER_PRACTICE = 5
ENTRIES = (
    ("lichaam", "speelt", "Hoofdpijn, bijna elke dag"),
    ("geest", "speelt", "Somber, veel piekeren"),
    ("sociaal", "helpt", "Mijn zus luistert"),
    ("maatschappelijk", "speelt", "Schulden, brieven maak ik niet meer open"),
)
GOALS, AGREEMENTS_PER_GOAL = 3, 2


def seed(*, professionals: int, printers: int = 2, managers: int = 1, services: int = 0) -> list:
    """Create the data (Django must be set up) and return the accounts."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from consult.demo import seed_demo
    from consult.models import Consent, Patient, Practice, Role, User
    from consult.statistics import analyze
    from sociale_kaart.models import Service, ServiceMap

    seed_demo()
    shared_map = ServiceMap.objects.get(is_shared=True)
    if services:
        # A care group's map of a region: generated services as bench/search.py makes
        # them, on a shared map of their own (the generator themes every service of it).
        from bench.many_services import add_services

        shared_map = ServiceMap.objects.create(name="Regio (load test)", is_shared=True)
        add_services(shared_map, services)
    service_ids = [
        str(public_id)
        for public_id in Service.objects.filter(service_map=shared_map)
        .order_by("pk")
        .values_list("public_id", flat=True)[:50]
    ]

    password = make_password(PASSWORD)  # hashed once: Argon2 for every user would cost seconds
    now = timezone.now()
    clinical = [Role.HUISARTS, Role.POH_S, Role.POH_GGZ, Role.HUISARTS, Role.POH_GGZ]
    people: list[tuple[str, User]] = []
    with transaction.atomic():
        practices: list[Practice] = []

        def practice_for(number: int) -> Practice:
            while len(practices) <= number // PROFESSIONALS_PER_PRACTICE:
                practices.append(
                    Practice.objects.create(
                        name=f"Loadpraktijk {len(practices) + 1}",
                        phone="0501234567",
                        shared_map=shared_map,
                    )
                )
            return practices[number // PROFESSIONALS_PER_PRACTICE]

        roles = (
            [("professional", clinical[n % len(clinical)]) for n in range(professionals)]
            + [("printer", Role.HUISARTS)] * printers
            + [("manager", Role.PRAKTIJKMANAGER)] * managers
        )
        for number, (kind, role) in enumerate(roles):
            user = User.objects.create(
                email=f"{kind}{number}@load.example",
                password=password,
                full_name=f"Load {kind} {number}",
                practice=practice_for(number),
                role=role,
                confirmed_at=now if kind != "manager" else None,
            )
            people.append((kind, user))
        devices = {
            device.user_id: device
            for device in TOTPDevice.objects.bulk_create(
                TOTPDevice(user=user, name="authenticator", confirmed=True) for _, user in people
            )
        }
        for _kind, user in people:
            if user.is_clinician:
                patient = Patient.objects.create(
                    practice=user.practice,
                    first_name="Load",
                    last_name=f"Patiënt {user.pk}",
                    date_of_birth=date(1970, 1, 1),
                    his_number=str(user.pk),
                )
                Consent.objects.create(
                    patient=patient, given_on=date(2026, 1, 1), given_to=user, recorded_by=user
                )

    accounts = []
    for kind, user in people:
        account = Account(
            role=kind,
            email=user.email,
            password=PASSWORD,
            totp_key=devices[user.pk].key,
        )
        if kind == "manager":
            account.services = service_ids
        else:
            account.consult, account.editables = _consult_under_way(user, plan=kind == "printer")
        accounts.append(account)
    analyze()
    return accounts


def _consult_under_way(user, *, plan: bool) -> tuple[str, list[Editable]]:
    """A 4D consult of the user's patient, as far as a professional gets in the first
    minutes; with a plan of goals and agreements for a printer. Through the services,
    so the audit trail has it too."""
    from consult.access import Actor
    from consult.models import Patient
    from consult.services.consults import consult_start
    from consult.services.plans import agreement_add, goal_add
    from models_4d.models import FourDSheet
    from models_4d.services import connection_add, entry_add

    actor = Actor(user=user, client_address="127.0.0.1")
    patient = Patient.objects.get(practice=user.practice, his_number=str(user.pk))
    consult = consult_start(actor=actor, patient=patient, model_slug="4d")
    entries = [
        entry_add(actor=actor, consult=consult, domain=domain, kind=kind, text=text)
        for domain, kind, text in ENTRIES
    ]
    connection_add(actor=actor, consult=consult, cause=entries[3], effect=entries[1])
    sheet = FourDSheet.objects.get(consult=consult)
    sheet.help_question = "Ik wil van de hoofdpijn af"
    sheet.save(update_fields=["help_question"])
    if plan:
        for number in range(GOALS):
            goal = goal_add(
                actor=actor, consult=consult, text=f"Doel {number + 1}", domain="4d:geest"
            )
            for item in range(AGREEMENTS_PER_GOAL):
                agreement_add(actor=actor, consult=consult, goal=goal, what=f"Afspraak {item + 1}")
    editables = [
        Editable("4d_entry", str(entry.public_id), "text", entry.version, entry.text, 300)
        for entry in entries
    ]
    editables.append(
        Editable(
            "4d_sheet",
            str(sheet.public_id),
            "help_question",
            sheet.version,
            sheet.help_question,
            500,
        )
    )
    return str(consult.public_id), editables


def refresh(accounts: list[Account]) -> None:
    """Each field's stored version and value, as a page loaded now would show them:
    a step's autosaves leave the next step's users with what they typed."""
    from consult.autosave import editable_kind

    for account in accounts:
        for editable in account.editables:
            kind = editable_kind(editable.kind)
            assert kind is not None, editable.kind
            record = kind.model._default_manager.get(public_id=editable.record_id)
            editable.version = record.version
            editable.value = getattr(record, editable.field)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="update --out's versions and values from the database",
    )
    parser.add_argument("--professionals", type=int, default=0)
    parser.add_argument("--printers", type=int, default=2)
    parser.add_argument("--managers", type=int, default=1)
    parser.add_argument(
        "--services", type=int, default=0, help="generated services (beside the demo's)"
    )
    parser.add_argument("--out", required=True, help="where to write the accounts (JSON)")
    args = parser.parse_args()

    import django

    django.setup()
    if args.refresh:
        by_role = load_accounts(args.out)
        accounts = [account for role in by_role.values() for account in role]
        refresh(accounts)
        Path(args.out).write_text(accounts_to_json(accounts), encoding="utf-8")
        return 0
    accounts = seed(
        professionals=args.professionals,
        printers=args.printers,
        managers=args.managers,
        services=args.services,
    )
    Path(args.out).write_text(accounts_to_json(accounts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brede_gesprek.settings")
    sys.exit(main())
