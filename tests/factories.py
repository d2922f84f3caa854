import datetime
from typing import Any

import factory
from django.utils import timezone

from consult.models import CLINICAL_ROLES, Consent, Patient, PatientLink, Practice, Role, User

PASSWORD = "a-long-test-password-2026"


class PracticeFactory(factory.django.DjangoModelFactory[Practice]):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Huisartsenpraktijk {n}")
    phone = "0501234567"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@praktijk.example")
    full_name = factory.Sequence(lambda n: f"Medewerker {n}")
    practice = factory.SubFactory(PracticeFactory)
    role = Role.HUISARTS
    # Treating accounts as a colleague confirmed them (tests/consult/test_activation.py
    # covers the unconfirmed ones).
    confirmed_at = factory.LazyAttribute(
        lambda user: timezone.now() if user.role in CLINICAL_ROLES else None
    )

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class PatientFactory(factory.django.DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    practice = factory.SubFactory(PracticeFactory)
    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    date_of_birth = datetime.date(1970, 5, 17)
    his_number = factory.Sequence(lambda n: f"{300000 + n}")
    postcode = "9999 AB"


class ConsentFactory(factory.django.DjangoModelFactory[Consent]):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    given_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=1))
    given_to = factory.LazyAttribute(
        lambda consent: UserFactory.create(practice=consent.patient.practice, role=Role.HUISARTS)
    )
    recorded_by = factory.LazyAttribute(lambda consent: consent.given_to)


class SentLinkFactory(factory.django.DjangoModelFactory[PatientLink]):
    """A patient's link the patient has just filled in and sent: pass patient,
    created_by, model_slug, purpose and answers."""

    class Meta:
        model = PatientLink

    token_hash = factory.Sequence(lambda n: f"sent-{n}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    completed_at = factory.LazyFunction(timezone.now)
