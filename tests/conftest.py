"""Personas: the people of practice A (huisarts, POH, praktijkmanager, beheerder) and
an outsider, the huisarts of practice B. Most tests are about what each may do."""

import pytest
from django.test import Client

from consult.access import Actor
from consult.models import Practice, Role, User
from tests.factories import PatientFactory, PracticeFactory, UserFactory


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
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def actor_huisarts_a(huisarts_a: User) -> Actor:
    return Actor(user=huisarts_a, client_address="127.0.0.1")
