"""Which services fit a need, such as a goal in a patient's plan: the sociale kaart's
side of a referral. The core turns its goals into Needs; nothing here knows a goal."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sociale_kaart.models import Service
from sociale_kaart.search import stem, words

SUGGESTIONS_PER_NEED: Final = 3
# How many a professional may see when the first few are not enough.
MORE_SUGGESTIONS_PER_NEED: Final = 10
# Shorter words in a need's text say nothing about which service fits.
MIN_WORD_LENGTH: Final = 4
# Longer words that say nothing about which service fits either.
STOPWORDS: Final = frozenset(
    [
        "mijn",
        "weer",
        "wil",
        "willen",
        "over",
        "niet",
        "meer",
        "minder",
        "graag",
        "beter",
        "weten",
        "kunnen",
        "hebben",
        "doen",
        "gaan",
        "krijgen",
        "maken",
        "zijn",
        "worden",
        # "Zorgen" in a patient's words means worries ("minder zorgen over geld"), but
        # stems to "zorg", care, which is in many a service's words: a false match.
        "zorgen",
    ]
)


@dataclass(frozen=True)
class Need:
    key: int  # the caller's own id for the need: the result is keyed by it
    theme_ids: frozenset[int]
    text: str  # in the patient's own words


def services_for_needs(
    needs: Sequence[Need],
    *,
    map_ids: Sequence[int],
    postcode: str,
    age: int | None = None,
    limit: int = SUGGESTIONS_PER_NEED,
) -> dict[int, list[Service]]:
    """Per need with themes, at most `limit` active services of these maps whose themes
    match the need's, whose area covers the postcode and whose age range holds the age,
    best first: the need's own words, then how many themes fit, fresh before stale. One
    query for all needs."""
    wanted = {theme_id for need in needs for theme_id in need.theme_ids}
    if not wanted:
        return {}
    services = Service.objects.in_maps(list(map_ids)).active().filter(themes__in=wanted)
    if postcode[:4].isdigit():
        services = services.covering(int(postcode[:4]))
    if age is not None:
        services = services.for_age(age)
    candidates = list(services.distinct().prefetch_related("themes").order_by("name"))
    service_words = {
        s.pk: {stem(w) for w in words(f"{s.name} {s.description}")} for s in candidates
    }
    found: dict[int, list[Service]] = {}
    for need in needs:
        need_words = {
            stem(w) for w in words(need.text) if len(w) >= MIN_WORD_LENGTH and w not in STOPWORDS
        }
        ranked = []
        for service in candidates:
            in_themes = len(need.theme_ids & {t.pk for t in service.themes.all()})
            if in_themes:
                in_words = len(need_words & service_words[service.pk])
                ranked.append(((-in_words, -in_themes, service.is_stale, service.name), service))
        ranked.sort(key=lambda item: item[0])
        found[need.key] = [service for _key, service in ranked[:limit]]
    return found
