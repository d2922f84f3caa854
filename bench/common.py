"""What every benchmark needs: Django set up for a benchmark run (a throwaway secret,
plain http, no collected static files) and a client logged in with both factors.

Import this module first in a benchmark script: it configures Django on import."""

import os
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brede_gesprek.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# WhiteNoise warns that collectstatic has not run; the benchmarks serve no static files.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if TYPE_CHECKING:
    from consult.models import Patient, User


def logged_in_client(user: object) -> Client:
    """A client with a session that passed the password and the authenticator code."""
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def staff_user(practice: object, role: str, email: str = "bench@praktijk.example") -> "User":
    """A user of the practice in the role; a treating role as confirmed by a colleague."""
    from django.utils import timezone

    from consult.models import CLINICAL_ROLES, User

    return User.objects.create_user(
        email=email,
        password="bench-password-2026",
        full_name="Bench",
        practice=practice,
        role=role,
        confirmed_at=timezone.now() if role in CLINICAL_ROLES else None,
    )


def consenting_patient(
    email: str = "bench@praktijk.example", **patient_fields: Any
) -> tuple["User", "Patient"]:
    """A practice with a huisarts and a patient who consented: (user, patient)."""
    from datetime import date

    from consult.models import Consent, Patient, Practice, Role

    name = "Benchpraktijk" if email == "bench@praktijk.example" else f"Benchpraktijk {email}"
    practice = Practice.objects.create(name=name, phone="0501234567")
    user = staff_user(practice, Role.HUISARTS, email)
    fields = {
        "first_name": "Bench",
        "last_name": "Patiënt",
        "date_of_birth": date(1970, 1, 1),
        "his_number": "1",
    }
    patient = Patient.objects.create(practice=practice, **{**fields, **patient_fields})
    Consent.objects.create(
        patient=patient, given_on=date(2026, 1, 1), given_to=user, recorded_by=user
    )
    return user, patient
