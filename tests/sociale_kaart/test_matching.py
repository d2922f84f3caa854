"""Which services the sociale kaart suggests for a need (a goal in a patient's plan):
the fitting ones of the practice's maps, best first, a few per need."""

import pytest

from sociale_kaart.matching import (
    MORE_SUGGESTIONS_PER_NEED,
    SUGGESTIONS_PER_NEED,
    Need,
    services_for_needs,
)
from sociale_kaart.models import Theme
from tests.sociale_kaart.conftest import make_service

pytestmark = pytest.mark.django_db

POSTCODE = "9992 AB"


def theme_ids(*slugs: str) -> frozenset[int]:
    return frozenset(Theme.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def need(text: str = "", *themes: str, key: int = 1) -> Need:
    return Need(key=key, theme_ids=theme_ids(*(themes or ("geld-en-schulden",))), text=text)


def names(found: dict[int, list], key: int = 1) -> list[str]:
    return [service.name for service in found[key]]


def test_only_active_services_of_the_maps_with_the_theme_covering_the_postcode(
    practice_a, practice_b
):
    own = practice_a.own_map
    make_service(own, name="Schuldhulp hier", serves_whole_region=False, area_postcodes="9990-9994")
    make_service(own, name="Schuldhulp overal")
    make_service(own, name="Schuldhulp elders", serves_whole_region=False, area_postcodes="9800")
    make_service(own, name="Schuldhulp gestopt", is_active=False)
    make_service(own, name="Sportclub", themes=("bewegen-en-leefstijl",))
    make_service(practice_b.own_map, name="Schuldhulp van praktijk B")

    found = services_for_needs([need()], map_ids=[own.pk], postcode=POSTCODE)

    assert names(found) == ["Schuldhulp hier", "Schuldhulp overal"]


def test_the_needs_own_words_come_first_then_fitting_themes_then_fresh_before_stale(
    practice_a,
):
    own = practice_a.own_map
    make_service(own, name="Aanpak", themes=("geld-en-schulden",), checked_days_ago=400)
    make_service(own, name="Budgetcafé", themes=("geld-en-schulden",))
    make_service(own, name="Cursus", themes=("geld-en-schulden", "juridisch"))
    make_service(
        own,
        name="Dienst",
        description="Hulp als u uw geld niet meer overziet.",
        checked_days_ago=400,
    )

    found = services_for_needs(
        [
            need("Overzicht over mijn geld", "geld-en-schulden", "juridisch", key=1),
            need("", "geld-en-schulden", "juridisch", key=2),
        ],
        map_ids=[own.pk],
        postcode=POSTCODE,
    )

    assert names(found, 1) == ["Dienst", "Cursus", "Budgetcafé"]
    assert names(found, 2) == ["Cursus", "Budgetcafé", "Aanpak"]
    assert len(found[2]) == SUGGESTIONS_PER_NEED


def test_words_that_say_nothing_about_a_service_do_not_rank_it(practice_a):
    own = practice_a.own_map
    make_service(own, name="Anker", description="Schuldhulp in de buurt.")
    make_service(own, name="Zonnehuis", description="Wij willen graag weer helpen.")

    found = services_for_needs(
        [need("Ik wil graag weer willen")], map_ids=[own.pk], postcode=POSTCODE
    )

    assert names(found) == ["Anker", "Zonnehuis"]


def test_every_need_in_the_same_two_queries(practice_a, django_assert_num_queries):
    own = practice_a.own_map
    for number in range(5):
        make_service(own, name=f"Dienst {number}", themes=("geld-en-schulden", "wonen"))
    needs = [need(f"Doel {n}", "geld-en-schulden" if n % 2 else "wonen", key=n) for n in range(8)]

    with django_assert_num_queries(2):  # the services, and their themes
        found = services_for_needs(needs, map_ids=[own.pk], postcode=POSTCODE)

    assert set(found) == set(range(8))
    assert all(len(services) == SUGGESTIONS_PER_NEED for services in found.values())


def test_needs_without_themes_ask_nothing_of_the_database(practice_a, django_assert_num_queries):
    make_service(practice_a.own_map, name="Schuldhulp")
    without_themes = Need(key=1, theme_ids=frozenset(), text="Van mijn schulden af")

    with django_assert_num_queries(0):
        assert (
            services_for_needs([without_themes], map_ids=[practice_a.own_map_id], postcode=POSTCODE)
            == {}
        )


def test_only_services_meant_for_the_persons_age(practice_a):
    own = practice_a.own_map
    make_service(own, name="Ouderenadvies", age_min=65)
    make_service(own, name="Jongerenloket", age_max=23)
    make_service(own, name="Schuldhulp volwassenen", age_min=18, age_max=67)
    make_service(own, name="Schuldhulp voor iedereen")

    def for_age(age):
        return names(services_for_needs([need()], map_ids=[own.pk], postcode=POSTCODE, age=age))

    assert for_age(47) == ["Schuldhulp volwassenen", "Schuldhulp voor iedereen"]
    assert for_age(65) == ["Ouderenadvies", "Schuldhulp volwassenen", "Schuldhulp voor iedereen"]
    assert for_age(17) == ["Jongerenloket", "Schuldhulp voor iedereen"]
    assert len(for_age(None)) == 3  # without an age, the first three of all four


def test_more_than_three_on_request_up_to_the_limit(practice_a):
    own = practice_a.own_map
    for number in range(12):
        make_service(own, name=f"Dienst {number:02}")

    found = services_for_needs(
        [need()], map_ids=[own.pk], postcode=POSTCODE, limit=MORE_SUGGESTIONS_PER_NEED
    )

    assert names(found) == [f"Dienst {number:02}" for number in range(10)]


def test_worries_in_the_patients_words_do_not_match_care_in_a_services(practice_a):
    """The patient's "zorgen" (worries) and a service's "zorg" (care) share a stem, not
    a meaning."""
    own = practice_a.own_map
    make_service(own, name="Zorgloket", description="Alles over zorg in de wijk.")
    make_service(own, name="Budgetcoach", description="Samen uw administratie op orde.")

    found = services_for_needs(
        [need("Minder zorgen over mijn rekeningen")], map_ids=[own.pk], postcode=POSTCODE
    )

    assert names(found) == ["Budgetcoach", "Zorgloket"]
