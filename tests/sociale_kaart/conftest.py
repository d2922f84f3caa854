import datetime

import pytest
from django.utils import timezone

from sociale_kaart.models import Service, ServiceMap
from sociale_kaart.services import service_save


@pytest.fixture
def shared_map(practice_a) -> ServiceMap:
    shared = ServiceMap.objects.create(name="Zorggroep Test", is_shared=True)
    practice_a.shared_map = shared
    practice_a.save()
    return shared


def make_service(
    service_map, *, themes=("geld-en-schulden",), checked_days_ago=10, **fields
) -> Service:
    defaults = {
        "name": "Dienst",
        "description": "Een dienst in de buurt.",
        "serves_whole_region": True,
        "last_checked_on": timezone.localdate() - datetime.timedelta(days=checked_days_ago),
    }
    service = Service(service_map=service_map, **{**defaults, **fields})
    service.full_clean(exclude=["themes"])
    return service_save(service=service, themes=themes, user=None, change="created")
