"""Typos on PostgreSQL: a search's words are looked up among the words of the map's
services (SearchTerm) and their close spellings searched for too."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from sociale_kaart.models import SearchTerm
from sociale_kaart.search import Filters, search
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the words are PostgreSQL's"),
]


def names(user, **params) -> list[str]:
    response = client_for(user).get(reverse("service_list"), params)
    assert response.status_code == 200
    return [service.name for service in response.context["services"]]


def terms(service_map) -> set[str]:
    return set(SearchTerm.objects.filter(service_map=service_map).values_list("term", flat=True))


def test_saving_a_service_adds_its_words_to_its_map(practice_a, shared_map):
    make_service(practice_a.own_map, name="Fietsclub De Trapper", description="Samen fietsen.")

    assert {"fietsclub", "trapper", "fiets", "geld", "schuld"} <= terms(practice_a.own_map)
    assert terms(shared_map) == set()


def test_a_typo_finds_a_service_by_its_themes(huisarts_a, shared_map):
    make_service(shared_map, name="Budgetcoach", description="Samen uw administratie op orde.")
    make_service(shared_map, name="Wandelclub", themes=("bewegen-en-leefstijl",))

    assert names(huisarts_a, q="schuldn") == ["Budgetcoach"]
    assert names(huisarts_a, q="wandelclb") == ["Wandelclub"]


def test_a_word_only_another_practice_uses_is_no_spelling_here(huisarts_a, practice_b):
    make_service(practice_b.own_map, name="Paardrijden", description="Op een paard.")

    assert search([practice_b.own_map.pk], Filters(text="paardrijdn"))
    assert names(huisarts_a, q="paardrijdn") == []


def test_what_a_search_excludes_stays_out_whatever_the_spelling(huisarts_a, shared_map):
    make_service(shared_map, name="Schuldhulp voor jongeren", description="Tot 23 jaar.")
    make_service(shared_map, name="Schuldhulp Zonnedal", description="Voor iedereen.")

    assert names(huisarts_a, q="schuldhulp -jongeren") == ["Schuldhulp Zonnedal"]
    assert names(huisarts_a, q="schuldhlp -jongeren") == ["Schuldhulp Zonnedal"]


def test_spellings_keep_their_threshold_when_the_server_allows_less(huisarts_a, shared_map):
    """word_similarity("sport", "buurtsportcoach") is 0.5: below TRIGRAM_THRESHOLD, so no
    spelling of "sport", also when pg_trgm's own threshold is set lower."""
    make_service(shared_map, name="Buurtsportcoach", description="Samen in beweging.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', '0.3', false)")
    try:
        assert names(huisarts_a, q="sport") == []
        assert names(huisarts_a, q="buurtsportcoah") == ["Buurtsportcoach"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET pg_trgm.word_similarity_threshold")


def test_the_migration_fills_in_the_words_of_the_services_there_are(huisarts_a, shared_map):
    make_service(shared_map, name="Formulierenbrigade", description="Hulp bij brieven.")
    SearchTerm.objects.all().delete()
    assert names(huisarts_a, q="formulierenbrigde") == []

    migration = importlib.import_module("sociale_kaart.migrations.0007_search_terms")
    with connection.schema_editor() as schema_editor:
        migration.fill(django_apps, schema_editor)

    assert names(huisarts_a, q="formulierenbrigde") == ["Formulierenbrigade"]


def test_an_import_writes_each_new_service_once_after_inserting_it(manager_a):
    """Its search words and theme ids go in with one UPDATE: every write of a row leaves
    a dead version of it until vacuum, which a search reads past (bench/search.py)."""
    from sociale_kaart.csv_io.importing import import_csv
    from tests.sociale_kaart.test_csv import make_csv, service_row

    rows = [service_row(sleutel=f"dienst-{n}", naam=f"Schuldhulp {n}") for n in range(20)]
    before = _updated_services()
    summary = import_csv(make_csv(rows).decode(), manager_a.practice.own_map, user=manager_a)
    assert summary.created == 20
    assert _updated_services() - before == 20
    assert names(manager_a, q="schuldhulp", theme="geld-en-schulden")[:1] == ["Schuldhulp 0"]


def _updated_services() -> int:
    """Rows of the services table updated in this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'sociale_kaart_service'"
        )
        row = cursor.fetchone()
    return row[0] if row else 0
