"""Finding the right service for a goal, during a consult.

PostgreSQL: Dutch full-text search on a stored, weighted vector ("schulden" finds
"schuld") combined with trigram word similarity for typos ("schuldhulpverleneing"),
both served by GIN indexes. SQLite: the same filters in SQL, then a simpler ranking
in Python (Dutch suffix stripping and a similarity ratio), good for the demo and the
tests, not for ten thousand services. Both match the words of a service's themes too,
so "schuld" finds every service on money and debts, whatever its own words say.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Greatest

from sociale_kaart.models import Service

MAX_RESULTS = 50
TRIGRAM_THRESHOLD = 0.45


@dataclass(frozen=True)
class Filters:
    text: str = ""
    theme: str = ""
    postcode_number: int | None = None
    costs: str = ""
    referral: str = ""
    age: int | None = None
    include_inactive: bool = False


def search(map_ids: list[int], filters: Filters) -> list[Service]:
    services = Service.objects.in_maps(map_ids)
    if not filters.include_inactive:
        services = services.active()
    if filters.theme:
        services = services.filter(themes__slug=filters.theme)
    if filters.postcode_number is not None:
        services = services.covering(filters.postcode_number)
    if filters.costs:
        services = services.filter(costs=filters.costs)
    if filters.referral:
        services = services.filter(referral=filters.referral)
    if filters.age is not None:
        services = services.for_age(filters.age)
    services = services.prefetch_related("themes")
    text = filters.text.strip()
    if not text:
        return list(services.order_by("name")[:MAX_RESULTS])
    if connection.vendor == "postgresql":
        return list(_postgres_ranked(services, text)[:MAX_RESULTS])
    return _python_ranked(list(services), text)[:MAX_RESULTS]


def _postgres_ranked(services: QuerySet[Service], text: str) -> QuerySet[Service]:
    query = SearchQuery(text, config="dutch", search_type="websearch")
    # A match in the name counts most, then the organisation, then the description.
    similarity = Greatest(
        TrigramWordSimilarity(text, "name"),
        TrigramWordSimilarity(text, "organisation") * Value(0.6),
        TrigramWordSimilarity(text, "description") * Value(0.3),
    )
    return (
        services.filter(
            Q(search_vector=query)
            | Q(name__trigram_word_similar=text)
            | Q(organisation__trigram_word_similar=text)
            | Q(description__trigram_word_similar=text)
        )
        .annotate(
            score=Coalesce(Cast(SearchRank(F("search_vector"), query), FloatField()), Value(0.0))
            * Value(2.0)
            + similarity
        )
        .order_by("-score", "name")
    )


# Common Dutch endings, longest first: enough to let "schulden" meet "schuld".
SUFFIXES = ("heden", "ingen", "ing", "en", "es", "e", "s")


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", plain)


def theme_words(service: Service) -> str:
    """The words of the service's themes (their Dutch slugs): what a search matches on
    besides the service's own words. The themes must be prefetched."""
    return " ".join(theme.slug.replace("-", " ") for theme in service.themes.all())


def _python_ranked(services: list[Service], text: str) -> list[Service]:
    wanted = [stem(word) for word in words(text)]
    scored = []
    for service in services:
        fields = (
            (service.name, 3.0),
            (service.organisation, 2.0),
            (theme_words(service), 1.5),
            (service.description, 1.0),
        )
        score = 0.0
        for term in wanted:
            best = 0.0
            for field_text, weight in fields:
                for candidate in {stem(word) for word in words(field_text)}:
                    if candidate == term or (len(term) >= 4 and candidate.startswith(term)):
                        best = max(best, weight)
                    elif len(term) >= 5:
                        ratio = SequenceMatcher(None, term, candidate).ratio()
                        if ratio >= 0.85:
                            best = max(best, weight * ratio)
            if best == 0.0:
                break
            score += best
        else:
            scored.append((score, service.name, service))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [service for _score, _name, service in scored]
