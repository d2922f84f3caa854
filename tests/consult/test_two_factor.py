"""Two-step verification: nobody reaches patient data with a password alone."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from consult.models import AuditEvent
from tests.conftest import client_for, current_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in_with_password(client, user):
    client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def reset_two_factor(beheerder, user):
    return client_for(beheerder).post(
        reverse("user_edit", kwargs={"user_id": user.public_id}),
        {
            "full_name": user.full_name,
            "role": user.role,
            "is_active": "on",
            "reset_two_factor": "on",
        },
    )


def device_events(**filters):
    return list(
        AuditEvent.objects.filter(object_type="two_factor_device", **filters)
        .order_by("id")
        .values_list("action", "user_id", "object_id", "patient_id")
    )


def audit_trail_down(**kwargs):
    raise RuntimeError("audit trail unavailable")


def test_password_alone_does_not_reach_patient_data(client, huisarts_a, patient_a):
    log_in_with_password(client, huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    assert patient_a.last_name not in client.get(response["Location"]).content.decode()


def test_first_login_links_the_app_and_continues_where_the_user_was_going(
    client, huisarts_a, patient_a
):
    log_in_with_password(client, huisarts_a)
    url = reverse("patient_detail", kwargs={"patient_id": patient_a.public_id})
    setup_url = client.get(url)["Location"]
    page = client.get(setup_url).content.decode()
    assert 'src="data:image/svg+xml' in page
    device = TOTPDevice.objects.get(user=huisarts_a, confirmed=False)
    response = client.post(setup_url, {"token": current_code(device)})
    assert response["Location"] == url
    assert "Ingrid Hoekstra" in client.get(url).content.decode()
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_at_setup_changes_nothing(client, huisarts_a):
    log_in_with_password(client, huisarts_a)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=huisarts_a)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_setup"), {"token": wrong})
    assert "Deze code klopt niet." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("patient_list")).status_code == 302


def test_later_logins_ask_for_the_code(client, huisarts_a):
    device = TOTPDevice.objects.create(user=huisarts_a, name="authenticator", confirmed=True)
    log_in_with_password(client, huisarts_a)
    response = client.get(reverse("patient_list"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    response = client.post(reverse("two_factor_verify"), {"token": "12 34"})
    assert "Vul de zes cijfers uit je app in." in response.content.decode()
    client.post(reverse("two_factor_verify"), {"token": current_code(device)})
    assert client.get(reverse("patient_list")).status_code == 200


def test_repeated_wrong_codes_are_slowed_down(client, huisarts_a):
    device = TOTPDevice.objects.create(user=huisarts_a, name="authenticator", confirmed=True)
    log_in_with_password(client, huisarts_a)
    wrong = f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
    client.post(reverse("two_factor_verify"), {"token": wrong})
    response = client.post(reverse("two_factor_verify"), {"token": current_code(device)})
    assert "Te veel foute codes." in response.content.decode()
    assert client.get(reverse("patient_list")).status_code == 302


def test_the_gate_does_not_open_other_pages_before_the_code(client, huisarts_a):
    TOTPDevice.objects.create(user=huisarts_a, name="authenticator", confirmed=True)
    log_in_with_password(client, huisarts_a)
    for name in ("password_change", "patient_new", "home"):
        assert client.get(reverse(name)).status_code == 302, name


def test_next_cannot_send_the_user_elsewhere(client, huisarts_a):
    device = TOTPDevice.objects.create(user=huisarts_a, name="authenticator", confirmed=True)
    log_in_with_password(client, huisarts_a)
    response = client.post(
        reverse("two_factor_verify") + "?next=https://evil.example/",
        {"token": current_code(device)},
    )
    assert response["Location"] == reverse("home")


def test_beheerder_resets_a_lost_phone(beheerder_a, huisarts_a):
    client_for(huisarts_a)
    assert TOTPDevice.objects.filter(user=huisarts_a).exists()
    reset_two_factor(beheerder_a, huisarts_a)
    assert not TOTPDevice.objects.filter(user=huisarts_a).exists()


def test_linking_the_app_is_audited(client, huisarts_a):
    log_in_with_password(client, huisarts_a)
    client.get(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=huisarts_a)
    client.post(reverse("two_factor_setup"), {"token": current_code(device)})
    owner = str(huisarts_a.public_id)
    assert device_events() == [
        ("create", huisarts_a.pk, owner, None),
        ("update", huisarts_a.pk, owner, None),
    ]


def test_a_wrong_code_at_setup_confirms_nothing_in_the_audit_trail(client, huisarts_a):
    log_in_with_password(client, huisarts_a)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=huisarts_a)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client.post(reverse("two_factor_setup"), {"token": wrong})
    assert [event[0] for event in device_events()] == ["create"]


def test_no_confirmation_without_its_audit_record(client, huisarts_a, monkeypatch):
    log_in_with_password(client, huisarts_a)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=huisarts_a)
    monkeypatch.setattr("consult.services.two_factor.audit_log", audit_trail_down)
    with pytest.raises(RuntimeError):
        client.post(reverse("two_factor_setup"), {"token": current_code(device)})
    device.refresh_from_db()
    assert not device.confirmed


def test_a_reset_is_audited_as_the_beheerders_act(beheerder_a, huisarts_a):
    client_for(huisarts_a)
    reset_two_factor(beheerder_a, huisarts_a)
    assert device_events(user=beheerder_a) == [
        ("delete", beheerder_a.pk, str(huisarts_a.public_id), None)
    ]


def test_no_reset_without_its_audit_record(beheerder_a, huisarts_a, monkeypatch):
    client_for(huisarts_a)
    monkeypatch.setattr("consult.services.two_factor.audit_log", audit_trail_down)
    with pytest.raises(RuntimeError):
        reset_two_factor(beheerder_a, huisarts_a)
    assert TOTPDevice.objects.filter(user=huisarts_a, confirmed=True).exists()


def test_can_be_switched_off_for_a_demo(client, huisarts_a, settings):
    settings.TWO_FACTOR_REQUIRED = False
    log_in_with_password(client, huisarts_a)
    assert client.get(reverse("patient_list")).status_code == 200
