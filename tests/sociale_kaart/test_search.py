"""Finding the right service: the same functional tests on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

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
