"""Sessions: a new key after the second factor, every session of an account ended at
once (not suspended), and a session without activity ended after the idle timeout."""

import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from account_security.idle import ACTIVITY_COOKIE, STARTED_AT
from account_security.models import UserSession
from account_security.sessions import end_sessions
from consult.models import AuditEvent
from tests.account_security.steps import codes_in, enter_password, log_in_again
from tests.conftest import client_for, current_code

pytestmark = pytest.mark.django_db

IDLE_MESSAGE = "Je bent uitgelogd omdat je 1 minuut niets deed."


def session_exists(key: str) -> bool:
    return import_module(django_settings.SESSION_ENGINE).SessionStore().exists(key)


def log_in_with_code(client: Client, user) -> None:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    enter_password(client, user.email)
    client.post(reverse("two_factor_verify"), {"token": current_code(device)})


def test_the_code_gives_the_session_a_new_key(client, huisarts_a):
    device = TOTPDevice.objects.create(user=huisarts_a, name="authenticator", confirmed=True)
    enter_password(client, huisarts_a.email)
    before = client.session.session_key
    client.post(reverse("two_factor_verify"), {"token": current_code(device)})
    assert client.session.session_key != before
    assert not session_exists(before)
    assert client.get(reverse("patient_list")).status_code == 200


def test_linking_the_app_and_a_recovery_code_give_new_keys(client, huisarts_a):
    enter_password(client, huisarts_a.email)
    client.get(reverse("two_factor_setup"))
    before_setup = client.session.session_key
    device = TOTPDevice.objects.get(user=huisarts_a)
    page = client.post(reverse("two_factor_setup"), {"token": current_code(device)}, follow=True)
    assert client.session.session_key != before_setup
    log_in_again(client, huisarts_a)
    before_code = client.session.session_key
    client.post(reverse("two_factor_recovery"), {"code": codes_in(page.content.decode())[0]})
    assert client.session.session_key != before_code
    assert client.get(reverse("patient_list")).status_code == 200


def test_end_sessions_logs_out_every_browser_for_good(huisarts_a, poh_a):
    office = Client()
    log_in_with_code(office, huisarts_a)
    home = client_for(huisarts_a)
    colleague = client_for(poh_a)
    assert end_sessions(huisarts_a) == 2
    huisarts_a.is_active = False
    huisarts_a.save()
    huisarts_a.is_active = True  # activated again: the old sessions stay ended
    huisarts_a.save()
    for browser in (office, home):
        assert browser.get(reverse("patient_list"))["Location"].startswith(reverse("login"))
    assert colleague.get(reverse("patient_list")).status_code == 200
    assert not UserSession.objects.filter(user=huisarts_a).exists()


def test_logging_out_forgets_the_session(huisarts_a):
    client = client_for(huisarts_a)
    assert UserSession.objects.filter(user=huisarts_a).count() == 1
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=huisarts_a).exists()


def test_an_idle_session_ends_with_a_message(huisarts_a, settings):
    settings.SESSION_IDLE_MINUTES = 0.01  # 0.6 seconds
    client = client_for(huisarts_a)
    assert client.get(reverse("patient_list")).status_code == 200
    time.sleep(0.7)
    response = client.get(reverse("patient_list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert IDLE_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(event="session")
    assert (event.action, event.user, event.details) == (
        "execute",
        huisarts_a,
        {"reason": "idle timeout"},
    )


def test_requests_keep_the_session_alive(huisarts_a, settings):
    settings.SESSION_IDLE_MINUTES = 0.02  # 1.2 seconds
    client = client_for(huisarts_a)
    for _ in range(5):
        time.sleep(0.5)
        autosave_like = client.get(reverse("patient_list"), headers={"HX-Request": "true"})
        assert autosave_like.status_code == 200
    time.sleep(1.3)
    response = client.get(reverse("patient_list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("login")


def test_asking_how_long_is_left_is_no_activity(huisarts_a, settings):
    settings.SESSION_IDLE_MINUTES = 0.02  # 1.2 seconds
    client = client_for(huisarts_a)
    client.get(reverse("patient_list"))
    time.sleep(0.5)
    assert client.get(reverse("session_status")).json() == {"seconds_left": 1}
    time.sleep(0.8)
    assert client.get(reverse("session_status")).json() == {"seconds_left": 0}
    assert client.get(reverse("patient_list")).status_code == 302


def test_staying_logged_in_is_activity(huisarts_a, settings):
    settings.SESSION_IDLE_MINUTES = 0.02  # 1.2 seconds
    client = client_for(huisarts_a)
    for _ in range(3):
        time.sleep(0.6)
        assert client.post(reverse("session_keepalive")).json() == {"seconds_left": 2}
    assert client.get(reverse("patient_list")).status_code == 200


def test_deleting_the_activity_cookie_does_not_restart_the_clock(huisarts_a):
    client = client_for(huisarts_a)
    assert client.get(reverse("patient_list")).status_code == 200
    session = client.session
    session[STARTED_AT] -= 16 * 60
    session.save()
    del client.cookies[ACTIVITY_COOKIE]
    assert client.get(reverse("patient_list"))["Location"].startswith(reverse("login"))
