"""Guessable passwords are refused, with a Dutch message, wherever a password is set."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from consult.demo import DEMO_PASSWORD
from tests.conftest import client_for
from tests.factories import PASSWORD, PracticeFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_GUESSABLE = "Dit wachtwoord is te makkelijk te raden"
HAS_NAME = "Dit wachtwoord bevat de naam van deze applicatie, van je praktijk of van de demo."


def change_password(client, new_password):
    return client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("wachtwoord123", TOO_GUESSABLE),
        ("welkom123456", TOO_GUESSABLE),
        ("Welkom2026!", TOO_GUESSABLE),
        ("W3lk0m-2026-2026", TOO_GUESSABLE),
        ("2026!Zomer!2026", TOO_GUESSABLE),
        ("sanne19851985", TOO_GUESSABLE),
        ("Patiënt2026!!", TOO_GUESSABLE),
        (DEMO_PASSWORD, HAS_NAME),
        ("Brede Gesprek 2026", HAS_NAME),
    ],
)
def test_a_guessable_password_is_refused(huisarts_a, password, message):
    response = change_password(client_for(huisarts_a), password)
    assert message in response.content.decode()
    huisarts_a.refresh_from_db()
    assert huisarts_a.check_password(PASSWORD)


def test_the_name_of_ones_own_practice_is_refused():
    user = UserFactory.create(practice=PracticeFactory.create(name="Huisartsenpraktijk De Linde"))
    with pytest.raises(ValidationError, match="van je praktijk"):
        validate_password("DeLinde!2026-2026", user=user)
    validate_password("DeLinde!2026-2026", user=UserFactory.create())


@pytest.mark.parametrize(
    "password",
    ["een lange zin als wachtwoord", "zonder cijfers of tekens", "welkom thuis, koffie?"],
)
def test_a_sentence_is_fine(huisarts_a, password):
    response = change_password(client_for(huisarts_a), password)
    assert response.status_code == 302
    huisarts_a.refresh_from_db()
    assert huisarts_a.check_password(password)


def test_ones_own_name_is_refused(practice_a):
    """Django looks at username, first_name and last_name, which this user model does not
    have: a password of one's own full name passed."""
    user = UserFactory.create(practice=practice_a, full_name="Marieke Oosterhuis")
    response = change_password(client_for(user), "MariekeOosterhuis2026")
    assert "Dit wachtwoord lijkt te veel op je volledige naam." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    validate_password("MariekeOosterhuis2026", user=UserFactory.create(full_name="Jan Smit"))


def test_the_rules_speak_to_the_user_as_the_app_does(huisarts_a):
    """Django's Dutch says "Uw wachtwoord ..." in a list where the app says "je"."""
    page = client_for(huisarts_a).get(reverse("password_change")).content.decode()
    rules = re.search(r"<ul[^>]*>(.*?)</ul>", page.split("Nieuw wachtwoord", 1)[1], re.S)
    assert rules
    words = " ".join(re.sub(r"<[^>]+>", " ", rules.group(1)).split())
    assert "Je wachtwoord mag niet te veel lijken op je naam of e-mailadres." in words
    assert "Je wachtwoord mag niet alleen uit cijfers bestaan." in words
    assert not re.search(r"\b[Uu]w\b", words), words


def test_a_wrong_old_password_is_said_as_the_app_does(huisarts_a):
    response = client_for(huisarts_a).post(
        reverse("password_change"),
        {"old_password": "niet het oude", "new_password1": "x", "new_password2": "x"},
    )
    page = response.content.decode()
    assert "Je oude wachtwoord klopt niet. Typ het opnieuw." in page
    assert "Uw oude wachtwoord" not in page
