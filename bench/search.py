"""Search on the sociale kaart, through the real view with the test client: text
only ("schulden"), text with three filters, and text with a typo ("schuldn"), each
with BENCH_SERVICES (10,000) services beside the same request on an empty services
table, the two interleaved. The empty table is a second database of the run's own,
made the same way but for the services; it stands in for the default database during
its requests.

Target for each on PostgreSQL, the database the app runs on in production: at most
1.5x the same request on the empty table; it ranks in the database (full-text and
trigram indexes). SQLite is the database of `make demo` and the tests; it ranks in
Python (sociale_kaart/search.py: "not for ten thousand services"), and its figures are
reported without a target.

On PostgreSQL the services table is vacuumed after loading, as autovacuum does within
a minute or so: loading updates each new service after inserting it (its search words
and theme ids), which leaves a dead row version beside every live one, and a search in
the bloated table reads past them (with two such versions, as loading left before
one UPDATE did both: about 0.7 ms of the 11 to 12 here, 6 December). The steady state
is what a practice searches in, day after day.
"""

import functools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import logged_in_client, staff_user  # sets Django up before anything else

# isort: split
from django.db import connection
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse

from bench import harness
from bench.many_services import add_services

SERVICES = harness.services_count()
ROUNDS = harness.rounds(100)
BUDGET_S = 30.0  # per figure: a slow search gets fewer rounds rather than an hour
TARGET_RATIO = 1.5
EMPTY = "kaart_empty"  # the alias of the database with an empty services table
FILTERS = {"theme": "geld-en-schulden", "postcode": "9992 AB", "costs": "gratis"}
SEARCHES = {
    "kaart_search_text": {"q": "schulden"},
    "kaart_search_filtered": {"q": "schulden", **FILTERS},
    "kaart_search_typo": {"q": "schuldn"},
}


def practice_client() -> tuple[Client, object]:
    """A practice whose huisarts is logged in: (client, practice)."""
    from consult.models import Practice, Role

    practice = Practice.objects.create(name="Benchpraktijk")
    return logged_in_client(staff_user(practice, Role.HUISARTS)), practice


def measure() -> None:
    url = reverse("service_list")
    with harness.using_database(EMPTY):
        empty_client, _practice = practice_client()
    client, practice = practice_client()
    own_map = practice.own_map  # type: ignore[attr-defined]
    started = time.perf_counter()
    add_services(own_map, SERVICES)
    if connection.vendor == "postgresql":  # see above
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE sociale_kaart_service")
    harness.note(f"kaart search: {SERVICES} services in {time.perf_counter() - started:.1f} s")
    for name, params in SEARCHES.items():
        harness.attempt(
            [name], functools.partial(measure_search, name, params, url, client, empty_client)
        )


def measure_search(
    name: str, params: dict[str, str], url: str, client: Client, empty_client: Client
) -> None:
    harness.measure_get_beside_database(
        name,
        f"{name}_empty_table",
        url,
        params,
        client,
        empty_client,
        EMPTY,
        ROUNDS,
        target_ratio=TARGET_RATIO if connection.vendor == "postgresql" else None,
        target_note=(
            ""
            if connection.vendor == "postgresql"
            else "the target is PostgreSQL's; SQLite (the demo) ranks in Python"
        ),
        budget_s=BUDGET_S,
        min_rounds=5,
        extra={"services": SERVICES, "shown": shown(client.get(url, params)), "query": params},
    )


def shown(response: HttpResponseBase) -> int:
    """How many services the results table shows (its body's rows)."""
    page = response.content.decode()  # type: ignore[attr-defined]
    body = page.partition("<tbody>")[2].partition("</tbody>")[0]
    return body.count("<tr")


def measure_all() -> None:
    with harness.bench_database(EMPTY):
        measure()


if __name__ == "__main__":
    sys.exit(harness.main(list(SEARCHES), measure_all))
