"""Finding the right service for a goal, during a consult.

PostgreSQL: Dutch full-text search on a stored, weighted vector ("schulden" finds
"schuld"), tolerant of typos: every word of the search also looks for its close
spellings among the words of the map's services (models.SearchTerm, by trigram word
similarity: "schuldn" finds "schuld", "schuld" finds "schuldhulp"), and the services
are then found through the full-text GIN index. SQLite: the same filters in SQL, then
a simpler ranking in Python (Dutch suffix stripping and a similarity ratio), good for
the demo and the tests, not for ten thousand services. Both match the words of a
service's themes too, so "schuld" finds every service on money and debts, whatever its
own words say.
"""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import BooleanField, F, Func, OuterRef, QuerySet, StringAgg, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from sociale_kaart.models import Service, ServiceQuerySet, Theme

MAX_RESULTS = 50
# How close a spelling must be to count as the same word: pg_trgm's word_similarity of
# the searched word to the stored one. 0.6 is also pg_trgm's default
# word_similarity_threshold, which the `%>` operator (the one the trigram index
# serves) uses; the comparison in the SQL keeps this value whatever the server's
# setting, as long as that setting is not higher.
TRIGRAM_THRESHOLD = 0.6
# Close spellings looked up per word (the closest first), and the shortest word that
# gets any: two- and three-letter words resemble too many others.
SPELLINGS_PER_WORD = 10
MIN_FUZZY_LENGTH = 4
MAX_WORDS = 10
# How many of the services that match are ranked, at most, per kind of match: those
# matching in their name, organisation or themes, and those matching anywhere. A
# common word matches thousands, and ranking them all costs more than the page may.
CANDIDATES = 250


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
    """At most MAX_RESULTS services of these maps that pass the filters and match the
    text, the best first (without text: by name). Each holds what the results page
    shows (see for_results); any other field is loaded when read, a query each."""
    services = Service.objects.in_maps(map_ids)
    if not filters.include_inactive:
        services = services.active()
    if filters.theme:
        services = _with_theme(services, filters.theme)
    if filters.postcode_number is not None:
        services = services.covering(filters.postcode_number)
    if filters.costs:
        services = services.filter(costs=filters.costs)
    if filters.referral:
        services = services.filter(referral=filters.referral)
    if filters.age is not None:
        services = services.for_age(filters.age)
    text = filters.text.strip()
    if not text:
        return list(for_results(services).order_by("name")[:MAX_RESULTS])
    if connection.vendor == "postgresql":
        return _postgres_ranked(services, map_ids, text)
    return _python_ranked(list(for_results(services, "description")), text)[:MAX_RESULTS]


def _with_theme(services: ServiceQuerySet, slug: str) -> ServiceQuerySet:
    """On PostgreSQL through the services' own array of theme ids and its GIN index
    (migration 0009_service_theme_ids): with words searched too, the planner intersects
    the two indexes instead of checking each service of the theme."""
    if connection.vendor != "postgresql":
        return services.filter(themes__slug=slug)
    theme_id = Theme.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if theme_id is None:
        return services.none()
    # The id as a constant, so the planner can tell how many services have the theme.
    has_theme = RawSQL(
        '"sociale_kaart_service"."theme_ids" @> ARRAY[%s]::integer[]',
        [theme_id],
        output_field=BooleanField(),
    )
    return services.filter(has_theme)


# What the results page shows of a service (the refer button included); the rest is
# left in the database.
SHOWN_FIELDS = (
    "public_id",
    "service_map",
    "name",
    "organisation",
    "costs",
    "referral",
    "is_active",
    "last_checked_on",
    "age_min",
    "age_max",
)


def for_results(services: QuerySet[Service], *also: str) -> QuerySet[Service]:
    """The services with what the results show (SHOWN_FIELDS, and `also`) and the slugs
    of their themes (see theme_slugs) in the same query: cheaper than prefetching the
    themes (another query, and a manager and a Theme per row and theme)."""
    slugs = (
        Theme.objects.filter(services=OuterRef("pk"))
        .order_by()
        .values("services")
        .annotate(slugs=StringAgg("slug", delimiter=Value(",")))
        .values("slugs")
    )
    return services.only(*SHOWN_FIELDS, *also).annotate(theme_slugs=Subquery(slugs))


def theme_slugs(service: Service) -> list[str]:
    """The slugs of a service's themes, in order; the service must come from
    for_results."""
    joined: str | None = getattr(service, "theme_slugs", None)
    return sorted(joined.split(",")) if joined else []


class InArray(Func):
    """value = ANY(array)"""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


class Matches(Func):
    """vector @@ query"""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


# The two queries a search asks the full-text index, as tsquery text: the words with
# their close spellings in name, organisation or themes (weights ":AB"); and as typed
# (websearch syntax) or with close spellings anywhere (as typed alone when no word has
# a spelling). The alternatives of each word of the search (the array parameter) are
# looked up once for both: the word's own Dutch lexemes and its close spellings among
# the map's words; every word is required. A Dutch stopword ("de", "bij") is left out;
# NULL when no word is left. The stored lexemes go into the query as they are (quoted
# for tsquery's syntax), not parsed again. Constant SQL; every value a parameter.
QUERIES_SQL = r"""
    WITH typed AS (SELECT websearch_to_tsquery('dutch'::regconfig, %s) AS query),
    alternatives AS MATERIALIZED (
        SELECT
            wanted.position,
            '''' || replace(replace(alternative.term, '\', '\\'), '''', '''''') || ''''
                AS quoted
        FROM unnest(%s::text[]) WITH ORDINALITY AS wanted (word, position)
        CROSS JOIN LATERAL (
            SELECT tsvector_to_array(to_tsvector('dutch'::regconfig, wanted.word)) AS lexemes
        ) AS own
        CROSS JOIN LATERAL (
            SELECT unnest(own.lexemes) AS term
            UNION
            (
                SELECT close.term FROM sociale_kaart_searchterm AS close
                WHERE char_length(wanted.word) >= %s
                    AND close.service_map_id = ANY(%s)
                    AND close.term %%> wanted.word
                    AND word_similarity(wanted.word, close.term) >= %s
                ORDER BY word_similarity(wanted.word, close.term) DESC, close.term
                LIMIT %s
            )
        ) AS alternative
        WHERE cardinality(own.lexemes) > 0
    ),
    per_word AS (
        SELECT
            '(' || string_agg(quoted || ':AB', ' | ') || ')' AS strong,
            '(' || string_agg(quoted, ' | ') || ')' AS anywhere
        FROM alternatives
        GROUP BY position
    )
    SELECT
        (SELECT string_agg(strong, ' & ') FROM per_word)::tsquery::text,
        coalesce(
            typed.query || (SELECT string_agg(anywhere, ' & ') FROM per_word)::tsquery,
            typed.query
        )::text
    FROM typed
"""


def query_words(text: str) -> tuple[list[str], list[str]]:
    """The words a search asks for and those it excludes ("-jongeren"), lower case,
    accents kept (as the lexemes keep them); websearch's "or" left out."""
    wanted: list[str] = []
    excluded: list[str] = []
    for part in text.lower().split():
        if part == "or":
            continue
        into = excluded if part.startswith("-") else wanted
        for word in re.findall(r"\w+", part):
            if word not in into:
                into.append(word)
    return wanted[:MAX_WORDS], excluded[:MAX_WORDS]


def _tsquery(query: str) -> RawSQL:
    # A constant, so the planner can tell how common the words are.
    return RawSQL("%s::tsquery", [query])


# The candidates: the newest that match anywhere, and, only when there are more than
# those, the newest that match in name, organisation or themes too (a CTE is run only
# when read). The two %(...)s are the SQL of those two querysets.
CANDIDATES_SQL = """
    ARRAY(
        WITH anywhere (id) AS MATERIALIZED (%(anywhere)s),
            strong (id) AS MATERIALIZED (%(strong)s)
        SELECT id FROM anywhere
        UNION
        SELECT id FROM strong WHERE (SELECT count(*) FROM anywhere) > %%s
    )
"""


def _postgres_ranked(services: QuerySet[Service], map_ids: list[int], text: str) -> list[Service]:
    """Services that match the search as typed (websearch syntax: "schulden -jongeren",
    "schuld or geld") or with close spellings of its words; the best first.

    At most CANDIDATES that match anywhere are ranked, and when more match, also at most
    CANDIDATES that match in name, organisation or themes: a common word matches
    thousands, and ranking them all costs more than the page may. Candidates are taken
    newest first (the same ones every time), so the planner either looks the words up
    in the full-text GIN index (when they are rare), starts from a selective filter
    (a theme), or walks the primary key backwards and stops when it has enough (when
    most services match): on a large map never a scan of the whole table, and the time
    a search takes depends on CANDIDATES, not on how common its words are
    (tests/sociale_kaart/test_search_plan.py reads the plans)."""
    words, excluded = query_words(text)
    spelling: list[Any] = [words, MIN_FUZZY_LENGTH, map_ids, TRIGRAM_THRESHOLD, SPELLINGS_PER_WORD]
    with connection.cursor() as cursor:
        cursor.execute(QUERIES_SQL, [text, *spelling])
        strong_query, any_query = cursor.fetchone()
    if not any_query:
        return []
    newest_first = services.order_by("-pk").values("pk")
    if excluded:
        # What the search excludes stays out, also when close spellings find it.
        excluding = RawSQL("websearch_to_tsquery('dutch'::regconfig, %s)", [" or ".join(excluded)])
        newest_first = newest_first.exclude(Matches(F("search_vector"), excluding))
    anywhere = newest_first.filter(Matches(F("search_vector"), _tsquery(any_query)))
    # One more than CANDIDATES: whether there are more than that.
    anywhere_sql, params = anywhere[: CANDIDATES + 1].query.sql_with_params()
    if strong_query:
        strong = newest_first.filter(Matches(F("search_vector"), _tsquery(strong_query)))
        strong_sql, strong_params = strong[:CANDIDATES].query.sql_with_params()
    else:
        strong_sql, strong_params = "SELECT NULL::bigint AS id WHERE false", ()
    candidates = RawSQL(  # noqa: S611 - SQL of the ORM's querysets, values as parameters
        CANDIDATES_SQL % {"anywhere": anywhere_sql, "strong": strong_sql},
        [*params, *strong_params, CANDIDATES],
    )
    # The words as typed count twice; close spellings once (most when in the name).
    as_typed = SearchQuery(text, config="dutch", search_type="websearch")
    score = Coalesce(SearchRank(F("search_vector"), as_typed), Value(0.0)) * Value(2.0) + Coalesce(
        SearchRank(F("search_vector"), _tsquery(any_query)), Value(0.0)
    )
    # pk = ANY(ARRAY(...)) rather than pk IN (...): the planner then fetches the
    # candidates one by one through the primary key, where for IN it may read the
    # whole table to join it with them.
    return list(
        for_results(Service.objects.filter(InArray(F("pk"), candidates)))
        .annotate(score=score)
        .order_by("-score", "name")[:MAX_RESULTS]
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
    besides the service's own words. The service must come from for_results."""
    return " ".join(slug.replace("-", " ") for slug in theme_slugs(service))


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
