"""The security page: new recovery codes and a new authenticator app, each only after
the password was entered again in the last five minutes."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from account_security.lockout import is_locked
from account_security.reauth import REAUTHENTICATED_AT
from account_security.second_factor import recovery_codes_create
from consult.access import Actor
from consult.models import AuditEvent
from tests.account_security.steps import codes_in, enter_password
from tests.conftest import client_for, current_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NOT_YOUR_PASSWORD = "Dit is niet je wachtwoord. Let op hoofdletters."


def confirm_password(client, password=PASSWORD, next_url=""):
    query = f"?next={next_url}" if next_url else ""
    return client.post(reverse("reauthenticate") + query, {"password": password}, follow=True)


def test_the_menu_leads_to_the_security_page(huisarts_a):
    client = client_for(huisarts_a)
    menu = client.get(reverse("patient_list")).content.decode()
    assert f'<a href="{reverse("account_security")}">Beveiliging</a>' in menu
    page = client.get(reverse("account_security")).content.decode()
    assert "Nieuwe herstelcodes maken" in page
    assert "Nieuwe authenticator-app koppelen" in page


def test_a_new_app_without_the_password_goes_to_the_password_prompt(huisarts_a):
    client = client_for(huisarts_a)
    response = client.get(reverse("authenticator_new"))
    assert response["Location"] == (
        reverse("reauthenticate") + "?next=%2Faccount%2Fbeveiliging%2Fauthenticator%2F"
    )
    assert TOTPDevice.objects.filter(user=huisarts_a).count() == 1


def test_with_the_password_confirmed_a_new_app_replaces_the_old_one(huisarts_a):
    client = client_for(huisarts_a)
    old = TOTPDevice.objects.get(user=huisarts_a)
    url = reverse("authenticator_new")
    assert NOT_YOUR_PASSWORD in confirm_password(client, "not-my-password", url).content.decode()
    assert confirm_password(client, next_url=url).redirect_chain[-1][0] == url
    new = TOTPDevice.objects.get(user=huisarts_a, confirmed=False)
    page = client.post(url, {"token": current_code(new)}, follow=True).content.decode()
    assert "Je nieuwe authenticator-app is gekoppeld. De oude app werkt niet meer." in page
    assert list(TOTPDevice.objects.filter(user=huisarts_a)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert client.get(reverse("patient_list")).status_code == 200
    trail = list(
        AuditEvent.objects.filter(event__in=["password", "second_factor"], object_type="user")
        .order_by("id")
        .values_list("event", "action", "outcome", "details")
    )
    assert trail == [
        ("password", "execute", "failed", {"purpose": "reauthentication"}),
        ("password", "execute", "allowed", {"purpose": "reauthentication"}),
        ("second_factor", "update", "allowed", {"authenticator": "replaced"}),
    ]


def test_the_confirmed_password_holds_five_minutes(huisarts_a):
    client = client_for(huisarts_a)
    confirm_password(client)
    assert client.get(reverse("authenticator_new")).status_code == 200
    session = client.session
    session[REAUTHENTICATED_AT] -= 5 * 60 + 1
    session.save()
    assert client.get(reverse("authenticator_new"))["Location"].startswith(
        reverse("reauthenticate")
    )


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(huisarts_a):
    client = client_for(huisarts_a)
    old_codes = recovery_codes_create(actor=Actor(huisarts_a))
    response = client.post(reverse("recovery_codes_new"))
    assert response["Location"] == reverse("reauthenticate") + "?next=%2Faccount%2Fbeveiliging%2F"
    assert StaticToken.objects.count() == 10
    confirm_password(client)
    page = client.post(reverse("recovery_codes_new"), follow=True).content.decode()
    new_codes = codes_in(page)
    assert len(set(new_codes)) == 10
    assert not set(new_codes) & set(old_codes)
    assert "Je hebt 10 ongebruikte herstelcodes." in page
    stored = {token.token for token in StaticToken.objects.all()}
    assert stored == {code.replace("-", "") for code in new_codes}
    made = AuditEvent.objects.filter(event="second_factor", action="create", object_type="user")
    assert [event.details for event in made] == [{"recovery_codes": 10}] * 2


def test_wrong_passwords_at_the_prompt_count_towards_the_lock(client, huisarts_a):
    logged_in = client_for(huisarts_a)
    for _ in range(5):
        page = confirm_password(logged_in, "not-my-password").content.decode()
    assert "Te veel pogingen om in te loggen." in page
    assert is_locked(huisarts_a)
    assert enter_password(client, huisarts_a.email).status_code == 200
