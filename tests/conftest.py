"""Personas: the people of practice A (huisarts, POH, praktijkmanager, beheerder) and
an outsider, the huisarts of practice B. Most tests are about what each may do."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.access import Actor
from consult.models import Consult, Patient, Practice, Role, User
from consult.services.consults import consult_start
from tests.factories import ConsentFactory, PatientFactory, PracticeFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher() -> Iterator[None]:
    """Argon2 is slow on purpose, and the tests hash and check passwords by the hundred.
    tests/consult/test_accounts.py checks that the real setting is Argon2."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, django_db_keepdb: bool
) -> None:
    """A test database of this run's own: pytest-django names it test_<name>, and two
    runs on one machine would otherwise drop each other's; --reuse-db asks for the
    shared name on purpose. SQLite gets a file of this run's own instead of memory: the
    live server of the browser tests answers requests in threads, and an in-memory
    database makes them share one connection, which SQLite refuses when two requests
    overlap ("bad parameter or other API misuse")."""
    if django_db_keepdb:
        return
    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        if database["ENGINE"] == "django.db.backends.sqlite3":
            test["NAME"] = str(
                Path(tempfile.gettempdir()) / f"brede_gesprek_test_{os.getpid()}.sqlite3"
            )
            continue
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


@pytest.fixture
def practice_a(db: None) -> Practice:
    return PracticeFactory.create(name="Huisartsenpraktijk A")


@pytest.fixture
def practice_b(db: None) -> Practice:
    return PracticeFactory.create(name="Huisartsenpraktijk B")


@pytest.fixture
def huisarts_a(practice_a: Practice) -> User:
    return UserFactory.create(practice=practice_a, role=Role.HUISARTS, full_name="Huisarts A")


@pytest.fixture
def poh_a(practice_a: Practice) -> User:
    return UserFactory.create(practice=practice_a, role=Role.POH_GGZ, full_name="POH A")


@pytest.fixture
def manager_a(practice_a: Practice) -> User:
    return UserFactory.create(practice=practice_a, role=Role.PRAKTIJKMANAGER, full_name="Manager A")


@pytest.fixture
def beheerder_a(practice_a: Practice) -> User:
    return UserFactory.create(practice=practice_a, role=Role.BEHEERDER, full_name="Beheerder A")


@pytest.fixture
def huisarts_b(practice_b: Practice) -> User:
    return UserFactory.create(practice=practice_b, role=Role.HUISARTS, full_name="Huisarts B")


@pytest.fixture
def patient_a(practice_a: Practice):
    return PatientFactory.create(practice=practice_a, first_name="Ingrid", last_name="Hoekstra")


def client_for(user: User) -> Client:
    """A client logged in with both factors, as after a real login with the app's code."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device: TOTPDevice) -> str:
    """The code the professional's phone would show right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def actor_huisarts_a(huisarts_a: User) -> Actor:
    return Actor(user=huisarts_a, client_address="127.0.0.1")


@pytest.fixture
def consult_4d(huisarts_a: User, patient_a: Patient) -> Consult:
    """A 4D conversation started by huisarts_a with patient_a, who consented."""
    ConsentFactory.create(patient=patient_a, given_to=huisarts_a, recorded_by=huisarts_a)
    return consult_start(actor=Actor(user=huisarts_a), patient=patient_a, model_slug="4d")


def record_failed_login(account: User, client_address: str = "192.0.2.7") -> None:
    """A failed login on `account` in the audit trail, as the login page records it."""
    from consult.audit import Visitor, audit_account
    from consult.models import AuditAction, AuditEventType, AuditOutcome

    audit_account(
        actor=Visitor(client_address=client_address),
        event=AuditEventType.LOGIN,
        action=AuditAction.EXECUTE,
        account=account,
        outcome=AuditOutcome.FAILED,
    )


def told_back(page: str) -> dict[str, list[str]]:
    """The answers the page before sending tells back, per question's title: each line
    as the patient reads it ("Overgeslagen" for a question skipped)."""
    import html
    import re

    told = page[page.index('<ol class="answers">') : page.index("</ol>")]
    blocks = re.findall(r'<h2 id="answer-\d+">(.*?)</h2>(.*?)(?=<li class="answer">|$)', told, re.S)
    assert blocks, "the page tells no answers back"
    return {
        html.unescape(title): [
            html.unescape(re.sub(r"<[^>]+>", "", line)).strip()
            for line in re.findall(r"<(?:li|p)[^>]*>(.*?)</(?:li|p)>", body, re.S)
            if "Veranderen" not in line
        ]
        for title, body in blocks
    }
