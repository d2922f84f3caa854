"""Many services at once, fast (bulk_create, not service_save), for the benchmark of the
search (bench/search.py), the load test's map and the tests of how the search scales:
a common vocabulary, so that a common word matches most services, as on a large care
group's map."""

import random

from django.db import connection
from django.utils import timezone

from sociale_kaart.models import Service, ServiceArea, ServiceMap, Theme
from sociale_kaart.services import refresh_search_vectors

# fmt: off
WORDS = (
    "hulp", "bij", "schulden", "geld", "formulieren", "wonen", "huur", "werk", "dagbesteding",
    "eenzaam", "contact", "buurt", "sport", "bewegen", "wandelen", "eten", "koken", "slapen",
    "stress", "somber", "piekeren", "zingeving", "rouw", "mantelzorg", "opvoeding", "kinderen",
    "jongeren", "ouderen", "taal", "lezen", "schrijven", "computer", "digitaal", "recht",
    "advies", "vrijwilligers", "maatje", "groep", "cursus", "coach", "spreekuur", "inloop",
    "gratis", "samen", "leren",
)
# fmt: on
NAMES = (
    "Schuldhulp",
    "Buurthuis",
    "Taalcafé",
    "Sportcoach",
    "Wijkteam",
    "Steunpunt",
    "Maatjes",
    "Inloop",
    "Cursus",
    "Loket",
)


def add_services(service_map: ServiceMap, count: int, *, seed: int = 7) -> None:
    """`count` active services with two themes each, a third serving the whole region and
    the others a few postcodes from 9900 up; then the statistics brought up to date, as
    autovacuum would, so the planner decides on what is there."""
    rng = random.Random(seed)
    themes = list(Theme.objects.all())
    today = timezone.localdate()
    Service.objects.bulk_create(
        [
            Service(
                service_map=service_map,
                name=f"{rng.choice(NAMES)} {rng.choice(WORDS)} {number}",
                organisation=f"Organisatie {number % 300}",
                description=" ".join(rng.choice(WORDS) for _ in range(25)).capitalize() + ".",
                costs=rng.choice(["gratis", "verzekerd", "eigen-bijdrage", "betaald"]),
                referral=rng.choice(["geen", "huisarts", "anders"]),
                serves_whole_region=rng.random() < 0.3,
                last_checked_on=today,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )
    services = list(
        Service.objects.filter(service_map=service_map).only("pk", "serves_whole_region")
    )
    through = Service.themes.through
    through.objects.bulk_create(
        [
            through(service_id=service.pk, theme_id=theme.pk)
            for service in services
            for theme in rng.sample(themes, 2)
        ],
        batch_size=2000,
    )
    areas = []
    for service in services:
        if not service.serves_whole_region:
            start = rng.randrange(9900, 9999)
            areas.append(
                ServiceArea(service=service, postcode_from=start, postcode_to=min(start + 5, 9999))
            )
    ServiceArea.objects.bulk_create(areas, batch_size=2000)
    refresh_search_vectors([service.pk for service in services])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
