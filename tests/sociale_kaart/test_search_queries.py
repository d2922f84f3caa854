"""The search page runs the same few queries for one result and for fifty: no query per
service shown (themes, links, labels), on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from bench.many_services import add_services
from sociale_kaart.search import MAX_RESULTS
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

# Session, user, authenticator and practice; then the search itself: on PostgreSQL the
# close spellings of the words and the ranked services with their themes, on SQLite the
# services with their themes (ranked in Python).
QUERIES = 4 + (2 if connection.vendor == "postgresql" else 1)
SEARCHES = [
    {"q": "schulden"},
    {"q": "schuldn"},
    {"q": "schulden", "costs": "gratis"},
    {"q": "schulden", "postcode": "9992 AB"},
    {"theme": "geld-en-schulden"},
    {},
]


def rows(response) -> int:
    """The services shown (the table's rows below its head)."""
    assert response.status_code == 200
    return response.content.decode().count("<tr>") - 1


@pytest.mark.parametrize("params", SEARCHES)
def test_fifty_results_take_as_many_queries_as_one(
    huisarts_a, practice_a, params, django_assert_max_num_queries
):
    client = client_for(huisarts_a)
    url = reverse("service_list")
    make_service(practice_a.own_map, name="Schuldhulp Zonnedal", costs="gratis")
    with django_assert_max_num_queries(QUERIES) as one:
        assert rows(client.get(url, params)) == 1

    add_services(practice_a.own_map, 400)
    with django_assert_max_num_queries(len(one)):
        assert rows(client.get(url, params)) == MAX_RESULTS


def test_the_rows_show_what_the_services_hold(huisarts_a, practice_a):
    """Name, organisation, stale and inactive marks, themes, costs and referral, as
    before the rows were worked out in Python."""
    make_service(
        practice_a.own_map,
        name="Schuldhulp Zonnedal",
        organisation="Gemeente Zonnedal",
        themes=("geld-en-schulden", "wonen"),
        costs="eigen-bijdrage",
        referral="huisarts",
        checked_days_ago=400,
    )
    content = client_for(huisarts_a).get(reverse("service_list"), {"q": "schuld"}).content
    page = content.decode()
    assert '<span class="hint">Gemeente Zonnedal</span>' in page
    assert "langer dan een jaar niet gecontroleerd" in page
    assert '<span class="badge">Geld en schulden</span> <span class="badge">Wonen</span>' in page
    assert "<td>eigen bijdrage</td>" in page
    assert "<td>verwijzing huisarts</td>" in page  # in a few words (REFERRAL_SHORT)


def test_the_rows_escape_what_the_map_keeper_typed(huisarts_a, practice_a):
    """The rows are written in Python, a string at a time: a name or organisation
    holding markup shows as text, and the link carries the referral's query escaped."""
    service = make_service(
        practice_a.own_map,
        name='Schuld & "hulp" <script>alert(1)</script>',
        organisation="<b>Gemeente</b> 'Zonnedal'",
    )
    page = client_for(huisarts_a).get(reverse("service_list"), {"q": "schuld"}).content.decode()
    assert "<script>" not in page.partition("<tbody>")[2]
    assert "<b>Gemeente" not in page
    assert "Schuld &amp; &quot;hulp&quot; &lt;script&gt;alert(1)&lt;/script&gt;</a>" in page
    assert '<span class="hint">&lt;b&gt;Gemeente&lt;/b&gt; &#x27;Zonnedal&#x27;</span>' in page
    assert f'href="/sociale-kaart/{service.public_id}/"' in page
