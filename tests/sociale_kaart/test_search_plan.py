"""A text search on a large map never reads the whole services table (PostgreSQL).

Before issue 14 a search for "schulden" computed trigram similarity on every row of the
table, half a second at 10,000 services. The plans of every query a search runs are
read here, for a common word, a common word with filters and a typo, on a map where
most services match; and for a rare word, which must be looked up in the GIN index."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.many_services import add_services
from sociale_kaart.search import CANDIDATES, MAX_RESULTS, Filters, search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]

SERVICES = 3000
SEARCHES = {
    "text": Filters(text="schulden"),
    "filtered": Filters(
        text="schulden", theme="geld-en-schulden", postcode_number=9992, costs="gratis"
    ),
    "typo": Filters(text="schuldn"),
    "two words": Filters(text="hulp schulden"),
}
# The table itself, not sociale_kaart_service_themes or _servicearea.
SEQ_SCAN_OF_SERVICES = re.compile(r"Seq Scan on sociale_kaart_service(?!_)\b")


@pytest.fixture
def big_map(practice_a):
    add_services(practice_a.own_map, SERVICES)
    return [practice_a.own_map.pk]


def plans(map_ids: list[int], filters: Filters) -> tuple[list, list[str]]:
    """The search's results, and the plan of every query it ran, as PostgreSQL ran it."""
    with CaptureQueriesContext(connection) as queries:
        found = search(map_ids, filters)
    explained = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {query['sql']}")
            explained.append("\n".join(row[0] for row in cursor.fetchall()))
    return found, explained


@pytest.mark.parametrize("name", SEARCHES)
def test_a_text_search_never_scans_the_services_table(big_map, name):
    found, explained = plans(big_map, SEARCHES[name])

    assert len(found) == (MAX_RESULTS if name != "filtered" else 42)
    for plan in explained:
        assert not SEQ_SCAN_OF_SERVICES.search(plan), plan


def test_a_common_word_walks_the_primary_key_and_stops(big_map):
    """Most services match "schulden": the newest come first and only so many are
    read, whatever the size of the map."""
    _found, explained = plans(big_map, SEARCHES["text"])

    ranked = explained[-1]
    assert "Index Scan Backward using sociale_kaart_service_pkey" in ranked, ranked
    read = [int(rows) for rows in re.findall(r"Index Scan Backward.*rows=(\d+) loops=1", ranked)]
    assert read, ranked
    assert max(read) <= CANDIDATES + 1, ranked


def test_a_rare_word_is_looked_up_in_the_full_text_index(big_map, practice_a):
    from tests.sociale_kaart.conftest import make_service

    make_service(practice_a.own_map, name="Paardrijden voor iedereen")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sociale_kaart_service")

    for text in ("paardrijden", "paardrijdn"):
        found, explained = plans(big_map, Filters(text=text))

        assert [service.name for service in found] == ["Paardrijden voor iedereen"]
        ranked = explained[-1]
        assert "Bitmap Index Scan on service_search_vector_gin" in ranked, ranked
        assert not SEQ_SCAN_OF_SERVICES.search(ranked), ranked


def test_close_spellings_are_looked_up_in_the_trigram_index(big_map):
    """The words of the services were written after the index was made, as after an
    import. With GIN's pending list they waited outside the index, and the planner
    scanned the whole words table for each word of the search, computing similarity on
    every row (migration 0008)."""
    found, explained = plans(big_map, SEARCHES["typo"])

    assert found
    spellings = explained[0]
    assert "search_term_trgm" in spellings, spellings
    assert "Seq Scan on sociale_kaart_searchterm" not in spellings, spellings


def test_a_theme_and_words_meet_in_the_indexes(big_map):
    """A search for a goal: words, a theme and free services. The planner intersects the
    services of the theme, the free ones and those of the words in their indexes and
    fetches only the services in all three, instead of fetching and checking every
    service of the theme one by one (migrations 0009 and 0010)."""
    _found, explained = plans(big_map, SEARCHES["filtered"])

    ranked = explained[-1]
    assert "BitmapAnd" in ranked, ranked
    for index in ("service_theme_ids_gin", "service_costs", "service_search_vector_gin"):
        assert f"Bitmap Index Scan on {index}" in ranked, ranked
    assert "Index Scan using sociale_kaart_service_pkey" not in ranked.split("CTE strong")[0]
