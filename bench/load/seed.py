"""The load test's data: the demo's sociale kaart and practices, a region's worth of
generated services, and the accounts locust logs in with. Each professional has a
linked authenticator, a patient who consented and a consult under way, of the four
models in turn (consults.py); each printer a consult with a plan of goals and
agreements; the practice manager the care group's shared map.

Run by run_load.py in a process with the load test's settings (DATABASE_URL of its
own database), after `manage.py migrate`:

    python bench/load/seed.py --professionals 200 [--models 4d,kop] --out accounts.json
    python bench/load/seed.py --refresh --out accounts.json   (before each step)
"""

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.load.consults import MODELS, consult_under_way, parse_models  # noqa: E402
from bench.load.scenario import Account, accounts_to_json, load_accounts  # noqa: E402

PASSWORD = "load-test-password-2026"  # accounts of a throwaway database
PROFESSIONALS_PER_PRACTICE = 5


def seed(
    *,
    professionals: int,
    printers: int = 2,
    managers: int = 1,
    services: int = 0,
    models: tuple[str, ...] = MODELS,
) -> list:
    """Create the data (Django must be set up) and return the accounts. The
    professionals' consults are of `models`, in turn."""
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

    accounts: list[Account] = []
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
            model = "4d" if kind == "printer" else models[len(accounts) % len(models)]
            patient = Patient.objects.get(practice=user.practice, his_number=str(user.pk))
            account.model = model
            account.consult, account.steps, account.editables = consult_under_way(
                user, patient, model, plan=kind == "printer"
            )
        accounts.append(account)
    analyze()
    return accounts


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
    parser.add_argument(
        "--models", default="", help="the professionals' models, in turn (default all four)"
    )
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
        models=parse_models(args.models),
    )
    Path(args.out).write_text(accounts_to_json(accounts), encoding="utf-8")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brede_gesprek.settings")
    sys.exit(main())
