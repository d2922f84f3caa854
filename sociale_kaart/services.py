"""Writes to the sociale kaart. Every change leaves a revision: who, when, and the
whole record as it was after the change, so an earlier version can be looked at."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Max, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Replace
from django.forms.models import model_to_dict
from django.utils import timezone

from sociale_kaart.access import KaartUser
from sociale_kaart.models import Service, ServiceArea, ServiceRevision, Theme
from sociale_kaart.validators import parse_areas

# The words of a service's themes (their Dutch slugs, "geld-en-schulden" as "geld en
# schulden"), so a search for "schuld" finds every service on money and debts.
THEME_WORDS = Subquery(
    Theme.objects.filter(services=OuterRef("pk"))
    .order_by()
    .values("services")
    .annotate(words=StringAgg(Replace("slug", Value("-"), Value(" ")), delimiter=Value(" ")))
    .values("words")
)
# What the Dutch full-text search looks at, and how much each weighs.
SEARCH_VECTOR = (
    SearchVector("name", weight="A", config="dutch")
    + SearchVector("organisation", weight="B", config="dutch")
    + SearchVector(THEME_WORDS, weight="B", config="dutch")
    + SearchVector("description", weight="C", config="dutch")
)
SNAPSHOT_EXCLUDE = {"id", "search_vector", "service_map", "version"}


def snapshot(service: Service, themes: Iterable[str]) -> dict[str, Any]:
    data = model_to_dict(service, exclude=[*SNAPSHOT_EXCLUDE, "themes"])
    for key, value in data.items():
        if isinstance(value, date):
            data[key] = value.isoformat()
    data["themes"] = sorted(themes)
    return data


def service_save(
    *,
    service: Service,
    themes: Iterable[str],
    user: KaartUser | None,
    change: str,
) -> Service:
    """Create or update a service (already validated) with its themes and areas, and
    record the revision; without a user when the app loads the data itself (the demo)."""
    theme_slugs = sorted(set(themes))
    with transaction.atomic():
        if service.pk:
            service.version += 1
        service.save()
        service.themes.set(Theme.objects.filter(slug__in=theme_slugs))
        _replace_areas([service])
        refresh_search_vectors([service.pk])
        _revise(service, theme_slugs, user, change)
    return service


def _revise(service: Service, themes: list[str], user: KaartUser | None, change: str) -> None:
    last = service.revisions.aggregate(last=Max("number"))["last"] or 0
    ServiceRevision.objects.create(
        service=service,
        number=last + 1,
        changed_by_id=user.pk if user is not None else None,
        change=change,
        data=snapshot(service, themes),
    )


def _replace_areas(services: list[Service]) -> None:
    ServiceArea.objects.filter(service__in=services).delete()
    ServiceArea.objects.bulk_create(
        ServiceArea(service=service, postcode_from=start, postcode_to=end)
        for service in services
        for start, end in parse_areas(service.area_postcodes)
    )


# The words of the services' vectors, added to their map's words (models.SearchTerm),
# in a fixed order so that two saves adding the same words cannot deadlock.
ADD_SEARCH_TERMS = """
    INSERT INTO sociale_kaart_searchterm (service_map_id, term)
    SELECT DISTINCT service_map_id, unnest(tsvector_to_array(search_vector)) AS term
    FROM sociale_kaart_service
    WHERE id = ANY(%s) AND search_vector IS NOT NULL
    ORDER BY service_map_id, term
    ON CONFLICT (service_map_id, term) DO NOTHING
"""


# Each service's search vector (SEARCH_VECTOR, in the ORM's SQL of `fresh`) and the ids
# of its themes, in the column a search with a theme filters on (migration
# 0009_service_theme_ids): in one UPDATE, so a service is written once, not once for
# each (every write leaves a dead row version until vacuum).
SET_SEARCH_COLUMNS = """
    UPDATE sociale_kaart_service AS service
    SET search_vector = fresh.vector,
        theme_ids = ARRAY(
            SELECT link.theme_id FROM sociale_kaart_service_themes AS link
            WHERE link.service_id = service.id ORDER BY link.theme_id
        )
    FROM (%(fresh)s) AS fresh
    WHERE service.id = fresh.id
"""


def refresh_search_vectors(pks: list[int]) -> None:
    """PostgreSQL keeps a stored Dutch search vector per service, the ids of its themes,
    and per map the words in the vectors (where a search looks up its typos); run after
    every change of a service or its themes. Two statements for many services."""
    if connection.vendor == "postgresql" and pks:
        # Unsorted: sorted by name (the model's ordering), the benchmark's 10,000 services
        # were rewritten in that order, and a search walking them by key then read another
        # page of the table at every step (bench/search.py: 1.42x instead of 1.34x).
        fresh = Service.objects.filter(pk__in=pks).order_by().values("id", vector=SEARCH_VECTOR)
        fresh_sql, params = fresh.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(SET_SEARCH_COLUMNS % {"fresh": fresh_sql}, params)
            cursor.execute(ADD_SEARCH_TERMS, [list(pks)])


def service_mark_checked(*, service: Service, user: KaartUser) -> Service:
    """The practice manager confirmed the record is still right: one click."""
    with transaction.atomic():
        service.last_checked_on = timezone.localdate()
        service.version += 1
        service.save(update_fields=["last_checked_on", "version", "updated_at"])
        _revise(service, list(service.themes.values_list("slug", flat=True)), user, "checked")
    return service


def service_set_active(*, service: Service, active: bool, user: KaartUser) -> Service:
    with transaction.atomic():
        service.is_active = active
        service.version += 1
        service.save(update_fields=["is_active", "version", "updated_at"])
        _revise(
            service,
            list(service.themes.values_list("slug", flat=True)),
            user,
            "activated" if active else "deactivated",
        )
    return service
