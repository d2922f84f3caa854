import pytest

from consult.access import Actor
from consult.models import Consult
from consult.services.consults import consult_start
from tests.factories import ConsentFactory


@pytest.fixture
def consult_4d(huisarts_a, patient_a) -> Consult:
    ConsentFactory.create(patient=patient_a, given_to=huisarts_a, recorded_by=huisarts_a)
    return consult_start(actor=Actor(user=huisarts_a), patient=patient_a, model_slug="4d")
