"""Who is asking, read in one query: the session's second-factor device with its user.
The checks of Django and django-otp still hold on that user: a changed password, a
deactivated account, a device of someone else or one that was removed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _patient_list(client):
    return client.get(reverse("patient_list"))


def test_user_and_device_are_read_in_one_query(huisarts_a):
    client = client_for(huisarts_a)
    _patient_list(client)  # the session's first request may write it
    with CaptureQueriesContext(connection) as queries:
        assert _patient_list(client).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    devices = [query for query in sql if "otp_totp_totpdevice" in query]
    assert len(devices) == 1, devices
    assert 'JOIN "consult_user"' in devices[0]  # the device with its user
    by_id = [q for q in sql if 'FROM "consult_user" WHERE "consult_user"."id" = ' in q]
    assert by_id == []  # and the user is not read again


def test_a_changed_password_still_ends_the_session(huisarts_a):
    client = client_for(huisarts_a)
    assert _patient_list(client).status_code == 200
    huisarts_a.set_password("een-heel-ander-wachtwoord-2026")
    huisarts_a.save()
    response = _patient_list(client)
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == reverse("login")


def test_a_deactivated_account_is_logged_out(huisarts_a):
    client = client_for(huisarts_a)
    huisarts_a.is_active = False
    huisarts_a.save()
    response = _patient_list(client)
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == reverse("login")


def test_a_device_of_someone_else_does_not_pass_the_second_factor(huisarts_a, poh_a):
    client = client_for(huisarts_a)
    other = TOTPDevice.objects.create(user=poh_a, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other.persistent_id
    session.save()
    response = _patient_list(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_removed_device_no_longer_passes(huisarts_a):
    client = client_for(huisarts_a)
    TOTPDevice.objects.filter(user=huisarts_a).delete()
    response = _patient_list(client)
    assert response.status_code == 302
    assert response["Location"].split("?")[0] != reverse("login")
