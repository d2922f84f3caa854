"""ICPC suggestions from what the patient chose: their words first, a theme only when
it points at one code."""

import pytest

from consult.icpc import Choice, codes_in, suggest, title

MONEY, HOUSING, WORK, LEGAL, LANGUAGE = (
    "geld-en-schulden",
    "wonen",
    "werk-en-dagbesteding",
    "juridisch",
    "taal-en-digitale-vaardigheden",
)
SOCIETAL = frozenset({MONEY, HOUSING, WORK, LEGAL, LANGUAGE})


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Van mijn schulden af", {"Z01"}),
        ("Overzicht over mijn geldzaken", {"Z01"}),
        ("Slecht slapen", {"P06"}),
        ("Ik lig elke nacht wakker", {"P06"}),
        ("Somber, veel piekeren", {"P01", "P03"}),
        ("Minder stress op mijn werk", {"P02", "Z05"}),
        ("Ruzie met de buren", {"Z03"}),
        ("Ik wil werken aan mijn conditie", set()),  # "werken aan" is no work problem
        ("Minder vaak naar de huisarts", set()),  # "huisarts" is no house
        ("Rekening houden met mijn rug", set()),  # nor is this a bill
        ("Mijn partner is vertrokken", {"Z12"}),
        ("Minder alcohol drinken", {"P15"}),
        ("Ik voel me eenzaam", {"Z29"}),
    ],
)
def test_the_patients_words_point_at_codes(text, codes):
    assert codes_in(text) == codes


def test_a_goal_in_a_domain_gives_the_code_of_its_words_only():
    assert suggest([Choice("Van mijn schulden af", SOCIETAL)]) == ["Z01"]


def test_a_theme_counts_only_when_the_words_say_nothing_and_it_points_at_one_code():
    assert suggest([Choice("Weer de oude worden", SOCIETAL)]) == []
    assert suggest([Choice("Weer de oude worden", frozenset({MONEY}))]) == ["Z01"]
    assert suggest([Choice("Me beter voelen", frozenset({"psychische-klachten"}))]) == ["P29"]


def test_goals_and_priorities_together_in_code_order_each_once():
    choices = [
        Choice("Van mijn schulden af", SOCIETAL),
        Choice("Slecht slapen"),
        Choice("Schulden, brieven maak ik niet open"),
    ]
    assert suggest(choices) == ["P06", "Z01"]


def test_every_code_that_can_be_suggested_has_a_title():
    from consult.icpc import BY_THEME, WORDS

    assert all(title(code) for code in [*WORDS, *BY_THEME.values()])
