import pytest
from django.urls import reverse

from brede_gesprek import settings as project_settings
from consult.models import Role
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_by_email_in_any_case(client, huisarts_a):
    response = client.post(
        reverse("login"), {"username": huisarts_a.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(huisarts_a.pk)


def test_wrong_password_gives_a_dutch_message(client, huisarts_a):
    response = client.post(
        reverse("login"), {"username": huisarts_a.email, "password": "wrong-password-123"}
    )
    assert response.status_code == 200
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in response.content.decode()


def test_deactivated_user_cannot_log_in(client, huisarts_a):
    huisarts_a.is_active = False
    huisarts_a.save()
    response = client.post(reverse("login"), {"username": huisarts_a.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(huisarts_a):
    client = client_for(huisarts_a)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("patient_list")).status_code == 302


def test_passwords_are_hashed_with_argon2(settings, practice_a):
    """The tests hash with MD5 for speed (tests/conftest.py); the project hashes with
    Argon2."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory.create(practice=practice_a)
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)
    # OWASP's minimum for Argon2id: 19 MiB, two passes, one lane; no more, since every
    # login pays for it in CPU time (issue 14).
    parameters = dict(part.split("=") for part in user.password.split("$")[3].split(","))
    assert parameters == {"m": "19456", "t": "2", "p": "1"}


def test_a_hash_with_older_parameters_still_logs_in_and_is_redone(settings, practice_a, client):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory.create(practice=practice_a)
    old = Argon2PasswordHasher()
    user.password = old.encode(PASSWORD, old.salt())
    user.save(update_fields=["password"])
    assert "m=102400" in user.password
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password


def create_account(client, **overrides):
    data = {"full_name": "Nieuwe Collega", "email": "Nieuw@Praktijk.example", "role": Role.POH_S}
    data.update(overrides)
    return client.post(reverse("user_new"), data, follow=True)


def test_beheerder_sets_role_and_deactivates(beheerder_a, huisarts_a):
    client = client_for(beheerder_a)
    url = reverse("user_edit", kwargs={"user_id": huisarts_a.public_id})
    client.post(url, {"full_name": "Huisarts A", "role": Role.POH_GGZ})
    huisarts_a.refresh_from_db()
    assert huisarts_a.role == Role.POH_GGZ
    assert not huisarts_a.is_active


def test_beheerder_cannot_lock_themselves_out(beheerder_a):
    url = reverse("user_edit", kwargs={"user_id": beheerder_a.public_id})
    response = client_for(beheerder_a).post(
        url, {"full_name": "Beheerder A", "role": Role.BEHEERDER}
    )
    assert "Je kunt jezelf niet deactiveren" in response.content.decode()
    beheerder_a.refresh_from_db()
    assert beheerder_a.is_active


def test_beheerder_cannot_touch_another_practice(beheerder_a, huisarts_b):
    url = reverse("user_edit", kwargs={"user_id": huisarts_b.public_id})
    assert client_for(beheerder_a).get(url).status_code == 404


def test_duplicate_email_is_refused(beheerder_a, huisarts_a):
    response = create_account(client_for(beheerder_a), email=huisarts_a.email.upper())
    assert "Er is al een account met dit e-mailadres." in response.content.decode()
