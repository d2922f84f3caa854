"""Finding the right service: the same functional tests on SQLite and PostgreSQL."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.urls import reverse

from sociale_kaart.models import Service
from sociale_kaart.services import service_save
from tests.conftest import client_for
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(shared_map, practice_a):
    return {
        "schuld": make_service(
            shared_map,
            name="Schuldhulpverlening Zonnedal",
            organisation="Gemeente Zonnedal",
            description="Hulp als u een schuld heeft of niet rondkomt.",
        ),
        "sport": make_service(
            shared_map,
            name="Buurtsportcoach",
            description="Samen een sport zoeken die bij u past.",
            themes=("bewegen-en-leefstijl",),
            costs="gratis",
        ),
        "dietist": make_service(
            practice_a.own_map,
            name="Diëtist De Wortel",
            description="Advies over eten en drinken.",
            themes=("voeding",),
            costs="verzekerd",
            referral="huisarts",
            serves_whole_region=False,
            area_postcodes="9990-9994",
        ),
    }


def names(client, **params):
    response = client.get(reverse("service_list"), params)
    assert response.status_code == 200
    return [service.name for service in response.context["services"]]


def test_dutch_stemming_schulden_finds_schuld(huisarts_a, services):
    assert names(client_for(huisarts_a), q="schulden") == ["Schuldhulpverlening Zonnedal"]


def test_a_typo_still_finds_the_service(huisarts_a, services):
    assert names(client_for(huisarts_a), q="schuldhulpverleneing") == [
        "Schuldhulpverlening Zonnedal"
    ]


def test_nothing_found_says_so_in_dutch(huisarts_a, services):
    client = client_for(huisarts_a)
    assert names(client, q="paardrijden") == []
    assert (
        "Geen dienst gevonden"
        in client.get(reverse("service_list"), {"q": "paardrijden"}).content.decode()
    )


def test_the_results_say_how_to_get_there_in_a_few_words(huisarts_a, services):
    """The referral column in a few words (the whole sentence made each row five lines
    high at 768 px); the service's own page keeps the sentence."""
    client = client_for(huisarts_a)
    rows = client.get(reverse("service_list")).content.decode().split("<tr>")[2:]
    cells = {row.split("</a>")[0].rsplit(">", 1)[1]: row.split("<td>")[-1] for row in rows}
    assert cells["Buurtsportcoach"].startswith("zelf aanmelden</td>")
    assert cells["Diëtist De Wortel"].startswith("verwijzing huisarts</td>")
    page = client.get(
        reverse("service_detail", kwargs={"service_id": services["dietist"].public_id})
    )
    assert "verwijzing van de huisarts nodig" in page.content.decode()


def test_filters_theme_costs_referral_and_area(huisarts_a, services):
    client = client_for(huisarts_a)
    assert names(client, theme="voeding") == ["Diëtist De Wortel"]
    assert names(client, costs="gratis") == ["Buurtsportcoach", "Schuldhulpverlening Zonnedal"]
    assert names(client, referral="huisarts") == ["Diëtist De Wortel"]
    assert "Diëtist De Wortel" in names(client, postcode="9992 AB")
    assert "Diëtist De Wortel" not in names(client, postcode="9998")
    assert "Buurtsportcoach" in names(client, postcode="9998")


def test_a_bad_postcode_gets_a_dutch_message(huisarts_a, services):
    response = client_for(huisarts_a).get(reverse("service_list"), {"postcode": "ABC"})
    assert "Vul een postcode in zoals 9999 AB" in response.content.decode()


def test_ranking_puts_name_matches_first(huisarts_a, shared_map):
    make_service(shared_map, name="Buurthuis", description="Ook hulp bij schulden en formulieren.")
    make_service(shared_map, name="Schuldhulp", description="Hulp bij geld.")
    assert names(client_for(huisarts_a), q="schuld")[0] == "Schuldhulp"


def test_inactive_services_are_not_found(huisarts_a, manager_a, services):
    services["sport"].is_active = False
    services["sport"].save()
    assert "Buurtsportcoach" not in names(client_for(huisarts_a))
    assert "Buurtsportcoach" not in names(client_for(huisarts_a), inactive="on")
    assert "Buurtsportcoach" in names(client_for(manager_a), inactive="on")


def test_stale_services_are_marked(huisarts_a, shared_map):
    make_service(shared_map, name="Oude dienst", checked_days_ago=400)
    content = client_for(huisarts_a).get(reverse("service_list")).content.decode()
    assert "langer dan een jaar niet gecontroleerd" in content


def test_another_practice_does_not_see_this_practices_own_services(huisarts_b, services):
    assert names(client_for(huisarts_b)) == []


def test_htmx_search_answers_with_the_results_only(huisarts_a, services):
    response = client_for(huisarts_a).get(
        reverse("service_list"),
        {"q": "sport"},
        headers={"HX-Request": "true", "HX-Target": "service-results"},
    )
    content = response.content.decode()
    assert "Buurtsportcoach" in content
    assert "<html" not in content


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("postcode", "123", "Vul een postcode in zoals 9999 AB, of alleen de vier cijfers."),
        ("age", "300", "Leeftijd patiënt: Zorg ervoor dat deze waarde hoogstens 120 is."),
    ],
)
def test_a_live_search_with_a_wrong_filter_says_what_is_wrong(
    huisarts_a, services, field, value, error
):
    """The live search replaces only the results: a wrong postcode there showed "Geen
    dienst gevonden", as if no service served the area, and its error nowhere."""
    response = client_for(huisarts_a).get(
        reverse("service_list"),
        {"q": "sport", field: value},
        headers={"HX-Request": "true", "HX-Target": "service-results"},
    )
    content = response.content.decode()
    assert "Er is niet gezocht: verbeter eerst de zoekvraag." in content
    assert error in content
    assert 'role="alert"' in content
    assert "Geen dienst gevonden" not in content
    assert "Buurtsportcoach" not in content


def test_the_text_search_finds_a_service_by_its_themes(huisarts_a, shared_map):
    """A search for "schuld" found only the debt services that say so in their own words."""
    own_words = [
        ("Schuldhulpverlening Zonnedal", "Hulp als u schulden heeft."),
        ("Schuldhulpmaatje", "Een vrijwilliger helpt bij geldzorgen."),
    ]
    other_words = [
        ("Budgetcoach", "Samen uw administratie op orde."),
        ("Geldcafé", "Elke dinsdag vragen over brieven en rekeningen."),
        ("Formulierenbrigade", "Hulp bij toeslagen en formulieren."),
        ("Thuisadministratie", "Vrijwilligers komen bij u thuis."),
        ("Voedselbank", "Een pakket als het even niet lukt."),
    ]
    for name, description in [*own_words, *other_words]:
        make_service(shared_map, name=name, description=description)
    make_service(
        shared_map,
        name="Wandelclub",
        description="Samen buiten zijn.",
        themes=("bewegen-en-leefstijl",),
    )

    found = names(client_for(huisarts_a), q="schuld", postcode="9992 AB")

    assert sorted(found) == sorted(name for name, _ in [*own_words, *other_words])
    # Their own words still count most.
    assert set(found[:2]) == {name for name, _ in own_words}


def test_the_age_filter_leaves_out_services_for_other_ages(huisarts_a, shared_map):
    make_service(shared_map, name="Ouderenadvies", age_min=65)
    make_service(shared_map, name="Jongerenloket", age_min=12, age_max=23)
    make_service(shared_map, name="Schuldhulp")
    client = client_for(huisarts_a)
    assert names(client, age="47") == ["Schuldhulp"]
    assert names(client, age="65") == ["Ouderenadvies", "Schuldhulp"]
    assert names(client, age="") == ["Jongerenloket", "Ouderenadvies", "Schuldhulp"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector is PostgreSQL's")
def test_the_migration_adds_the_themes_to_the_vectors_of_existing_services(huisarts_a, shared_map):
    service = make_service(shared_map, name="Budgetcoach", description="Samen op orde.")
    Service.objects.filter(pk=service.pk).update(search_vector=SearchVector("name", config="dutch"))
    assert names(client_for(huisarts_a), q="schuld") == []

    migration = importlib.import_module("sociale_kaart.migrations.0006_search_vector_themes")
    with connection.schema_editor() as schema_editor:
        migration.refresh(django_apps, schema_editor)

    assert names(client_for(huisarts_a), q="schuld") == ["Budgetcoach"]


def test_a_service_is_found_by_its_new_theme_at_once(huisarts_a, manager_a, services):
    """The theme filter reads, on PostgreSQL, the ids of the themes kept on the service
    itself: a change of themes counts from the next search on."""
    service_save(
        service=services["dietist"], themes=["geld-en-schulden"], user=manager_a, change="edited"
    )

    client = client_for(huisarts_a)
    assert names(client, theme="voeding") == []
    assert "Diëtist De Wortel" in names(client, theme="geld-en-schulden")
    assert names(client, theme="geld-en-schulden", q="wortel") == ["Diëtist De Wortel"]
